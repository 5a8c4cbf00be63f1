"""A real SMTP server for tests: aiosmtpd on 127.0.0.1, an ephemeral port, in its own thread.

``MailServer`` collects what it accepts and can be told to answer with an error; ``running``
starts it (plain, STARTTLS or implicit TLS, with or without a password) and always stops it.
"""

from __future__ import annotations

import asyncio
import email
import email.policy
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword

USER = "mailer"
PASSWORD = "s3cret-Pa55:word@x"  # with characters a URL must percent-encode


class MailServer:
    """The handler: ``answer_data`` / ``answer_rcpt`` (e.g. "451 4.3.0 Try later") refuse."""

    def __init__(self, delay: float = 0.0) -> None:
        self.envelopes: list[Envelope] = []
        self.signed_in: list[bool] = []
        self.answer_data: str | None = None
        self.answer_rcpt: str | None = None
        self.delay = delay

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.answer_rcpt:
            return self.answer_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.answer_data:
            return self.answer_data
        self.envelopes.append(envelope)
        self.signed_in.append(bool(session.authenticated))
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            email.message_from_bytes(e.original_content or b"", policy=email.policy.default)
            for e in self.envelopes
        ]


def check_password(server, session, envelope, mechanism, auth_data) -> AuthResult:
    ok = isinstance(auth_data, LoginPassword) and auth_data == (
        USER.encode(),
        PASSWORD.encode(),
    )
    return AuthResult(success=ok, handled=False)


class EphemeralController(Controller):
    """Listens on port 0 and learns the port the system gave it before the first connection."""

    def _trigger_server(self) -> None:
        assert self.server is not None
        self.port = self.server.sockets[0].getsockname()[1]
        super()._trigger_server()


@dataclass(frozen=True)
class Certificate:
    cert: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.cert, self.key)
        return context

    def client_context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=str(self.cert))


def make_certificate(folder: Path) -> Certificate | None:
    """A self-signed certificate for 127.0.0.1 made with the openssl tool; None without it."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"]
        + ["-keyout", str(key), "-out", str(cert), "-subj", "/CN=127.0.0.1"]
        + ["-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )
    return Certificate(cert, key)


@contextmanager
def running(
    handler: MailServer,
    *,
    starttls: Certificate | None = None,
    implicit_tls: Certificate | None = None,
    password: bool = False,
) -> Iterator[EphemeralController]:
    """A started server; ``password`` checks USER / PASSWORD (``signed_in`` tells who used it)."""
    options: dict = {"server_hostname": "localhost", "ready_timeout": 10.0}
    if starttls:
        options |= {"tls_context": starttls.server_context(), "require_starttls": True}
    if implicit_tls:
        options["ssl_context"] = implicit_tls.server_context()
    if password:
        # aiosmtpd counts only STARTTLS as TLS: over implicit TLS, offer AUTH without it.
        required = {"auth_require_tls": False} if implicit_tls else {"auth_required": True}
        options |= {"authenticator": check_password, **required}
    controller = EphemeralController(handler, hostname="127.0.0.1", port=0, **options)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
