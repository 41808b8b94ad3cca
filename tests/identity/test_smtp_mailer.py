"""SmtpMailer against a local aiosmtpd server on 127.0.0.1: plain, STARTTLS, implicit TLS, login."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from pathlib import Path

import pytest

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from adapters.mail.smtp import SmtpMailer, SmtpSettings  # noqa: E402
from core.identity.ports import MailError  # noqa: E402

SENDER = "ggk@hub.example.nl"


class Inbox:
    """aiosmtpd handler that keeps every message it receives."""

    def __init__(self) -> None:
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def certificate(tmp_path_factory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""
    folder = tmp_path_factory.mktemp("tls")
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_file, key_file


def server_context(certificate) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*map(str, certificate))
    return context


def run_server(request, inbox: Inbox, **kwargs) -> int:
    port = free_port()
    controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port, **kwargs)
    controller.start()
    request.addfinalizer(controller.stop)
    return port


def accept_user(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"ggk", b"s3cret pass"):
        return AuthResult(success=True)
    return AuthResult(success=False, handled=False)


def received(inbox: Inbox):
    assert len(inbox.envelopes) == 1
    envelope = inbox.envelopes[0]
    return envelope, message_from_bytes(envelope.content, policy=policy.default)


def test_plain_relay_delivers_message(request):
    inbox = Inbox()
    port = run_server(request, inbox)
    mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port=port, security="none"))

    mailer.send("carla@example.nl", "Uitnodiging / Invitation", "Open één link:\nhttps://ggk.example.nl/invitations/t")

    envelope, message = received(inbox)
    assert envelope.mail_from == SENDER
    assert envelope.rcpt_tos == ["carla@example.nl"]
    assert message["Subject"] == "Uitnodiging / Invitation"
    assert message["Message-ID"].endswith("@hub.example.nl>")
    assert "Open één link:" in message.get_content()


def test_starttls_with_login(request, certificate):
    inbox = Inbox()
    port = run_server(request, inbox, tls_context=server_context(certificate), require_starttls=True,
                      authenticator=accept_user, auth_required=True)
    mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port=port, security="starttls", username="ggk",
                                     password="s3cret pass", ca_file=str(certificate[0])))

    mailer.send("carla@example.nl", "Invitation", "body")

    envelope, _message = received(inbox)
    assert envelope.rcpt_tos == ["carla@example.nl"]


def test_implicit_tls(request, certificate):
    inbox = Inbox()
    port = run_server(request, inbox, ssl_context=server_context(certificate))
    mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port=port, security="tls", ca_file=str(certificate[0])))

    mailer.send("carla@example.nl", "Invitation", "body")

    assert len(inbox.envelopes) == 1


def test_untrusted_certificate_fails(request, certificate):
    port = run_server(request, Inbox(), tls_context=server_context(certificate), require_starttls=True)
    mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port=port, security="starttls"))

    with pytest.raises(MailError, match=f"127.0.0.1:{port}"):
        mailer.send("carla@example.nl", "Invitation", "body")


def test_wrong_password_fails(request, certificate):
    inbox = Inbox()
    port = run_server(request, inbox, tls_context=server_context(certificate), require_starttls=True,
                      authenticator=accept_user, auth_required=True)
    mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port=port, username="ggk", password="wrong",
                                     ca_file=str(certificate[0])))

    with pytest.raises(MailError) as raised:
        mailer.send("carla@example.nl", "Invitation", "body")

    assert "wrong" not in str(raised.value)
    assert inbox.envelopes == []


def test_unreachable_server_fails():
    mailer = SmtpMailer(SmtpSettings("127.0.0.1", SENDER, port=free_port(), security="none", timeout_seconds=2))

    with pytest.raises(MailError, match="failed"):
        mailer.send("carla@example.nl", "Invitation", "body")


def test_unknown_security_rejected():
    with pytest.raises(ValueError, match="starttls, tls, none"):
        SmtpSettings("127.0.0.1", SENDER, security="ssl")
