"""Chat and webhook delivery: a stored digest to each ``[[channels]]`` destination, once.

Each kind is one request shape: Slack and Discord incoming webhooks (POST JSON), Telegram's
Bot API ``sendMessage`` (HTML parse mode), Matrix's client-server API (PUT of an
``m.room.message`` event under a transaction id), and a plain webhook that receives the
digest's JSON document, signed with HMAC-SHA256 when a secret is named.

Every delivery is recorded in the store (``deliveries``): a channel that has the digest
is skipped unless forced; a long digest sent in several messages records each one, so a
re-run after a failure posts only the rest. Matrix transaction ids and the webhook's
delivery id are derived from (channel, profile, date, resend count, part): a retry of a
request that may have arrived is recognised by the server and never posts twice.

Secrets (tokens, signing keys, URLs given by ``url_env``) are read from the environment
when sending and are never printed, logged or stored: messages name a channel by its
name, kind and host, and what a server answers is shown with any secret blanked out.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import quote, urlsplit

from arxiv_digest.config import ChannelSettings, Settings, check_http_url
from arxiv_digest.digest import Digest
from arxiv_digest.errors import ConfigError, DigestError
from arxiv_digest.http import HttpClient, HttpStatusError
from arxiv_digest.publish import messages
from arxiv_digest.store import Store

SIGNATURE_HEADER = "X-Arxiv-Digest-Signature"
DELIVERY_HEADER = "X-Arxiv-Digest-Delivery"
SPACING = {"telegram": 3.0, "discord": 1.0, "slack": 1.0}   # seconds between parts
_HIDDEN = "***"


@dataclass(frozen=True)
class Target:
    """A channel with its secrets read from the environment."""

    channel: ChannelSettings
    url: str | None = None           # slack, discord, webhook
    token: str | None = None         # telegram, matrix
    secret: str | None = None        # webhook

    @property
    def secrets(self) -> list[str]:
        """What must never be shown: tokens, keys, and a webhook URL's path (its key)."""
        found = [s for s in (self.token, self.secret) if s]
        if self.url:
            parts = urlsplit(self.url)
            found += [self.url, parts.path + (f"?{parts.query}" if parts.query else "")]
        return [s for s in found if len(s) > 1]

    @property
    def host(self) -> str:
        base = self.url or self.channel.homeserver or self.channel.api_url
        return urlsplit(base).hostname or "?"


@dataclass(frozen=True)
class Request:
    method: str
    url: str
    body: bytes
    headers: dict[str, str]
    idempotent: bool = False
    retry_after: Callable[[bytes], float | None] | None = None


@dataclass
class Outcome:
    channel: str
    state: str                       # delivered, already (had it before), failed
    parts: int = 0                   # messages posted by this run
    detail: str = ""                 # why it failed, one line, no secret in it

    def line(self) -> str:
        if self.state == "delivered":
            return f"channel {self.channel}: delivered" + (
                f" ({self.parts} messages)" if self.parts > 1 else "")
        if self.state == "already":
            return f"channel {self.channel}: already delivered (--force sends it again)"
        return f"channel {self.channel}: failed: {self.detail}"


@dataclass
class ChannelReport:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.state == "failed"]


# -- configuration ----------------------------------------------------------------------------

def channels_for(settings: Settings, profile, names: list[str] | None = None
                 ) -> list[ChannelSettings]:
    """The channels a profile's digest goes to: ``names`` when given (each configured),
    else the profile's ``[publish] channels``, else every configured channel."""
    if names:
        unknown = [n for n in names if settings.channel(n) is None]
        if unknown:
            raise ConfigError(f"no channel named {', '.join(map(repr, unknown))} in "
                              f"{settings.home / 'config.toml'} ({_known(settings)})")
        return [settings.channel(n) for n in dict.fromkeys(names)]
    if profile.channels is None:
        return list(settings.channels)
    unknown = [n for n in profile.channels if settings.channel(n) is None]
    if unknown:
        raise ConfigError(f"{profile.source or profile.name}: [publish] channels names "
                          f"{', '.join(map(repr, unknown))}, not a [[channels]] name in "
                          f"{settings.home / 'config.toml'} ({_known(settings)})")
    return [settings.channel(n) for n in profile.channels]


