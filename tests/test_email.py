"""E-mail against a real SMTP server (aiosmtpd) on loopback: plain, STARTTLS with
authentication, and implicit TLS."""

import email
import socket
import ssl
from dataclasses import replace
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from arxiv_digest.config import SMTPSettings
from arxiv_digest.errors import ConfigError, NetworkError
from arxiv_digest.pipeline import run_day
from arxiv_digest.publish.email import clean_subject, compose, send_digest, validate_address
from arxiv_digest.store import Store
from arxiv_digest.topics import load_profile
from test_digest import FIXTURE
from arxiv_digest.pipeline import RunOptions


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (made with the cryptography package)."""
    import datetime
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    folder = tmp_path_factory.mktemp("tls")
    key, cert = folder / "key.pem", folder / "cert.pem"
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    certificate = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
                   .public_key(private.public_key()).serial_number(x509.random_serial_number())
                   .not_valid_before(now - datetime.timedelta(minutes=5))
                   .not_valid_after(now + datetime.timedelta(days=2))
                   .add_extension(x509.SubjectAlternativeName(
                       [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
                   .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
                   .sign(private, hashes.SHA256()))
    key.write_bytes(private.private_bytes(serialization.Encoding.PEM,
                                          serialization.PrivateFormat.TraditionalOpenSSL,
                                          serialization.NoEncryption()))
    cert.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key, cert


def start(inbox, **options):
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller


@pytest.fixture
def digest(settings, tmp_path):
    with Store(settings.db_path) as store:
        return run_day(settings, store, load_profile(),
                       options=RunOptions(inputs=(FIXTURE,), out_dir=tmp_path / "out")).digest


def test_plain_smtp_sends_multipart_once_per_recipient(settings, digest):
    inbox = Inbox()
    controller = start(inbox)
    try:
        smtp = SMTPSettings(host="127.0.0.1", port=controller.port, security="none",
                            sender="digest@example.org")
        with Store(settings.db_path) as store:
            report = send_digest(smtp, store, digest, ["ana@example.org", "bo@example.org"],
                                 site_url="https://digest.example.org")
            assert report.sent == ["ana@example.org", "bo@example.org"]
            again = send_digest(smtp, store, digest, ["ana@example.org", "cy@example.org"])
            assert again.sent == ["cy@example.org"] and again.skipped == ["ana@example.org"]
    finally:
        controller.stop()
    assert [rcpt for rcpt, _ in inbox.messages] == [["ana@example.org"], ["bo@example.org"],
                                                    ["cy@example.org"]]
    message = email.message_from_bytes(inbox.messages[0][1], policy=policy.default)
    assert message["Subject"] == "Five diffusion papers worth reading: June 10, 2026"
    assert message["To"] == "ana@example.org" and message["From"] == "digest@example.org"
    assert message.is_multipart()
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "TurboSolve" in text and "https://digest.example.org/digests/diffusion/2026-06-10.html" in text
    assert "<h1>Five diffusion papers" in html


def test_starttls_with_login(settings, digest, certificate, monkeypatch):
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"s3cret")

    inbox = Inbox()
    controller = start(inbox, tls_context=context, require_starttls=True,
                       authenticator=authenticator, auth_require_tls=True)
    monkeypatch.setenv("ARXIV_DIGEST_SMTP_USER", "digest")
    monkeypatch.setenv("ARXIV_DIGEST_SMTP_PASSWORD", "s3cret")
    try:
        smtp = SMTPSettings(host="127.0.0.1", port=controller.port, security="starttls",
                            sender="digest@example.org", ca_file=str(cert))
        with Store(settings.db_path) as store:
            assert send_digest(smtp, store, digest, ["ana@example.org"]).sent
            monkeypatch.setenv("ARXIV_DIGEST_SMTP_PASSWORD", "wrong")
            with pytest.raises(NetworkError, match="sent to 0 of 1"):
                send_digest(replace(smtp, timeout=3), store, digest, ["bo@example.org"])
    finally:
        controller.stop()
    assert logins[0] == (b"digest", b"s3cret") and len(inbox.messages) == 1


def test_unknown_certificate_is_refused(settings, digest, certificate):
    key, cert = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    controller = start(Inbox(), tls_context=context, require_starttls=True)
    try:
        smtp = SMTPSettings(host="127.0.0.1", port=controller.port, security="starttls",
                            sender="digest@example.org")
        with Store(settings.db_path) as store, pytest.raises(NetworkError, match="SSL"):
            send_digest(smtp, store, digest, ["ana@example.org"])
    finally:
        controller.stop()


@pytest.mark.parametrize("bad", [
    "ana@example.org\r\nBcc: all@example.org", "ana@example.org, bo@example.org",
    "Ana <ana@example.org>", "ana@example.org\nSubject: hi", "", "no-at-sign",
    "ana@@example.org", "ana@exa mple.org", "ana@-example.org",
])
def test_header_injection_is_impossible(bad):
    with pytest.raises(ConfigError):
        validate_address(bad)


def test_subject_and_recipient_are_single_lines(digest):
    assert clean_subject("Hi\r\nBcc: x@example.org") == "Hi Bcc: x@example.org"
    hostile = replace(digest, title_override="Five papers\r\nBcc: everyone@example.org")
    message = compose(hostile, "digest@example.org", "ana@example.org")
    headers = message.as_string().split("\n\n", 1)[0]
    assert "\nBcc:" not in headers and message["Bcc"] is None
    assert message["Subject"] == "Five papers Bcc: everyone@example.org"
    assert validate_address("ana.b+digest@sub.example.org") == "ana.b+digest@sub.example.org"


def test_send_cli_without_recipients_says_how_to_fix(home, digest):
    from conftest import run

    proc = run("send", home=home, check=False)
    assert proc.returncode == 1 and "--to" in proc.stderr


def plain_smtp(controller) -> SMTPSettings:
    return SMTPSettings(host="127.0.0.1", port=controller.port, security="none",
                        sender="digest@example.org")


def test_one_message_per_recipient_however_written(settings, digest):
    inbox = Inbox()
    controller = start(inbox)
    try:
        with Store(settings.db_path) as store:
            report = send_digest(plain_smtp(controller), store, digest,
                                 ["ana@example.org", "ana@example.org", "ana@example.org ",
                                  "\tANA@Example.ORG", "Ana@example.org", "bo@example.org"])
            recorded = store.sent_to(digest.date, digest.profile)
    finally:
        controller.stop()
    assert report.sent == ["ana@example.org", "bo@example.org"] and report.skipped == []
    assert [rcpt for rcpt, _ in inbox.messages] == [["ana@example.org"], ["bo@example.org"]]
    assert recorded == {"ana@example.org", "bo@example.org"}


def test_a_later_send_knows_the_address_in_any_case(settings, digest):
    inbox = Inbox()
    controller = start(inbox)
    try:
        smtp = plain_smtp(controller)
        with Store(settings.db_path) as store:
            first = send_digest(smtp, store, digest, ["Ana@Example.ORG"])
            assert first.sent == ["Ana@example.org"]      # the local part as written
            assert store.sent_to(digest.date, digest.profile) == {"ana@example.org"}
            again = send_digest(smtp, store, digest, ["ana@example.org", " ANA@EXAMPLE.ORG "])
            assert again.sent == [] and again.skipped == ["ana@example.org"]
            store.record_sent(digest.date, digest.profile, "Cy@Example.org", "<old@example.org>")
            third = send_digest(smtp, store, digest, ["cy@example.org", "bo@example.org"])
            assert third.sent == ["bo@example.org"] and third.skipped == ["cy@example.org"]
            forced = send_digest(smtp, store, digest, ["ana@example.org", "ANA@example.org"],
                                 force=True)
            assert forced.sent == ["ana@example.org"]
            assert store.sent_to(digest.date, digest.profile) >= {"ana@example.org",
                                                                   "bo@example.org"}
    finally:
        controller.stop()
    assert [rcpt for rcpt, _ in inbox.messages] == [["Ana@example.org"], ["bo@example.org"],
                                                    ["ana@example.org"]]
    message = email.message_from_bytes(inbox.messages[0][1], policy=policy.default)
    assert message["To"] == "Ana@example.org"


@pytest.mark.parametrize("bad", [
    "ana@example.org\r\n", "\r\nana@example.org", "ana@example.org\n", "ana@exa\rmple.org",
    "   ", "", "no-at-sign", " no-at-sign ", "ana@example.org\x00", "ana@example.org\x0b",
])
def test_a_bad_address_refuses_the_whole_send(settings, digest, bad):
    inbox = Inbox()
    controller = start(inbox)
    try:
        with Store(settings.db_path) as store:
            with pytest.raises(ConfigError) as refused:
                send_digest(plain_smtp(controller), store, digest, ["ok@example.org", bad])
            assert store.sent_to(digest.date, digest.profile) == set()
    finally:
        controller.stop()
    assert repr(bad) in str(refused.value)
    assert inbox.messages == []


def test_addresses_are_trimmed_and_their_domain_lower_cased():
    assert validate_address("  Ana.B@Sub.Example.ORG\t") == "Ana.B@sub.example.org"


def test_send_cli_sends_once_to_a_repeated_recipient(home, digest):
    from conftest import run

    inbox = Inbox()
    controller = start(inbox)
    (home / "config.toml").write_text(
        f'[smtp]\nhost = "127.0.0.1"\nport = {controller.port}\nsecurity = "none"\n'
        'sender = "digest@example.org"\n', encoding="utf-8")
    try:
        first = run("send", "--to", "ana@example.org", "--to", "ana@example.org",
                    "--to", "ana@example.org ", "--to", "ANA@Example.org", home=home)
        again = run("send", "--to", "Ana@EXAMPLE.org", home=home)
        bad = run("send", "--to", "bo@example.org", "--to", "bo@example.org\r\nBcc: x@example.org",
                  home=home, check=False)
    finally:
        controller.stop()
    assert "to 1 recipient(s)" in first.stderr + first.stdout
    assert "to 0 recipient(s); 1 had it already" in again.stderr + again.stdout
    assert bad.returncode != 0 and "bo@example.org\\r\\nBcc: x@example.org" in bad.stderr
    assert [rcpt for rcpt, _ in inbox.messages] == [["ana@example.org"]]
