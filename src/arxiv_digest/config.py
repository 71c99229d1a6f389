"""Settings: the user directory, ``config.toml`` inside it, and environment overrides.

Precedence, lowest first: built-in defaults, ``$HOME_DIR/config.toml``, environment
variables, then explicit command-line options (applied by the caller).
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from arxiv_digest import __version__
from arxiv_digest.errors import ConfigError

DEFAULT_CATEGORIES = ["cs.CV", "cs.LG"]
DEFAULT_FEED_URL = "https://rss.arxiv.org/atom/{category}"
DEFAULT_API_URL = "https://export.arxiv.org/api/query"
ARXIV_MIN_API_INTERVAL = 3.0  # seconds between export-API requests, arXiv's policy
DEFAULT_SITE_URL = "http://localhost:8000/"


def default_home() -> Path:
    override = os.environ.get("ARXIV_DIGEST_HOME")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("arxiv-digest", appauthor=False))


DEFAULT_PRICES = {                     # USD per million tokens: (input, output)
    "gpt-4o-mini": (0.15, 0.60),
    "gpt-4o": (2.50, 10.00),
    "gpt-4.1-mini": (0.40, 1.60),
    "gpt-4.1": (2.00, 8.00),
}


@dataclass(frozen=True)
class LLMSettings:
    """The LLM writer's backend: any OpenAI-compatible chat-completions server."""

    base_url: str | None = None        # None: the openai client's default (api.openai.com)
    api_key: str | None = None
    model: str = "gpt-4o-mini"
    concurrency: int = 4
    timeout: float = 60.0
    max_retries: int = 2
    max_output_tokens: int = 900
    prices: dict = field(default_factory=lambda: dict(DEFAULT_PRICES))

    def cost(self, prompt_tokens: int, completion_tokens: int) -> float | None:
        price = self.prices.get(self.model)
        if price is None:
            return None
        return (prompt_tokens * price[0] + completion_tokens * price[1]) / 1_000_000


@dataclass(frozen=True)
class SMTPSettings:
    """Where e-mail goes out. The user and password come from the environment only
    (ARXIV_DIGEST_SMTP_USER, ARXIV_DIGEST_SMTP_PASSWORD)."""

    host: str = "localhost"
    port: int = 587
    security: str = "starttls"           # starttls, ssl or none
    sender: str = "arxiv-digest@localhost"
    timeout: float = 30.0
    ca_file: str | None = None           # a private CA for the server's certificate
    to: tuple[str, ...] = ()             # default recipients (the daily job)


@dataclass(frozen=True)
class EnrichSettings:
    """Enrichment of the shortlist: full text, code, community and author signals."""

    enabled: bool = True
    shortlist: int = 15
    html_url: str = "https://arxiv.org/html/{id}v{version}"
    pdf_url: str = "https://arxiv.org/pdf/{id}v{version}"
    github_api: str = "https://api.github.com"
    hf_api: str = "https://huggingface.co/api"
    s2_api: str = "https://api.semanticscholar.org/graph/v1"
    timeout: float = 20.0
    retries: int = 2


CHANNEL_KINDS = ("slack", "discord", "telegram", "matrix", "webhook")
DEFAULT_TELEGRAM_API = "https://api.telegram.org"
_CHANNEL_KEYS = {                      # besides name and kind
    "slack": {"url", "url_env"},
    "discord": {"url", "url_env"},
    "telegram": {"chat_id", "token_env", "api_url"},
    "matrix": {"homeserver", "room_id", "token_env"},
    "webhook": {"url", "url_env", "secret_env"},
}
_CHANNEL_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class ChannelSettings:
    """One chat or webhook destination (``[[channels]]`` in config.toml). Secrets are
    named here, never held: ``token_env``, ``secret_env`` and ``url_env`` name
    environment variables read when a message is sent."""

    name: str
    kind: str
    where: str = ""                      # "config.toml: [[channels]] #2 (lab-slack)"
    url: str | None = None               # slack, discord, webhook
    url_env: str | None = None           # ... or the URL from this variable
    chat_id: str | None = None           # telegram
    api_url: str = DEFAULT_TELEGRAM_API  # telegram
    homeserver: str | None = None        # matrix
    room_id: str | None = None           # matrix
    token_env: str | None = None         # telegram, matrix
    secret_env: str | None = None        # webhook: HMAC-SHA256 signature key


