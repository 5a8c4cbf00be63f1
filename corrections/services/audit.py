"""The moderation audit log: one append-only row per change, in the caller's transaction."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrections.models import ModerationAction, User

# Every action the log can hold: record_action refuses others, so the log's filters
# (/moderate/log) always offer every action that was written.
TARGET_TYPES = ("comment", "correction", "ban", "word_rule", "user", "article", "revision")
KNOWN_ACTIONS = (
    "comment_approved",
    "comment_rejected",
    "comment_spam",
    "comment_deleted",
    "comment_flags_dismissed",
    "ban_created",
    "ban_lifted",
    "word_added",
    "word_removed",
    "accept",
    "reject",
    "duplicate",
    "needs_info",
    "reopen",
    "add_update",
    "correction_withdrawn",
    "correction_info_given",
    "set_role",
    "disable_user",
    "enable_user",
    "revoke_token",
    "publish",
    "mark_minor",
    "unmark_minor",
    "apply_text",
    "change_applied_text",
    "set_moderation_mode",
)


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
    if action not in KNOWN_ACTIONS or target_type not in TARGET_TYPES:
        raise ValueError(f"unknown audit action {action!r} on {target_type!r}")
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