def _known(settings: Settings) -> str:
    names = [c.name for c in settings.channels]
    return f"known: {', '.join(names)}" if names else "none is configured"


def resolve(channel: ChannelSettings, env: Mapping[str, str] | None = None) -> Target:
    """The channel with its secrets from the environment, or a ConfigError naming the
    setting whose variable is unset (the value itself is never shown)."""
    env = os.environ if env is None else env

    def variable(key: str) -> str:
        name = getattr(channel, key)
        value = env.get(name, "").strip()
        if not value:
            raise ConfigError(f"{channel.where}: {key} names {name}, which is not set in the "
                              "environment")
        if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
            raise ConfigError(f"{channel.where}: {key} names {name}, whose value has spaces "
                              "or control characters in it")
        return value

    url = channel.url
    if channel.url_env:
        url = check_http_url(variable("url_env"), f"{channel.where}: the URL in {channel.url_env}")
    token = variable("token_env") if channel.token_env else None
    secret = variable("secret_env") if channel.secret_env else None
    return Target(channel, url=url, token=token, secret=secret)


def check_channels(channels: list[ChannelSettings], env: Mapping[str, str] | None = None
                   ) -> list[Target]:
    """Every channel resolved before anything is sent: the first problem stops it all."""
    return [resolve(c, env) for c in channels]


# -- requests ---------------------------------------------------------------------------------

def delivery_id(channel: str, profile: str, day: date, sends: int, part: int) -> str:
    """The same for every attempt of one message, different for a forced resend."""
    key = f"{channel}\n{profile}\n{day.isoformat()}\n{sends}\n{part}"
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def _json_body(payload: object) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


_JSON = {"Content-Type": "application/json; charset=utf-8"}


def _slack(target: Target, message: messages.Message, **_) -> list[Request]:
    return [Request("POST", target.url, _json_body(p), dict(_JSON))
            for p in messages.slack_messages(message)]


def _discord(target: Target, message: messages.Message, **_) -> list[Request]:
    return [Request("POST", target.url, _json_body(p), dict(_JSON),
                    retry_after=_json_seconds("retry_after"))
            for p in messages.discord_messages(message)]


def _telegram(target: Target, message: messages.Message, **_) -> list[Request]:
    chat = target.channel.chat_id or ""
    chat_id: int | str = int(chat) if re.fullmatch(r"-?\d+", chat) else chat
    token = quote(target.token or "", safe=":")
    url = f"{target.channel.api_url.rstrip('/')}/bot{token}/sendMessage"
    return [Request("POST", url, _json_body({
        "chat_id": chat_id, "text": text, "parse_mode": "HTML",
        "link_preview_options": {"is_disabled": True}}), dict(_JSON),
        retry_after=_json_seconds("parameters", "retry_after"))
        for text in messages.telegram_messages(message)]


def _matrix(target: Target, message: messages.Message, *, ids: Callable[[int], str],
            **_) -> list[Request]:
    room = quote(target.channel.room_id or "", safe="")
    base = f"{target.channel.homeserver.rstrip('/')}/_matrix/client/v3/rooms/{room}"
    headers = dict(_JSON, Authorization=f"Bearer {target.token}")
    return [Request("PUT", f"{base}/send/m.room.message/{ids(0)}",
                    _json_body(messages.matrix_content(message)), headers, idempotent=True,
                    retry_after=_json_seconds("retry_after_ms", scale=0.001))]


def _webhook(target: Target, message: messages.Message, *, document: str,
             ids: Callable[[int], str]) -> list[Request]:
    body = document.encode()
    headers = dict(_JSON, **{DELIVERY_HEADER: ids(0)})
    if target.secret:
        signature = hmac.new(target.secret.encode(), body, hashlib.sha256).hexdigest()
        headers[SIGNATURE_HEADER] = f"sha256={signature}"
    return [Request("POST", target.url, body, headers, idempotent=True)]


BUILDERS = {"slack": _slack, "discord": _discord, "telegram": _telegram, "matrix": _matrix,
            "webhook": _webhook}


