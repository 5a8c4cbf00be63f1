"""API tokens: made for an account, shown once, kept only as a SHA-256 hash, revocable."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.orm import Session

from corrections.db import begin_write, utcnow
from corrections.i18n import _
from corrections.models import ApiToken, Role, User
from corrections.services.audit import record_action
from corrections.services.errors import Forbidden, Invalid, NotFound
from corrections.services.hashing import new_token, token_hash
from corrections.services.users import require_role

TOKEN_PREFIX = "cor_"  # noqa: S105 - a label that makes leaked tokens easy to spot, not a secret
MAX_NAME_CHARS = 80
MAX_TOKEN_CHARS = 200
# last_used_at is a hint for people, not an access log: one write a minute per token is plenty.
LAST_USED_RESOLUTION = timedelta(minutes=1)


def create_token(session: Session, user: User, name: str) -> tuple[ApiToken, str]:
    """A new token for ``user``; the plaintext is returned here and never again."""
    if not user.is_active:
        raise Forbidden(
            _("The account %(email)s is disabled; it cannot have tokens.", email=user.email)
        )
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_CHARS:
        raise Invalid(
            _("Give the token a name of 1 to %(count)s characters.", count=MAX_NAME_CHARS),
            fields={"name": [_("Use 1 to %(count)s characters.", count=MAX_NAME_CHARS)]},
        )
    plaintext = new_token(TOKEN_PREFIX)
    token = ApiToken(user_id=user.id, name=name, token_hash=token_hash(plaintext))
    session.add(token)
    session.commit()
    return token, plaintext


def list_tokens(session: Session, user: User) -> list[ApiToken]:
    """The account's tokens that still work, newest first."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token(session: Session, actor: User | None, token_id: int) -> ApiToken:
    """Revoke one of the actor's own tokens, or, for an admin, anyone's (logged)."""
    actor = require_role(actor, Role.READER)
    token = session.get(ApiToken, token_id)
    if token is None:
        raise NotFound(_("There is no such token."))
    own = token.user_id == actor.id
    if not own and not actor.role.at_least(Role.ADMIN):
        raise Forbidden(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        if not own:
            record_action(
                session,
                actor=actor,
                action="revoke_token",
                target_type="user",
                target_id=token.user_id,
                reason=f"API token {token.id} ({token.name})",
            )
        session.commit()
    return token


# Every API request looks its token up: the statement is built once, as building it each
# time cost about as much CPU as the rest of the lookup.
_LIVE_TOKEN = (
    select(ApiToken.id, ApiToken.last_used_at, User)
    .join(User, User.id == ApiToken.user_id)
    .where(ApiToken.token_hash == bindparam("token_hash"), ApiToken.revoked_at.is_(None))
)


def user_for_token(session: Session, plaintext: str | None) -> User | None:
    """The active account a live token belongs to, or None."""
    if not plaintext or len(plaintext) > MAX_TOKEN_CHARS:
        return None
    row = session.execute(_LIVE_TOKEN, {"token_hash": token_hash(plaintext)}).first()
    if row is None or not row.User.is_active:
        return None
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_RESOLUTION:
        stale = now - LAST_USED_RESOLUTION
        begin_write(session)
        session.execute(
            update(ApiToken)
            .where(ApiToken.id == row.id, ApiToken.revoked_at.is_(None))
            .where(or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at <= stale))
            .values(last_used_at=now)
        )
        session.commit()
    return row.User