@dataclass(frozen=True)
class Settings:
    home: Path
    categories: list[str] = field(default_factory=lambda: list(DEFAULT_CATEGORIES))
    feed_url: str = DEFAULT_FEED_URL
    api_url: str = DEFAULT_API_URL
    api_min_interval: float = ARXIV_MIN_API_INTERVAL
    feed_min_interval: float = 1.0
    contact: str = ""
    http_timeout: float = 30.0
    http_retries: int = 4
    holidays: tuple[date, ...] = ()
    site_url: str = DEFAULT_SITE_URL           # absolute links in feeds and e-mail
    llm: LLMSettings = field(default_factory=LLMSettings)
    smtp: SMTPSettings = field(default_factory=SMTPSettings)
    enrich: EnrichSettings = field(default_factory=EnrichSettings)
    picks: int = 5                             # papers a digest features
    channels: tuple[ChannelSettings, ...] = ()  # [[channels]]: chat and webhook delivery
    configured: frozenset[str] = frozenset()   # settings given in config.toml or the env

    @property
    def db_path(self) -> Path:
        return self.home / "arxiv-digest.db"

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache" / "http"

    @property
    def user_agent(self) -> str:
        contact = f"; mailto:{self.contact}" if self.contact else ""
        return f"arxiv-digest/{__version__} (daily research digest{contact})"

    def with_categories(self, categories: list[str] | None) -> "Settings":
        return replace(self, categories=list(categories)) if categories else self

    @property
    def has_model(self) -> bool:
        """Whether a model server is configured (a key for a hosted API, or a base URL)."""
        return bool(self.llm.api_key or self.llm.base_url)

    def channel(self, name: str) -> ChannelSettings | None:
        return next((c for c in self.channels if c.name == name), None)

    def defaults_in_use(self, *names: str) -> list[str]:
        """A warning for each of ``names`` (smtp, site_url) left at its built-in default."""
        warnings = {
            "smtp": f"[smtp] is not set in {self.home / 'config.toml'}: sending through "
                    f"{self.smtp.host}:{self.smtp.port} ({self.smtp.security})",
            "site_url": f"site_url is not set in {self.home / 'config.toml'}: feeds and e-mail "
                        f"link to {self.site_url}, which only works on this machine",
        }
        return [warnings[n] for n in names if n not in self.configured]


def model_missing(purpose: str) -> ConfigError:
    """The error for work that needs a model when none is configured."""
    return ConfigError(
        f"{purpose} needs a model, and none is configured: set OPENAI_API_KEY (OpenAI's "
        "API) or OPENAI_BASE_URL (any OpenAI-compatible server, e.g. a local llama.cpp, "
        "Ollama, vLLM or LM Studio; base_url under [llm] in config.toml works too), and the "
        "model in ARXIV_DIGEST_MODEL or [llm] model; keep keys in the environment, not in "
        "files")


def parse_categories(text: str) -> list[str]:
    cats = [c.strip() for c in text.replace(" ", ",").split(",") if c.strip()]
    for cat in cats:
        if "." not in cat and "-" not in cat and not cat.isalpha():
            raise ConfigError(f"not an arXiv category: {cat!r} (expected e.g. cs.CV)")
    return cats


