"""What every reader form carries against bots and double submits.

- a honeypot field people never see (filled in: refused, nothing stored);
- a signed timestamp (sent back in under ``FORM_MIN_SECONDS`` or after a day: refused);
- a random form token, stored with what the form creates, so a double submit makes one row.

Each reader form class inherits ``ProtectedForm``; ``check()`` raises ``Invalid`` with a
message for the person, and views call it before the service.
"""

from __future__ import annotations

import secrets
import time

from flask import current_app, request
from flask_login import current_user
from flask_wtf import FlaskForm
from itsdangerous import BadSignature, URLSafeSerializer
from wtforms import HiddenField, StringField

from corrections.i18n import _, _l
from corrections.services.abuse import Submitter
from corrections.services.errors import Invalid
from corrections.services.hashing import keyed_hash, network_hash

MAX_FORM_AGE_SECONDS = 24 * 3600
TOKEN_PATTERN_CHARS = 80


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="form-issued-at")


def issue_timestamp() -> str:
    return _serializer().dumps(int(time.time()))


class ProtectedForm(FlaskForm):
    # Named to attract bots; hidden from people by CSS and from assistive tech by aria-hidden.
    website = StringField(_l("Leave this field empty"))
    issued = HiddenField()
    form_token = HiddenField()

    def prepare(self) -> ProtectedForm:
        """Fill the hidden fields for a form about to be shown."""
        self.issued.data = issue_timestamp()
        if not self.form_token.data:
            self.form_token.data = secrets.token_urlsafe(24)
        return self

    def check(self) -> None:
        if self.website.data:
            raise Invalid(_("Your submission could not be accepted."))
        try:
            issued = int(_serializer().loads(self.issued.data or ""))
        except (BadSignature, ValueError, TypeError) as exc:
            raise Invalid(
                _("This form could not be checked; please reload the page and send it again.")
            ) from exc
        age = time.time() - issued
        if age < current_app.config.get("FORM_MIN_SECONDS", 3):
            raise Invalid(
                _(
                    "That was sent faster than a person can type. "
                    "Please wait a moment and send it again."
                )
            )
        if age > MAX_FORM_AGE_SECONDS:
            raise Invalid(
                _("This form is more than a day old. Please reload the page and send it again.")
            )
        token = self.form_token.data or ""
        if not 16 <= len(token) <= TOKEN_PATTERN_CHARS:
            raise Invalid(
                _("This form could not be checked; please reload the page and send it again.")
            )


def client_submitter(name: str = "", email: str | None = None) -> Submitter:
    secret = current_app.config["SECRET_KEY"]
    user = current_user if current_user.is_authenticated else None
    return Submitter(
        secret=secret,
        user=user,
        name=name,
        email=email,
        network_hash=network_hash(secret, request.remote_addr),
    )


def idempotency_key(kind: str, token: str | None, *, client: str | None = None) -> str | None:
    """A per-client key for a form token or an Idempotency-Key header, never guessable.

    The client is the session's account, else the address; the API, which ignores cookies,
    names its own."""
    if not token:
        return None
    secret = current_app.config["SECRET_KEY"]
    if client is None:
        client = str(current_user.id) if current_user.is_authenticated else request.remote_addr
    return keyed_hash(secret, f"{kind}:{client or ''}:{token}")[:64]


def reporter_key() -> str:
    """Who flags: the account, or the keyed hash of the network for guests."""
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "net:" + (network_hash(current_app.config["SECRET_KEY"], request.remote_addr) or "")[:64]
