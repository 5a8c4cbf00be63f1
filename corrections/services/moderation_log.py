"""The audit log read back: newest first, by keyset on id, with filters.

Also the keyset page both the log and the queue use (``id > after`` oldest first,
``id < after`` newest first; one row more than the page tells whether there is a next one).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from corrections.models import Article, ModerationAction, Role, User
from corrections.services.users import require_role

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


@dataclass
class QueuePage:
    items: list[Any]
    next_after: int | None


@dataclass
class LogEntry:
    id: int
    created_at: datetime
    actor_name: str | None
    action: str
    target_type: str
    target_id: int
    old_status: str | None
    new_status: str | None
    reason: str | None
    article_slug: str | None
    type: str = "log"


@dataclass
class LogScreen:
    page: QueuePage
    staff: list[tuple[int, str]]


def keyset(query: Select, column: Any, after: int | None, limit: int, newest_first: bool):
    if after is not None:
        query = query.where(column < after if newest_first else column > after)
    return query.order_by(column.desc() if newest_first else column).limit(limit + 1)


def paged(items: list[Any], limit: int) -> QueuePage:
    if len(items) > limit:
        items = items[:limit]
        return QueuePage(items, items[-1].id)
    return QueuePage(items, None)


def log_query() -> Select:
    return (
        select(ModerationAction, User.display_name, Article.slug)
        .outerjoin(User, User.id == ModerationAction.actor_id)
        .outerjoin(Article, Article.id == ModerationAction.article_id)
    )


def log_entry(row) -> LogEntry:
    a: ModerationAction = row.ModerationAction
    return LogEntry(
        id=a.id,
        created_at=a.created_at,
        actor_name=row.display_name,
        action=a.action,
        target_type=a.target_type,
        target_id=a.target_id,
        old_status=a.old_status,
        new_status=a.new_status,
        reason=a.reason,
        article_slug=row.slug,
    )


def audit_log(
    session: Session,
    actor: User | None,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    action: str | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
) -> QueuePage:
    """The moderation log, newest first, by keyset on id; filters combine. Moderators only."""
    require_role(actor, Role.MODERATOR)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    query = log_query()
    if actor_id is not None:
        query = query.where(ModerationAction.actor_id == actor_id)
    if target_type:
        query = query.where(ModerationAction.target_type == target_type)
    if action:
        query = query.where(ModerationAction.action == action)
    query = keyset(query, ModerationAction.id, after, limit, True)
    return paged([log_entry(row) for row in session.execute(query)], limit)


def log_screen(
    session: Session,
    actor: User | None,
    *,
    actor_id: int | None = None,
    target_type: str | None = None,
    action: str | None = None,
    after: int | None = None,
) -> LogScreen:
    require_role(actor, Role.MODERATOR)
    page = audit_log(
        session, actor, actor_id=actor_id, target_type=target_type, action=action, after=after
    )
    staff = session.execute(
        select(User.id, User.display_name)
        .where(User.role.in_([r for r in Role if r is not Role.READER]))
        .order_by(User.display_name, User.id)
    ).all()
    return LogScreen(page, [(uid, name) for uid, name in staff])
