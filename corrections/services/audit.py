"""The moderation audit log: one append-only row per change, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrections.models import ModerationAction, User


def record_action(
    session: Session,
    *,
    actor: User | None,
    action: str,
    target_type: str,
    target_id: int,
    old_status: str | None = None,
    new_status: str | None = None,
    reason: str | None = None,
    article_id: int | None = None,
) -> ModerationAction:
    """Add a ModerationAction to ``session`` without committing.

    The caller commits it together with the change it describes, so the log and the change
    succeed or fail as one.
    """
    row = ModerationAction(
        actor_id=actor.id if actor is not None else None,
        action=action,
        target_type=target_type,
        target_id=target_id,
        old_status=old_status,
        new_status=new_status,
        reason=reason,
        article_id=article_id,
    )
    session.add(row)
    return row