def load_settings(home: Path | None = None) -> Settings:
    home = home or default_home()
    values: dict = {}
    config_file = home / "config.toml"
    if config_file.exists():
        try:
            data = tomllib.loads(config_file.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{config_file}: invalid TOML ({exc}); fix or remove the file") from exc
        values = _from_toml(data, config_file)
    env = os.environ
    if env.get("ARXIV_DIGEST_CATEGORIES"):
        values["categories"] = parse_categories(env["ARXIV_DIGEST_CATEGORIES"])
    if env.get("ARXIV_DIGEST_FEED_URL"):
        values["feed_url"] = env["ARXIV_DIGEST_FEED_URL"]
    if env.get("ARXIV_DIGEST_API_URL"):
        values["api_url"] = env["ARXIV_DIGEST_API_URL"]
    if env.get("ARXIV_DIGEST_CONTACT"):
        values["contact"] = env["ARXIV_DIGEST_CONTACT"]
    configured = set(values)
    llm = dict(values.pop("llm", {}))
    for key, var in (("base_url", "OPENAI_BASE_URL"), ("api_key", "OPENAI_API_KEY"),
                     ("model", "ARXIV_DIGEST_MODEL")):
        if env.get(var):
            llm[key] = env[var]
    return Settings(home=home, llm=LLMSettings(**llm), configured=frozenset(configured),
                    **values)


def _from_toml(data: dict, where: Path) -> dict:
    known = {"categories", "feed_url", "api_url", "api_min_interval", "feed_min_interval",
             "contact", "http_timeout", "http_retries", "holidays", "llm", "site_url",
             "smtp", "enrich", "picks", "channels"}
    unknown = set(data) - known
    if unknown:
        raise ConfigError(f"{where}: unknown setting(s) {', '.join(sorted(unknown))}; "
                          f"known: {', '.join(sorted(known))}")
    values = dict(data)
    if "categories" in values:
        cats = values["categories"]
        if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats) or not cats:
            raise ConfigError(f"{where}: categories must be a non-empty list of strings")
    if "picks" in values and (not isinstance(values["picks"], int) or not
                              1 <= values["picks"] <= 20):
        raise ConfigError(f"{where}: picks must be a whole number from 1 to 20")
    if "api_min_interval" in values:
        if float(values["api_min_interval"]) < ARXIV_MIN_API_INTERVAL:
            raise ConfigError(f"{where}: api_min_interval below {ARXIV_MIN_API_INTERVAL} s "
                              "breaks arXiv's API policy")
        values["api_min_interval"] = float(values["api_min_interval"])
    if "llm" in values:
        values["llm"] = _llm_from_toml(values["llm"], where)
    if "enrich" in values:
        table = values["enrich"]
        known = set(EnrichSettings.__dataclass_fields__)
        if not isinstance(table, dict) or set(table) - known:
            raise ConfigError(f"{where}: [enrich] takes {', '.join(sorted(known))}")
        values["enrich"] = EnrichSettings(**table)
    if "smtp" in values:
        table = values["smtp"]
        known = {"host", "port", "security", "sender", "timeout", "ca_file", "to"}
        if not isinstance(table, dict) or set(table) - known:
            raise ConfigError(f"{where}: [smtp] takes {', '.join(sorted(known))}; user and "
                              "password come from ARXIV_DIGEST_SMTP_USER/_PASSWORD")
        if table.get("security", "starttls") not in ("starttls", "ssl", "none"):
            raise ConfigError(f"{where}: [smtp] security must be starttls, ssl or none")
        table = dict(table)
        if "to" in table:
            table["to"] = tuple(table["to"])
        values["smtp"] = SMTPSettings(**table)
    if "channels" in values:
        values["channels"] = channels_from_toml(values["channels"], where)
    if "holidays" in values:
        try:
            values["holidays"] = tuple(
                d if isinstance(d, date) else date.fromisoformat(str(d)) for d in values["holidays"]
            )
        except ValueError as exc:
            raise ConfigError(f"{where}: holidays must be YYYY-MM-DD dates ({exc})") from exc
    return values


def _llm_from_toml(table: object, where: Path) -> dict:
    known = {"base_url", "api_key", "model", "concurrency", "timeout", "max_retries",
             "max_output_tokens", "prices"}
    if not isinstance(table, dict) or set(table) - known:
        raise ConfigError(f"{where}: [llm] takes {', '.join(sorted(known))}")
    values = dict(table)
    if "prices" in values:
        prices = dict(DEFAULT_PRICES)
        for model, pair in values["prices"].items():
            if not (isinstance(pair, list) and len(pair) == 2
                    and all(isinstance(x, (int, float)) for x in pair)):
                raise ConfigError(f"{where}: [llm.prices] {model} = [input, output] USD per "
                                  "million tokens")
            prices[model] = (float(pair[0]), float(pair[1]))
        values["prices"] = prices
    if int(values.get("concurrency", 4)) < 1:
        raise ConfigError(f"{where}: [llm] concurrency must be at least 1")
    return values


