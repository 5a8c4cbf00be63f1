"""The audit log helper: rows ride in the caller's transaction."""

from __future__ import annotations

import pytest
from sqlalchemy import delete, func, select, update

from corrections.models import ModerationAction, Role, User
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
    record_action(session, actor=None, action="set_role", target_type="user", target_id=1)
    session.rollback()
    assert count(session) == 0


@pytest.fixture
def entry(session, make_user) -> ModerationAction:
    actor = make_user("boss@example.org", Role.ADMIN)
    row = record_action(
        session, actor=actor, action="set_role", target_type="user", target_id=7, reason="why"
    )
    session.commit()
    return row


def stored(session) -> list[tuple]:
    session.expire_all()
    return session.execute(
        select(ModerationAction.id, ModerationAction.action, ModerationAction.reason)
    ).all()


def test_an_entry_cannot_be_changed_through_the_orm(session, entry):
    before = stored(session)
    entry.reason = "rewritten"
    with pytest.raises(ValueError, match="append-only: an entry is never changed"):
        session.commit()
    session.rollback()
    assert stored(session) == before == [(entry.id, "set_role", "why")]


def test_an_entry_cannot_be_deleted_through_the_orm(session, entry):
    before = stored(session)
    session.delete(entry)
    with pytest.raises(ValueError, match="append-only: an entry is never deleted"):
        session.commit()
    session.rollback()
    assert stored(session) == before


@pytest.mark.parametrize(
    ("statement", "what"),
    [
        (update(ModerationAction).values(reason="rewritten"), "changed"),
        (delete(ModerationAction), "deleted"),
        (delete(ModerationAction).where(ModerationAction.action == "set_role"), "deleted"),
    ],
)
def test_bulk_statements_cannot_rewrite_or_delete_the_log(session, entry, statement, what):
    before = stored(session)
    with pytest.raises(ValueError, match=f"append-only: an entry is never {what}"):
        session.execute(statement)
    session.rollback()
    assert stored(session) == before


def test_other_tables_are_still_updated_and_deleted_in_bulk(session, entry, make_user):
    reader = make_user("r@example.org")
    session.execute(update(User).where(User.id == reader.id).values(display_name="Rita"))
    session.commit()
    assert session.get(User, reader.id, populate_existing=True).display_name == "Rita"
    entry_count = count(session)
    record_action(session, actor=None, action="set_role", target_type="user", target_id=1)
    session.commit()
    assert count(session) == entry_count + 1  # and adding to the log still works


def test_an_action_the_log_filters_do_not_know_is_refused(session, make_user):
    user = make_user()
    with pytest.raises(ValueError, match="unknown audit action"):
        record_action(session, actor=user, action="made_up", target_type="comment", target_id=1)
    with pytest.raises(ValueError, match="unknown audit action"):
        record_action(session, actor=user, action="publish", target_type="planet", target_id=1)
