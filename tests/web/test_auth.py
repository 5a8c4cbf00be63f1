"""Signing in and out through the site, sessions that end, and the account page."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from corrections.models import ApiToken, Role
from corrections.services import admin
from tests.conftest import TEST_PASSWORD, csrf_token_in


def signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def copy_session(app, client):
    """A second browser holding a copy of ``client``'s session cookie."""
    other = app.test_client()
    other.set_cookie("session", client.get_cookie("session").value)
    return other


def test_signing_in_redirects_home_and_shows_who_is_signed_in(client, make_user, login):
    make_user("ada@example.org", display_name="Ada")
    response = login(client, "ada@example.org")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    page = client.get("/").get_data(as_text=True)
    assert "Ada" in page and "Sign out" in page and 'href="/account"' in page
    assert "Sign in" not in page


def test_signed_out_visitors_see_a_sign_in_link_and_no_session_cookie(client):
    page = client.get("/")
    assert 'href="/signin?next=/"' in page.get_data(as_text=True)
    assert client.get_cookie("session") is None


def test_wrong_password_and_unknown_email_show_the_same_message(client, make_user, login):
    make_user("ada@example.org")
    wrong = login(client, "ada@example.org", "not the password")
    unknown = login(client, "nobody@example.org", TEST_PASSWORD)
    for response in (wrong, unknown):
        assert response.status_code == 422
        assert "Wrong email or password." in response.get_data(as_text=True)
    assert not signed_in(client)


def test_the_sixth_try_is_refused_with_429_even_with_the_right_password(client, make_user, login):
    make_user("ada@example.org")
    for _ in range(5):
        assert login(client, "ada@example.org", "wrong").status_code == 422
    response = login(client, "ada@example.org")
    assert response.status_code == 429
    assert 0 < int(response.headers["Retry-After"]) <= 900
    assert "Too many failed sign-ins" in response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    assert not signed_in(client)


def test_the_sixth_try_from_one_address_is_refused_across_emails(app, make_user, login):
    make_user("ada@example.org")
    attacker = app.test_client()
    attacker.environ_base["REMOTE_ADDR"] = "203.0.113.9"
    for n in range(5):
        login(attacker, f"guess{n}@example.org", "wrong")
    assert login(attacker, "ada@example.org").status_code == 429
    assert login(app.test_client(), "ada@example.org").status_code == 302  # another address


def test_a_sign_in_without_the_csrf_token_is_refused_with_a_400_page(client, make_user):
    make_user("ada@example.org")
    response = client.post("/signin", data={"email": "ada@example.org", "password": TEST_PASSWORD})
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert "reload the page" in response.get_data(as_text=True)
    assert not signed_in(client)


