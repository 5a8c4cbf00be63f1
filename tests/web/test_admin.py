"""The users page: admins only, every change through a CSRF-protected form, and logged."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from corrections.models import ModerationAction, Role, User
from corrections.services import admin
from tests.conftest import csrf_token_in


@pytest.fixture
def target(make_user) -> User:
    return make_user("target@example.org", Role.READER)


def routes(user_id: int) -> list[tuple[str, str, dict[str, str]]]:
    return [
        ("GET", "/admin/users", {}),
        ("POST", f"/admin/users/{user_id}/role", {"role": "admin"}),
        ("POST", f"/admin/users/{user_id}/disable", {"reason": ""}),
        ("POST", f"/admin/users/{user_id}/enable", {}),
    ]


def send(client, method: str, path: str, data: dict[str, str], token: str):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={**data, "csrf_token": token})


def test_signed_out_visitors_are_sent_to_sign_in_from_every_admin_route(client, target):
    token = csrf_token_in(client.get("/signin").text)
    for method, path, data in routes(target.id):
        response = send(client, method, path, data, token)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/signin?next=")
    assert target.role == Role.READER


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR, Role.AUTHOR])
def test_accounts_below_admin_get_403_on_every_admin_route(
    client, session, make_user, login, target, role
):
    make_user("staff@example.org", role)
    login(client, "staff@example.org")
    token = csrf_token_in(client.get("/account").text)
    for method, path, data in routes(target.id):
        assert send(client, method, path, data, token).status_code == 403, path
    session.expire_all()
    assert session.get(User, target.id).role == Role.READER
    assert session.scalars(select(ModerationAction)).all() == []


def test_an_admin_may_use_every_admin_route(client, make_user, login, target):
    make_user("boss@example.org", Role.ADMIN)
    login(client, "boss@example.org")
    token = csrf_token_in(client.get("/admin/users").text)
    for method, path, data in routes(target.id):
        expected = 200 if method == "GET" else 302
        assert send(client, method, path, data, token).status_code == expected, path


@pytest.fixture
def boss_client(client, make_user, login):
    make_user("boss@example.org", Role.ADMIN, display_name="Boss")
    login(client, "boss@example.org")
    return client


def test_the_list_shows_each_account_with_its_role_and_state(boss_client, target):
    page = boss_client.get("/admin/users").text
    assert "target@example.org" in page and "boss@example.org" in page
    assert '<option value="reader" selected>' in page
    assert f'action="/admin/users/{target.id}/disable"' in page


def test_changing_a_role_flashes_redirects_and_logs(boss_client, session, target):
    token = csrf_token_in(boss_client.get("/admin/users").text)
    response = boss_client.post(
        f"/admin/users/{target.id}/role", data={"role": "moderator", "csrf_token": token}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/admin/users"
    assert "target@example.org is now moderator." in boss_client.get("/admin/users").text
    session.expire_all()
    assert session.get(User, target.id).role == Role.MODERATOR
    row = session.scalars(select(ModerationAction)).one()
    assert (row.action, row.old_status, row.new_status) == ("set_role", "reader", "moderator")


def test_an_admin_cannot_demote_themselves_and_is_told_why(boss_client, session):
    boss = session.scalars(select(User).where(User.email == "boss@example.org")).one()
    token = csrf_token_in(boss_client.get("/admin/users").text)
    response = boss_client.post(
        f"/admin/users/{boss.id}/role", data={"role": "reader", "csrf_token": token}
    )
    assert response.status_code == 302
    assert "cannot remove your own admin role" in boss_client.get("/admin/users").text
    session.expire_all()
    assert session.get(User, boss.id).role == Role.ADMIN
    assert session.scalars(select(ModerationAction)).all() == []


def test_an_unknown_role_is_refused_with_a_message(boss_client, session, target):
    token = csrf_token_in(boss_client.get("/admin/users").text)
    boss_client.post(f"/admin/users/{target.id}/role", data={"role": "god", "csrf_token": token})
    assert "Choose one of the roles." in boss_client.get("/admin/users").text
    session.expire_all()
    assert session.get(User, target.id).role == Role.READER


def test_disabling_through_the_page_ends_the_targets_session(
    app, boss_client, session, target, login
):
    victim = app.test_client()
    login(victim, "target@example.org")
    assert victim.get("/account").status_code == 200
    token = csrf_token_in(boss_client.get("/admin/users").text)
    boss_client.post(
        f"/admin/users/{target.id}/disable", data={"reason": "spam", "csrf_token": token}
    )
    assert victim.get("/account").status_code == 302
    row = session.scalars(select(ModerationAction)).one()
    assert (row.action, row.reason) == ("disable_user", "spam")
    boss_client.post(f"/admin/users/{target.id}/enable", data={"csrf_token": token})
    assert login(victim, "target@example.org").status_code == 302


def test_an_admin_form_without_the_csrf_token_is_refused(boss_client, session, target):
    response = boss_client.post(f"/admin/users/{target.id}/role", data={"role": "admin"})
    assert response.status_code == 400
    session.expire_all()
    assert session.get(User, target.id).role == Role.READER


def test_an_unknown_account_is_a_404(boss_client):
    token = csrf_token_in(boss_client.get("/admin/users").text)
    response = boss_client.post("/admin/users/9999/enable", data={"csrf_token": token})
    assert response.status_code == 404


def add_readers(session, count: int) -> None:
    session.execute(
        insert(User),
        [
            {"email": f"r{n:03}@example.org", "display_name": f"R{n}", "password_hash": "x"}
            for n in range(count)
        ],
    )
    session.commit()


def test_the_list_pages_by_keyset_and_a_change_returns_to_the_same_page(
    boss_client, session, monkeypatch
):
    monkeypatch.setattr(admin, "USERS_PER_PAGE", 2)
    add_readers(session, 3)  # with the boss: 4 accounts, 2 pages
    ids = [u.id for u in session.scalars(select(User).order_by(User.id))]
    first = boss_client.get("/admin/users").text
    assert "boss@example.org" in first and "r000@example.org" in first
    assert "r001@example.org" not in first and "First page" not in first
    assert f'rel="next" href="/admin/users?after={ids[1]}"' in first

    second = boss_client.get(f"/admin/users?after={ids[1]}").text
    assert "r001@example.org" in second and "r002@example.org" in second
    assert "boss@example.org" not in second and 'rel="next"' not in second
    assert '<a href="/admin/users">First page</a>' in second

    action = f"/admin/users/{ids[2]}/role?after={ids[1]}"
    assert f'action="{action}"' in second
    response = boss_client.post(
        action, data={"role": "moderator", "csrf_token": csrf_token_in(second)}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/users?after={ids[1]}"
    session.expire_all()
    assert session.get(User, ids[2]).role == Role.MODERATOR


@pytest.mark.parametrize("after", ["abc", "-1", "99999999999999999999"])
def test_a_page_that_is_not_an_account_number_shows_the_first_page(boss_client, after):
    page = boss_client.get(f"/admin/users?after={after}")
    assert page.status_code == 200 and "boss@example.org" in page.text
