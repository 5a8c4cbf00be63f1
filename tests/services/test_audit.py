"""The audit log helper: rows ride in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import func, select

from corrections.models import ModerationAction, Role
from corrections.services.audit import record_action


def count(session) -> int:
    return session.scalar(select(func.count()).select_from(ModerationAction))


def test_an_action_is_committed_with_the_change_it_describes(session, make_user):
    actor = make_user("boss@example.org", Role.ADMIN)
    row = record_action(
        session, actor=actor, action="set_role", target_type="user", target_id=7, reason="why"
    )
    session.commit()
    assert (row.actor_id, row.target_id, row.reason, row.article_id) == (actor.id, 7, "why", None)
    assert row.created_at is not None and count(session) == 1


def test_an_action_rolled_back_with_its_change_leaves_no_row(session):
    record_action(session, actor=None, action="note", target_type="user", target_id=1)
    session.rollback()
    assert count(session) == 0