def test_next_is_followed_to_a_local_path(client, make_user, csrf_token):
    make_user("ada@example.org")
    token = csrf_token(client, "/signin?next=/account")
    response = client.post(
        "/signin?next=/account",
        data={"email": "ada@example.org", "password": TEST_PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/account"


def test_next_pointing_at_another_site_is_not_followed(app, make_user, csrf_token):
    make_user("ada@example.org")
    for target in ("//evil.example", "/\\evil.example", "https://evil.example/", "evil"):
        client = app.test_client()
        page = client.get("/signin", query_string={"next": target}).get_data(as_text=True)
        assert "evil" not in page
        response = client.post(
            "/signin",
            query_string={"next": target},
            data={
                "email": "ada@example.org",
                "password": TEST_PASSWORD,
                "csrf_token": csrf_token_in(page),
            },
        )
        assert response.headers["Location"] == "/", target


def test_pages_that_need_an_account_send_to_sign_in_and_back(client):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signin?next=%2Faccount"


def test_signing_out_voids_an_old_copy_of_the_session_cookie(app, client, make_user, login):
    make_user("ada@example.org")
    login(client, "ada@example.org")
    stolen = copy_session(app, client)
    assert signed_in(stolen)  # the copy works while the session lives
    response = client.post("/signout", data={"csrf_token": csrf_token_in(client.get("/").text)})
    assert response.status_code == 302
    assert not signed_in(client)
    assert not signed_in(copy_session(app, stolen))
    assert not signed_in(stolen)


def test_signing_out_needs_a_post_with_the_csrf_token(client, make_user, login):
    make_user("ada@example.org")
    login(client, "ada@example.org")
    assert client.get("/signout").status_code == 405
    assert client.post("/signout").status_code == 400
    assert signed_in(client)


def test_changing_the_password_signs_out_every_other_session(app, client, make_user, login):
    make_user("ada@example.org")
    login(client, "ada@example.org")
    laptop = app.test_client()
    login(laptop, "ada@example.org")
    response = client.post(
        "/account",
        data={
            "current_password": TEST_PASSWORD,
            "new_password": "a brand new password",
            "confirm": "a brand new password",
            "csrf_token": csrf_token_in(client.get("/account").text),
        },
    )
    assert response.status_code == 302
    assert "every other session is signed out" in client.get("/account").text
    assert signed_in(client)
    assert not signed_in(laptop)
    assert login(laptop, "ada@example.org", "a brand new password").status_code == 302


def test_a_wrong_current_password_is_shown_beside_its_field(client, make_user, login):
    make_user("ada@example.org")
    login(client, "ada@example.org")
    response = client.post(
        "/account",
        data={
            "current_password": "not it",
            "new_password": "a brand new password",
            "confirm": "a brand new password",
            "csrf_token": csrf_token_in(client.get("/account").text),
        },
    )
    assert response.status_code == 422
    assert "This is not your current password." in response.text
    assert 'aria-invalid="true"' in response.text


def test_a_disabled_accounts_session_stops_working(client, session, make_user, login):
    boss = make_user("boss@example.org", Role.ADMIN)
    user = make_user("ada@example.org")
    login(client, "ada@example.org")
    assert signed_in(client)
    admin.disable_user(session, boss, user.id)
    assert not signed_in(client)
    assert login(client, "ada@example.org").status_code == 422
    assert "disabled" in login(client, "ada@example.org").text


def test_a_new_token_is_shown_once_and_stored_hashed(client, session, make_user, login):
    make_user("ada@example.org")
    login(client, "ada@example.org")
    response = client.post(
        "/account/tokens",
        data={"name": "my script", "csrf_token": csrf_token_in(client.get("/account").text)},
    )
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    shown = response.text.split('class="token-value">')[1].split("<")[0]
    stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(shown.encode()).hexdigest()
    again = client.get("/account").text
    assert "my script" in again and shown not in again


def test_a_token_can_be_revoked_from_the_account_page(client, session, make_user, login):
    user = make_user("ada@example.org")
    login(client, "ada@example.org")
    token = ApiToken(user_id=user.id, name="old script", token_hash="0" * 64)
    session.add(token)
    session.commit()
    page = client.get("/account").text
    response = client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token_in(page)}
    )
    assert response.status_code == 302
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is not None
    assert "is revoked" in client.get("/account").text


def test_nobody_can_revoke_another_readers_token(client, session, make_user, login):
    owner = make_user("owner@example.org")
    make_user("ada@example.org")
    token = ApiToken(user_id=owner.id, name="theirs", token_hash="1" * 64)
    session.add(token)
    session.commit()
    login(client, "ada@example.org")
    page = client.get("/account").text
    response = client.post(
        f"/account/tokens/{token.id}/revoke", data={"csrf_token": csrf_token_in(page)}
    )
    assert response.status_code == 403
    session.expire_all()
    assert session.get(ApiToken, token.id).revoked_at is None


def test_a_token_without_a_name_is_refused_on_the_page(client, make_user, login):
    make_user("ada@example.org")
    login(client, "ada@example.org")
    response = client.post(
        "/account/tokens",
        data={"name": "", "csrf_token": csrf_token_in(client.get("/account").text)},
    )
    assert response.status_code == 422 and "token-value" not in response.text


def test_the_header_links_to_users_for_admins_only(app, make_user, login):
    make_user("boss@example.org", Role.ADMIN)
    make_user("mod@example.org", Role.MODERATOR)
    boss, mod = app.test_client(), app.test_client()
    login(boss, "boss@example.org")
    login(mod, "mod@example.org")
    assert 'href="/admin/users"' in boss.get("/").text
    assert 'href="/admin/users"' not in mod.get("/").text


def test_templates_can_ask_whether_a_page_exists_before_linking_to_it(app):
    from flask import render_template_string

    with app.test_request_context("/"):
        rendered = render_template_string(
            "{{ 'auth.signin' is endpoint }} {{ 'nowhere.page' is endpoint }}"
        )
    assert rendered == "True False"
