"""Accounts: creating them, and checking who may do what."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from corrections.i18n import _
from corrections.models import Role, User
from corrections.services.errors import Conflict, Forbidden, Invalid

EMAIL_PATTERN = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD_CHARS = 10
MAX_PASSWORD_CHARS = 1024
MAX_NAME_CHARS = 80
SHOWN_EMAIL_CHARS = 60  # of a refused address, in the message that quotes it


def normalize_email(email: str) -> str:
    email = (email or "").strip().lower()
    if len(email) > 254 or not EMAIL_PATTERN.match(email):
        # Quote what was typed, but not all of it: the message must stay readable.
        shown = email if len(email) <= SHOWN_EMAIL_CHARS else email[:SHOWN_EMAIL_CHARS] + "…"
        raise Invalid(
            _("%(email)s is not an email address.", email=repr(shown)),
            fields={"email": [_("Enter an email address.")]},
        )
    return email


def validate_password(password: str) -> str:
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise Invalid(
            _("The password must have at least %(count)s characters.", count=MIN_PASSWORD_CHARS),
            fields={
                "password": [_("Use at least %(count)s characters.", count=MIN_PASSWORD_CHARS)]
            },
        )
    if len(password) > MAX_PASSWORD_CHARS:
        raise Invalid(_("The password is too long."), fields={"password": [_("Too long.")]})
    return password


def hash_password(password: str) -> str:
    return generate_password_hash(validate_password(password), method="scrypt")


def require_role(actor: User | None, role: Role) -> User:
    """Raise Forbidden unless ``actor`` is an active account with ``role`` or above."""
    if actor is None or not actor.is_active:
        raise Forbidden(_("Please sign in with an account that may do this."))
    if not actor.role.at_least(role):
        raise Forbidden(_("This needs the %(role)s role or above.", role=role.value))
    return actor


def create_user(
    session: Session,
    email: str,
    password: str,
    *,
    role: Role = Role.READER,
    display_name: str | None = None,
    actor: User | None = None,
    system: bool = False,
) -> User:
    """Create an account. Operators (``system``) and admins may; nobody else."""
    if not system:
        require_role(actor, Role.ADMIN)
    email = normalize_email(email)
    name = (display_name or email.split("@")[0]).strip()[:MAX_NAME_CHARS]
    user = User(email=email, display_name=name, password_hash=hash_password(password), role=role)
    session.add(user)
    try:
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(_("An account for %(email)s exists already.", email=email)) from exc
    return user


def find_user(session: Session, email: str) -> User | None:
    return session.scalars(select(User).where(User.email == email.strip().lower())).one_or_none()