def _json_seconds(*path: str, scale: float = 1.0) -> Callable[[bytes], float | None]:
    """A reader of the wait a 429's JSON body asks for (Telegram, Discord, Matrix)."""
    def read(body: bytes) -> float | None:
        try:
            value = json.loads(body)
            for key in path:
                value = value[key]
            return max(0.0, float(value) * scale)
        except (ValueError, TypeError, KeyError, IndexError):
            return None
    return read


def requests_for(target: Target, digest: Digest, document: str, site_url: str | None,
                 sends: int) -> list[Request]:
    """The requests that deliver ``digest`` to ``target``, one per message."""
    channel = target.channel
    message = messages.message_of(digest, site_url)
    return BUILDERS[channel.kind](
        target, message, document=document,
        ids=lambda part: delivery_id(channel.name, digest.profile, digest.date, sends, part))


# -- delivery ---------------------------------------------------------------------------------

def make_client(settings: Settings, **overrides) -> HttpClient:
    options = dict(user_agent=settings.user_agent, timeout=settings.http_timeout,
                   retries=settings.http_retries)
    options.update(overrides)
    return HttpClient(**options)


def deliver(settings: Settings, store: Store, document: str, targets: list[Target], *,
            force: bool = False, client: HttpClient | None = None,
            notify: Callable[[str], None] | None = None) -> ChannelReport:
    """Post the stored digest ``document`` (its JSON text) to each target not yet
    delivered to (every one with ``force``); a failing channel is reported and the
    others go on."""
    digest = Digest.from_json(json.loads(document))
    site_url = settings.site_url if "site_url" in settings.configured else None
    report = ChannelReport()
    own = client is None
    client = client or make_client(settings, notify=notify)
    try:
        for target in targets:
            report.outcomes.append(
                _deliver_one(store, client, target, digest, document, site_url, force))
    finally:
        if own:
            client.close()
    return report


def _deliver_one(store: Store, client: HttpClient, target: Target, digest: Digest,
                 document: str, site_url: str | None, force: bool) -> Outcome:
    name, profile, day = target.channel.name, digest.profile, digest.date
    record = store.delivery(name, profile, day)
    if record is not None and record.status == "delivered" and not force:
        return Outcome(name, "already")
    start = record.parts if record is not None and record.status == "partial" and not force \
        else 0
    requests = requests_for(target, digest, document, site_url, record.sends if record else 0)
    service = f"channel:{name}"
    client.min_intervals.setdefault(service, SPACING.get(target.channel.kind, 0.0))
    label = f"{target.channel.kind} {target.host}"
    for index in range(start, len(requests)):
        request = requests[index]
        try:
            client.send(request.method, request.url, body=request.body, label=label,
                        service=service, headers=request.headers,
                        idempotent=request.idempotent, retry_after=request.retry_after)
        except DigestError as exc:
            detail = _explain(exc, target)
            store.record_delivery(name, profile, day, status="partial" if index else "failed",
                                  parts=index, detail=detail)
            return Outcome(name, "failed", index - start, detail)
        done = index + 1 == len(requests)
        store.record_delivery(name, profile, day, status="delivered" if done else "partial",
                              parts=index + 1)
    return Outcome(name, "delivered", len(requests) - start)


def _explain(exc: DigestError, target: Target) -> str:
    """The error in one line, with what the server said, and no secret in it."""
    text = str(exc)
    if isinstance(exc, HttpStatusError):
        said = server_says(exc.body)
        if said:
            text += f": {said}"
    return redact(text, target.secrets)


def server_says(body: bytes, limit: int = 160) -> str:
    """The reason an error answer gives (Telegram's description, Discord's message,
    Matrix's errcode and error, else the text), as one short line of plain text."""
    text = body.decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        parts = [data.get(k) for k in ("errcode", "error", "description", "message")]
        found = " ".join(str(p) for p in parts if isinstance(p, (str, int)) and p != "")
        text = found or text
    return messages.shorten(messages.plain(text), limit)


def redact(text: str, secrets: list[str]) -> str:
    """``text`` with every secret, as written or URL-encoded, blanked out."""
    forms = {form for secret in secrets
             for form in (secret, quote(secret, safe=""), quote(secret, safe=":"))}
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, _HIDDEN)
    return text
