"""Signing in, passwords and sessions: who someone is, and how many guesses they get.

Failed sign-ins are kept for ``FAILURE_WINDOW`` under two keyed hashes, one of the e-mail
address and one of the client address; ``FAILURE_LIMIT`` failures under either key refuse
further tries, right password or not, until the oldest of them leaves the window. Nothing is
cleared on success: failures simply expire.
"""

from __future__ import annotations

import ipaddress
import math
import secrets
from datetime import datetime, timedelta
from functools import cache

from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from corrections.db import begin_write, utcnow
from corrections.i18n import _, _l, ngettext
from corrections.models import LoginFailure, User
from corrections.services.errors import Forbidden, Invalid, ServiceError
from corrections.services.hashing import keyed_hash
from corrections.services.users import MAX_PASSWORD_CHARS, find_user, hash_password

FAILURE_LIMIT = 5
FAILURE_WINDOW = timedelta(minutes=15)
WRONG_CREDENTIALS = _l("Wrong email or password.")


class SignInRefused(ServiceError):
    """The email or the password is wrong; deliberately never says which."""

    code = "unauthorized"
    status = 401


class TooManyAttempts(ServiceError):
    code = "rate_limited"
    status = 429

    def __init__(self, message: object, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@cache
def _dummy_hash() -> str:
    # Checked against when the email is unknown, so both answers take as long.
    return generate_password_hash(secrets.token_urlsafe(16), method="scrypt")


def throttle_address(client_address: str | None) -> str | None:
    """The address as throttling counts it: IPv4 as is, IPv6 by its /64 (one host's share)."""
    if not client_address:
        return None
    try:
        ip = ipaddress.ip_address(client_address.strip())
    except ValueError:
        return client_address.strip()[:100] or None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.version == 6:
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def failure_keys(secret: str, email: str, client_address: str | None) -> list[str]:
    keys = [keyed_hash(secret, "signin-email:" + (email or "").strip().lower())]
    address = throttle_address(client_address)
    if address:
        keys.append(keyed_hash(secret, "signin-address:" + address))
    return keys


def seconds_until_allowed(session: Session, keys: list[str], now: datetime) -> int:
    """0 when a try is allowed; otherwise how long until the window lets one through."""
    wait = 0
    for key in keys:
        recent = session.scalars(
            select(LoginFailure.created_at)
            .where(LoginFailure.key_hash == key, LoginFailure.created_at > now - FAILURE_WINDOW)
            .order_by(LoginFailure.created_at.desc())
            .limit(FAILURE_LIMIT)
        ).all()
        if len(recent) >= FAILURE_LIMIT:
            # Allowed again once the FAILURE_LIMIT-th newest failure leaves the window.
            until = recent[-1] + FAILURE_WINDOW
            wait = max(wait, math.ceil((until - now).total_seconds()), 1)
    return wait


def _record_failure(session: Session, keys: list[str], now: datetime) -> None:
    begin_write(session)
    # Expired rows of these keys go now, so the table holds at most a window per key.
    session.execute(
        delete(LoginFailure).where(
            LoginFailure.key_hash.in_(keys), LoginFailure.created_at <= now - FAILURE_WINDOW
        )
    )
    session.add_all(LoginFailure(key_hash=key, created_at=now) for key in keys)
    session.commit()


def authenticate(
    session: Session, email: str, password: str, *, client_address: str | None, secret: str
) -> User:
    """The active account with this email and password, or SignInRefused / TooManyAttempts.

    ``secret`` is the app's SECRET_KEY, which keys the hashes that failures are counted under.
    """
    now = utcnow()
    keys = failure_keys(secret, email, client_address)
    wait = seconds_until_allowed(session, keys, now)
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyAttempts(
            ngettext(
                "Too many failed sign-ins. Please wait %(num)d minute and try again.",
                "Too many failed sign-ins. Please wait %(num)d minutes and try again.",
                minutes,
            ),
            retry_after=wait,
        )
    password = password or ""
    user = find_user(session, email) if email else None
    if len(password) > MAX_PASSWORD_CHARS:
        matches = False
    else:
        matches = check_password_hash(user.password_hash if user else _dummy_hash(), password)
    if user is None or not matches:
        _record_failure(session, keys, now)
        raise SignInRefused(WRONG_CREDENTIALS)
    if not user.is_active:
        raise Forbidden(_("This account is disabled. Ask an administrator if this is a mistake."))
    return user


def _bump_session_version(user: User) -> None:
    # Done in SQL, so two bumps at once still both count.
    user.session_version = User.session_version + 1  # type: ignore[assignment]


def change_password(session: Session, user: User, current: str, new: str) -> User:
    """Check the current password, store the new one, and end every other session."""
    if not check_password_hash(user.password_hash, (current or "")[:MAX_PASSWORD_CHARS]):
        raise Invalid(
            _("The current password is not right."),
            fields={"current_password": [_("This is not your current password.")]},
        )
    if new == current:
        raise Invalid(
            _("The new password is the same as the current one."),
            fields={"new_password": [_("Choose a different password.")]},
        )
    try:
        new_hash = hash_password(new)
    except Invalid as exc:
        raise Invalid(exc.message, fields={"new_password": exc.fields["password"]}) from exc
    begin_write(session)
    user.password_hash = new_hash
    _bump_session_version(user)
    session.commit()
    return user


def reset_password(session: Session, user: User, new: str) -> User:
    """An operator's reset (no current password asked): store it and end every session."""
    new_hash = hash_password(new)
    begin_write(session)
    user.password_hash = new_hash
    _bump_session_version(user)
    session.commit()
    return user


def sign_out_everywhere(session: Session, user: User) -> None:
    """Void every session of ``user``: their cookies carry the old session version."""
    begin_write(session)
    _bump_session_version(user)
    session.commit()
