"""Managing accounts: roles, disabling, enabling; admins only, each change logged."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from corrections.models import ModerationAction, Role, User
from corrections.services import admin
from corrections.services.errors import Forbidden, Invalid, NotFound


@pytest.fixture
def boss(make_user):
    return make_user("boss@example.org", Role.ADMIN)


def actions(session) -> list[tuple]:
    return [
        (a.actor_id, a.action, a.target_type, a.target_id, a.old_status, a.new_status, a.reason)
        for a in session.scalars(select(ModerationAction).order_by(ModerationAction.id))
    ]


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR, Role.AUTHOR])
def test_only_admins_may_manage_accounts(session, make_user, role):
    actor = make_user("someone@example.org", role)
    target = make_user("other@example.org")
    calls = [
        lambda: admin.list_users(session, actor),
        lambda: admin.set_role(session, actor, target.id, Role.ADMIN),
        lambda: admin.disable_user(session, actor, target.id),
        lambda: admin.enable_user(session, actor, target.id),
    ]
    for call in calls:
        with pytest.raises(Forbidden):
            call()
    with pytest.raises(Forbidden):
        admin.list_users(session, None)
    assert actions(session) == []


def test_admins_see_every_account_oldest_first(session, make_user, boss):
    make_user("reader@example.org")
    page = admin.list_users(session, boss)
    assert [u.email for u in page.users] == ["boss@example.org", "reader@example.org"]
    assert page.next_after is None


def test_the_list_of_accounts_pages_by_keyset_without_repeats_or_gaps(session, boss):
    session.execute(
        insert(User),
        [
            {"email": f"r{n:03}@example.org", "display_name": f"R{n}", "password_hash": "x"}
            for n in range(1, 8)
        ],
    )
    session.commit()
    every = [u.id for u in session.scalars(select(User).order_by(User.id))]
    seen, after, pages = [], None, 0
    while True:
        page = admin.list_users(session, boss, after=after, limit=3)
        seen += [u.id for u in page.users]
        pages += 1
        if page.next_after is None:
            break
        assert page.next_after == page.users[-1].id
        after = page.next_after
    assert seen == every and len(every) == 8 and pages == 3
    assert admin.list_users(session, boss, after=every[-1]).users == []


def test_a_page_of_accounts_is_never_larger_than_the_page_size(session, boss):
    session.execute(
        insert(User),
        [
            {"email": f"r{n:03}@example.org", "display_name": f"R{n}", "password_hash": "x"}
            for n in range(admin.USERS_PER_PAGE + 5)
        ],
    )
    session.commit()
    first = admin.list_users(session, boss, limit=10**6)
    assert len(first.users) == admin.USERS_PER_PAGE and first.next_after is not None
    rest = admin.list_users(session, boss, after=first.next_after)
    assert len(rest.users) == 6 and rest.next_after is None


def test_changing_a_role_writes_an_audit_row(session, make_user, boss):
    target = make_user("mod@example.org")
    admin.set_role(session, boss, target.id, "moderator")
    session.expire_all()
    assert session.get(User, target.id).role == Role.MODERATOR
    assert actions(session) == [
        (boss.id, "set_role", "user", target.id, "reader", "moderator", None)
    ]


def test_setting_the_same_role_again_changes_and_logs_nothing(session, make_user, boss):
    target = make_user("mod@example.org", Role.MODERATOR)
    admin.set_role(session, boss, target.id, Role.MODERATOR)
    assert actions(session) == []


def test_an_admin_cannot_demote_themselves(session, boss):
    with pytest.raises(Invalid, match="your own admin role"):
        admin.set_role(session, boss, boss.id, Role.READER)
    session.expire_all()
    assert session.get(User, boss.id).role == Role.ADMIN
    assert actions(session) == []


def test_an_unknown_role_or_account_is_refused(session, boss):
    with pytest.raises(Invalid):
        admin.set_role(session, boss, boss.id, "emperor")
    with pytest.raises(NotFound):
        admin.set_role(session, boss, 9999, Role.READER)


def test_disabling_ends_the_sessions_and_logs_the_reason(session, make_user, boss):
    target = make_user("troll@example.org")
    admin.disable_user(session, boss, target.id, reason="  spam  ")
    session.expire_all()
    target = session.get(User, target.id)
    assert not target.is_active and target.session_version == 2
    assert actions(session) == [
        (boss.id, "disable_user", "user", target.id, "active", "disabled", "spam")
    ]


def test_an_admin_cannot_disable_themselves(session, boss):
    with pytest.raises(Invalid, match="your own account"):
        admin.disable_user(session, boss, boss.id)
    assert boss.is_active and actions(session) == []


def test_enabling_lets_the_account_back_in_and_is_logged(session, make_user, boss):
    target = make_user("back@example.org")
    admin.disable_user(session, boss, target.id)
    admin.enable_user(session, boss, target.id)
    session.expire_all()
    assert session.get(User, target.id).is_active
    assert [row[1:6] for row in actions(session)] == [
        ("disable_user", "user", target.id, "active", "disabled"),
        ("enable_user", "user", target.id, "disabled", "active"),
    ]


def test_a_disabled_admin_can_no_longer_manage_accounts(session, make_user, boss):
    other_admin = make_user("second@example.org", Role.ADMIN)
    admin.disable_user(session, boss, other_admin.id)
    with pytest.raises(Forbidden):
        admin.set_role(session, other_admin, boss.id, Role.READER)
