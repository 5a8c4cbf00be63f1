"""Managing accounts: roles, disabling and enabling. Admins only; every change is logged."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrections.db import begin_write, utcnow
from corrections.i18n import _
from corrections.models import Role, User
from corrections.services.audit import record_action
from corrections.services.errors import Invalid, NotFound
from corrections.services.users import require_role

USERS_PER_PAGE = 100


@dataclass(frozen=True)
class UserPage:
    users: list[User]
    next_after: int | None  # the id to pass as ``after`` for the next page; None at the end


def list_users(
    session: Session, actor: User | None, *, after: int | None = None, limit: int | None = None
) -> UserPage:
    """Accounts oldest first (by id), one keyset page: those with an id above ``after``.

    Reads ``limit + 1`` rows by the primary key to know whether another page follows, so a
    page costs the same with ten accounts or a million.
    """
    require_role(actor, Role.ADMIN)
    limit = USERS_PER_PAGE if limit is None else max(1, min(limit, USERS_PER_PAGE))
    query = select(User).order_by(User.id).limit(limit + 1)
    if after is not None:
        query = query.where(User.id > after)
    found = list(session.scalars(query))
    more = len(found) > limit
    users = found[:limit]
    return UserPage(users, users[-1].id if more else None)


def _target(session: Session, actor: User | None, user_id: int) -> tuple[User, User]:
    """Take the write lock, then check the actor (as the database now says) and the target."""
    begin_write(session)
    admin = require_role(actor, Role.ADMIN)
    user = session.get(User, user_id, with_for_update=True)
    if user is None:
        raise NotFound(_("There is no such account."))
    return admin, user


def set_role(session: Session, actor: User | None, user_id: int, role: Role | str) -> User:
    try:
        role = Role(role)
    except ValueError as exc:
        raise Invalid(
            _("%(role)s is not a role.", role=repr(role)), fields={"role": [_("Choose a role.")]}
        ) from exc
    admin, user = _target(session, actor, user_id)
    if user.id == admin.id and role != Role.ADMIN:
        raise Invalid(_("You cannot remove your own admin role; ask another admin to do it."))
    if user.role != role:
        old = user.role
        user.role = role
        record_action(
            session,
            actor=admin,
            action="set_role",
            target_type="user",
            target_id=user.id,
            old_status=old.value,
            new_status=role.value,
        )
    session.commit()
    return user


def disable_user(
    session: Session, actor: User | None, user_id: int, *, reason: str | None = None
) -> User:
    """Stop an account signing in and end its sessions; its tokens stop working too."""
    admin, user = _target(session, actor, user_id)
    if user.id == admin.id:
        raise Invalid(_("You cannot disable your own account."))
    if user.disabled_at is None:
        user.disabled_at = utcnow()
        user.session_version = User.session_version + 1  # type: ignore[assignment]
        record_action(
            session,
            actor=admin,
            action="disable_user",
            target_type="user",
            target_id=user.id,
            old_status="active",
            new_status="disabled",
            reason=(reason or "").strip() or None,
        )
    session.commit()
    return user


def enable_user(session: Session, actor: User | None, user_id: int) -> User:
    admin, user = _target(session, actor, user_id)
    if user.disabled_at is not None:
        user.disabled_at = None
        record_action(
            session,
            actor=admin,
            action="enable_user",
            target_type="user",
            target_id=user.id,
            old_status="disabled",
            new_status="active",
        )
    session.commit()
    return user