def channels_from_toml(tables: object, where: Path | str) -> tuple[ChannelSettings, ...]:
    """``[[channels]]``: each table checked, names unique; the first problem is one
    ConfigError naming the table (``config.toml: [[channels]] #2 (lab-slack): ...``)."""
    if not isinstance(tables, list) or not all(isinstance(t, dict) for t in tables):
        raise ConfigError(f"{where}: channels must be an array of tables ([[channels]])")
    channels: list[ChannelSettings] = []
    for index, table in enumerate(tables, start=1):
        channel = _channel_from_toml(table, f"{where}: [[channels]] #{index}")
        earlier = next((c for c in channels if c.name == channel.name), None)
        if earlier is not None:
            raise ConfigError(f"{channel.where}: name {channel.name!r} is already used by "
                              f"{earlier.where.rpartition(': ')[2]}; channel names must be "
                              "unique")
        channels.append(channel)
    return tuple(channels)


def _channel_from_toml(table: dict, where: str) -> ChannelSettings:
    name = table.get("name")
    if not isinstance(name, str) or not _CHANNEL_NAME.fullmatch(name):
        raise ConfigError(f"{where}: name must be 1-64 letters, digits, '.', '_' or '-' "
                          "(starting with a letter or digit)")
    where = f"{where} ({name})"
    kind = table.get("kind")
    if kind not in CHANNEL_KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(CHANNEL_KINDS)}"
                          + (f" (not {kind!r})" if isinstance(kind, str) else ""))
    allowed = _CHANNEL_KEYS[kind]
    unknown = set(table) - allowed - {"name", "kind"}
    if unknown:
        raise ConfigError(f"{where}: a {kind} channel takes {', '.join(sorted(allowed))} "
                          f"(not {', '.join(sorted(unknown))})")
    values = {key: table[key] for key in allowed if key in table}
    for key, value in values.items():
        if key != "chat_id" and not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a string")
    for key in ("url_env", "token_env", "secret_env"):
        if key in values and not _ENV_NAME.fullmatch(values[key]):
            raise ConfigError(f"{where}: {key} must name an environment variable "
                              "(letters, digits and '_')")
    _check_channel(kind, values, where)
    return ChannelSettings(name=name, kind=kind, where=where, **values)


def _check_channel(kind: str, values: dict, where: str) -> None:
    if kind in ("slack", "discord", "webhook"):
        if ("url" in values) == ("url_env" in values):
            raise ConfigError(f"{where}: needs url (or url_env, the name of an environment "
                              "variable holding it), one of the two")
    if "url" in values:
        check_http_url(values["url"], f"{where}: url")
    if kind == "telegram":
        chat = values.get("chat_id")
        if isinstance(chat, bool) or not isinstance(chat, (str, int)) or not str(chat).strip():
            raise ConfigError(f"{where}: needs chat_id (a number such as -1001234567890, or "
                              "@channelname)")
        values["chat_id"] = str(chat).strip()
        check_http_url(values.setdefault("api_url", DEFAULT_TELEGRAM_API), f"{where}: api_url")
    if kind == "matrix":
        check_http_url(values.get("homeserver"), f"{where}: homeserver")
        room = values.get("room_id")
        if not room or not room.startswith("!") or any(c.isspace() for c in room):
            raise ConfigError(f"{where}: needs room_id, the room's id (!opaque:example.org; "
                              "see the room's settings)")
    if kind in ("telegram", "matrix") and "token_env" not in values:
        raise ConfigError(f"{where}: needs token_env, the name of the environment variable "
                          "holding the access token")


def check_http_url(value: object, where: str) -> str:
    """``value`` when it is an http(s) URL with a host, else a ConfigError that names the
    setting but never repeats the value (a webhook URL is itself a secret)."""
    if not value:
        raise ConfigError(f"{where} is missing")
    text = str(value)
    try:
        parts = urlsplit(text)
        _ = parts.port
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where} must be http or https")
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in text):
        raise ConfigError(f"{where} must not contain spaces or control characters")
    return text
