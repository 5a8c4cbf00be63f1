"""Mail transports: how an outbox message leaves the building.

``SmtpTransport`` speaks SMTP through the standard library (plain, implicit TLS or STARTTLS);
``LogTransport`` writes the message to the ``corrections.mail`` logger, for development and
for sites that configure no ``SMTP_URL``. ``transport_from_config`` picks one from settings.

A transport's ``send`` either returns (the server accepted the message) or raises
``MailError`` whose text is short and safe to store and log: it never holds the password.
"""

from __future__ import annotations

import email.policy
import logging
import re
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from contextlib import closing, suppress
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from typing import Any, Protocol
from urllib.parse import quote, unquote, urlsplit

from corrections.config import ConfigError

log = logging.getLogger("corrections.mail")

DEFAULT_MAIL_FROM = "corrections@localhost"
TIMEOUT_SECONDS = 10.0
MAX_ERROR_CHARS = 300
# scheme -> (default port, how the connection is secured)
SCHEMES = {
    "smtp": (25, "plain"),
    "smtps": (465, "tls"),
    "smtp+starttls": (587, "starttls"),
}
# Bodies go out as quoted-printable or base64, so no relay needs 8BITMIME.
SEVEN_BIT = email.policy.default.clone(cte_type="7bit")
# "scheme://user:password@host" in any text: keep the user, hide the password.
URL_PASSWORD = re.compile(r"(?P<head>[a-zA-Z][a-zA-Z0-9+.-]*://[^:/@\s]*):[^/\s]*@")


class MailError(Exception):
    """The message was not accepted; ``str(error)`` is short and free of secrets."""


class Transport(Protocol):
    def send(self, to: str, subject: str, body: str) -> None: ...


def redact(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` without URL passwords or any of ``secrets`` (raw or percent-encoded)."""
    text = URL_PASSWORD.sub(r"\g<head>:***@", text)
    for secret in secrets:
        if secret:
            for form in {secret, quote(secret, safe="")}:
                text = text.replace(form, "***")
    return text


def short_error(exc: BaseException, secrets: Iterable[str] = ()) -> str:
    """One line naming what went wrong, redacted and cut to ``MAX_ERROR_CHARS``."""
    if isinstance(exc, smtplib.SMTPResponseException):
        text = f"{exc.smtp_code} {_decoded(exc.smtp_error)}"
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        text = "; ".join(
            f"{to}: {code} {_decoded(msg)}" for to, (code, msg) in exc.recipients.items()
        )
    else:
        text = str(exc) or type(exc).__name__
    text = f"{type(exc).__name__}: {' '.join(text.split())}"
    text = redact(text, secrets)
    return text if len(text) <= MAX_ERROR_CHARS else text[: MAX_ERROR_CHARS - 1] + "…"


def _decoded(answer: bytes | str) -> str:
    return answer.decode("utf-8", "replace") if isinstance(answer, bytes) else answer


def build_message(mail_from: str, to: str, subject: str, body: str) -> EmailMessage:
    """A plain-text UTF-8 message; line breaks in the subject are folded into spaces."""
    message = EmailMessage(policy=SEVEN_BIT)
    message["From"] = mail_from
    message["To"] = to.strip()
    message["Subject"] = " ".join(subject.split())
    message["Date"] = formatdate(usegmt=True)
    domain = parseaddr(mail_from)[1].rpartition("@")[2] or "localhost"
    message["Message-ID"] = make_msgid(domain=domain)
    message.set_content(body)
    return message


@dataclass(frozen=True)
class SmtpTransport:
    """One SMTP connection per message, each step limited by ``timeout`` seconds."""

    host: str
    port: int
    security: str = "plain"  # "plain", "tls" (smtps://) or "starttls" (smtp+starttls://)
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    mail_from: str = DEFAULT_MAIL_FROM
    timeout: float = TIMEOUT_SECONDS
    ssl_context: ssl.SSLContext | None = field(default=None, repr=False, compare=False)

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        mail_from: str = DEFAULT_MAIL_FROM,
        timeout: float = TIMEOUT_SECONDS,
        ssl_context: ssl.SSLContext | None = None,
    ) -> SmtpTransport:
        """``smtp://user:pass@host:port``, ``smtps://...`` or ``smtp+starttls://...``.

        User and password may be percent-encoded (``%40`` for ``@``). ``ssl_context``
        defaults to the system's trusted certificates with host name checks.
        """
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme not in SCHEMES:
            raise ConfigError(
                f"SMTP_URL must start with {', '.join(s + '://' for s in SCHEMES)}, "
                f"not {scheme + '://' if scheme else 'nothing'}"
            )
        try:
            port = parts.port
        except ValueError as exc:
            raise ConfigError(f"SMTP_URL has a malformed port: {redact(url)}") from exc
        if not parts.hostname:
            raise ConfigError(f"SMTP_URL names no host: {redact(url)}")
        default_port, security = SCHEMES[scheme]
        return cls(
            host=parts.hostname,
            port=port or default_port,
            security=security,
            username=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password is not None else None,
            mail_from=mail_from,
            timeout=timeout,
            ssl_context=ssl_context,
        )

    def __str__(self) -> str:
        scheme = next(name for name, (_, sec) in SCHEMES.items() if sec == self.security)
        user = f"{quote(self.username, safe='')}:***@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}"

    def send(self, to: str, subject: str, body: str) -> None:
        try:
            message = build_message(self.mail_from, to, subject, body)
            with closing(self._connect()) as smtp:
                if self.security == "starttls":
                    smtp.starttls(context=self._context())
                if self.username:
                    smtp.login(self.username, self.password or "")
                smtp.send_message(message)
                # Accepted: a failure to say goodbye must not make us send it again.
                with suppress(smtplib.SMTPException, OSError):
                    smtp.quit()
        except (smtplib.SMTPException, OSError, ValueError) as exc:
            raise MailError(short_error(exc, self._secrets())) from None

    def _connect(self) -> smtplib.SMTP:
        if self.security == "tls":
            return smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=self._context()
            )
        return smtplib.SMTP(self.host, self.port, timeout=self.timeout)

    def _context(self) -> ssl.SSLContext:
        return self.ssl_context or ssl.create_default_context()

    def _secrets(self) -> tuple[str, ...]:
        return (self.password,) if self.password else ()


class LogTransport:
    """Writes each message to the ``corrections.mail`` logger at INFO; never fails."""

    def __str__(self) -> str:
        return "the log (SMTP_URL is not set)"

    def send(self, to: str, subject: str, body: str) -> None:
        log.info("mail to %s\nSubject: %s\n\n%s", to, " ".join(subject.split()), body)


def transport_from_config(config: Mapping[str, Any]) -> Transport:
    """SMTP when ``SMTP_URL`` is set, the log otherwise; ``MAIL_FROM`` is the sender."""
    url = config.get("SMTP_URL")
    if not url:
        return LogTransport()
    return SmtpTransport.from_url(url, mail_from=config.get("MAIL_FROM") or DEFAULT_MAIL_FROM)
