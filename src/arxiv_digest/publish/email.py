"""E-mail delivery: a multipart text + HTML message per recipient, over SMTP (STARTTLS,
SSL or plain), with the user and password taken from the environment.

Recipients and the subject are validated before anything is sent, so no header can be
injected: an address must be one plain ``local@domain`` with no line breaks, commas or
display-name tricks; the subject loses control characters. Each address is sent to once
however often, and however spelled, it is given (see :func:`address_key`), and is
recorded in the store once sent, so a re-run sends only what is missing.
"""

from __future__ import annotations

import os
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from arxiv_digest.config import SMTPSettings
from arxiv_digest.digest import Digest
from arxiv_digest.errors import ConfigError, NetworkError
from arxiv_digest.render import render_html, render_markdown
from arxiv_digest.store import Store

_LOCAL = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                     r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")


def validate_address(value: str) -> str:
    """One plain address (``name@example.org``) or a ConfigError saying what is wrong.

    Spaces and tabs around it are trimmed; a line break or other control character
    anywhere refuses it. The result has its domain lower-cased (domains are
    case-insensitive) and its local part as given."""
    raw = value or ""
    text = raw.strip(" \t")
    if not text or any(c in text for c in ",;<>\"() \t") or any(
            (ord(c) < 32 and c != "\t") or ord(c) == 127 for c in raw):
        raise ConfigError(f"not a plain e-mail address: {value!r} (one address, no spaces, "
                          "commas, angle brackets or line breaks)")
    local, at, domain = text.rpartition("@")
    if not at or not _LOCAL.match(local) or not _DOMAIN.match(domain) or ".." in local:
        raise ConfigError(f"not a valid e-mail address: {value!r}")
    address = f"{local}@{domain.lower()}"
    Address(addr_spec=address)   # the standard library's own check
    return address


def address_key(address: str) -> str:
    """What makes two addresses one recipient: the whole address, case-insensitively.

    RFC 5321 lets a server treat the local part's case as significant, but in practice
    no mail system does, and sending a digest twice is the real harm. So messages go to
    the local part as first written, while duplicates, and the store's record of who
    was sent to, compare (and store) the address lower-cased."""
    return address.lower()


def unique_addresses(recipients: list[str]) -> list[str]:
    """Each recipient validated, in order, each recipient once (first spelling kept)."""
    addresses = [validate_address(r) for r in recipients]
    seen: set[str] = set()
    unique = []
    for address in addresses:
        if address_key(address) not in seen:
            seen.add(address_key(address))
            unique.append(address)
    return unique


def clean_subject(text: str) -> str:
    """No control characters (no header breaks), one line, at most 200 characters."""
    return re.sub(r"[\x00-\x1f\x7f\u2028\u2029]+", " ", text).strip()[:200]


def compose(digest: Digest, sender: str, recipient: str, site_url: str | None = None) -> EmailMessage:
    message = EmailMessage()
    sender = validate_address(sender)
    message["Subject"] = clean_subject(digest.title)
    message["From"] = sender
    message["To"] = validate_address(recipient)
    message["Date"] = formatdate(localtime=False)
    domain = sender.rpartition("@")[2]
    message["Message-ID"] = make_msgid(idstring=f"{digest.profile}.{digest.date}", domain=domain)
    text = render_markdown(digest)
    if site_url:
        text += (f"\nOn the web: {site_url.rstrip('/')}/digests/{digest.profile}/"
                 f"{digest.date.isoformat()}.html\n")
    message.set_content(text)
    message.add_alternative(render_html(digest), subtype="html")
    return message


@dataclass
class SendReport:
    sent: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)      # already sent earlier


def send_digest(smtp: SMTPSettings, store: Store, digest: Digest, recipients: list[str], *,
                force: bool = False, site_url: str | None = None) -> SendReport:
    addresses = unique_addresses(recipients)
    if not addresses:
        raise ConfigError("no recipients: pass --to ADDRESS or set [smtp] to = [...] in "
                          "config.toml")
    sender = validate_address(smtp.sender)
    report = SendReport()
    done = set() if force else {address_key(a) for a in store.sent_to(digest.date,
                                                                       digest.profile)}
    todo = []
    for address in addresses:
        (report.skipped if address_key(address) in done else todo).append(address)
    if not todo:
        return report
    user = os.environ.get("ARXIV_DIGEST_SMTP_USER")
    password = os.environ.get("ARXIV_DIGEST_SMTP_PASSWORD")
    context = ssl.create_default_context(cafile=smtp.ca_file)
    try:
        if smtp.security == "ssl":
            server = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout, context=context)
        else:
            server = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout)
        with server:
            if smtp.security == "starttls":
                server.starttls(context=context)
            if user:
                server.login(user, password or "")
            for address in todo:
                message = compose(digest, sender, address, site_url)
                server.send_message(message)
                store.record_sent(digest.date, digest.profile, address_key(address),
                                  message["Message-ID"])
                report.sent.append(address)
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise NetworkError(
            f"sending the {digest.date} digest through {smtp.host}:{smtp.port} failed "
            f"({type(exc).__name__}: {exc}); sent to {len(report.sent)} of {len(todo)} — a "
            "re-run sends only the rest") from exc
    return report
