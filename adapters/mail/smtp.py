"""``SmtpMailer``: sends plain-text mail through an SMTP server with smtplib.

Security is ``starttls`` (upgrade a plain connection, usually port 587), ``tls``
(implicit TLS, usually port 465) or ``none`` (a local relay only). Certificates are
checked against the system's trust store, or against ``ca_file`` when given.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

import structlog

from core.identity.ports import MailError, Mailer

log = structlog.get_logger(__name__)

SECURITY_MODES = ("starttls", "tls", "none")


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    sender: str  # the From address
    port: int = 587
    security: str = "starttls"
    username: str | None = None
    password: str | None = None
    timeout_seconds: float = 10.0
    ca_file: str | None = None  # PEM bundle to trust in place of the system's

    def __post_init__(self) -> None:
        if self.security not in SECURITY_MODES:
            raise ValueError(f"invalid SMTP security {self.security!r}: use one of {', '.join(SECURITY_MODES)}")


class SmtpMailer(Mailer):
    def __init__(self, settings: SmtpSettings):
        self._settings = settings

    def send(self, to: str, subject: str, body: str) -> None:
        """Send one message; raise MailError naming the server when connecting, logging in or sending fails."""
        message = self._message(to, subject, body)
        settings = self._settings
        try:
            with self._connect() as client:
                if settings.security == "starttls":
                    client.starttls(context=self._tls_context())
                if settings.username:
                    client.login(settings.username, settings.password or "")
                client.send_message(message)
        except (smtplib.SMTPException, OSError) as error:
            raise MailError(f"sending mail through {settings.host}:{settings.port} failed: {error}") from error
        log.info("mail_sent", server=f"{settings.host}:{settings.port}", message_id=message["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        settings = self._settings
        if settings.security == "tls":
            return smtplib.SMTP_SSL(settings.host, settings.port, timeout=settings.timeout_seconds,
                                    context=self._tls_context())
        return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout_seconds)

    def _tls_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self._settings.ca_file)

    def _message(self, to: str, subject: str, body: str) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self._settings.sender
        message["To"] = to
        message["Subject"] = subject
        message["Date"] = formatdate(localtime=False, usegmt=True)
        message["Message-ID"] = make_msgid(domain=self._settings.sender.rpartition("@")[2] or None)
        message.set_content(body)
        return message
