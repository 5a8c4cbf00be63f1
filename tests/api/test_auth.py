"""Bearer tokens on the API: who is calling, 401 and 403 in the JSON error shape."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from corrections.api.auth import require_api_role
from corrections.models import Role
from corrections.services import admin, tokens


@pytest.fixture
def token_for(session, make_user):
    def make(email: str = "ada@example.org", role: Role = Role.READER) -> str:
        user = make_user(email, role, display_name="Ada")
        return tokens.create_token(session, user, "test")[1]

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_me_answers_with_the_tokens_account(client, token_for):
    response = client.get("/api/v1/me", headers=bearer(token_for()))
    assert response.status_code == 200
    assert response.get_json() == {
        "email": "ada@example.org",
        "display_name": "Ada",
        "role": "reader",
    }


def test_a_missing_token_gets_401_with_a_bearer_challenge(client):
    for headers in ({}, {"Authorization": "Basic YTpi"}, {"Authorization": "Bearer "}):
        response = client.get("/api/v1/me", headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_an_unknown_token_gets_401_invalid_token(client, token_for):
    response = client.get("/api/v1/me", headers=bearer(token_for() + "x"))
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
    assert set(response.get_json()["error"]) == {"code", "message"}


def test_a_revoked_token_gets_401(client, session, make_user):
    user = make_user()
    token, plaintext = tokens.create_token(session, user, "script")
    tokens.revoke_token(session, user, token.id)
    assert client.get("/api/v1/me", headers=bearer(plaintext)).status_code == 401


def test_a_disabled_accounts_token_gets_401(client, session, make_user, token_for):
    plaintext = token_for()
    boss = make_user("boss@example.org", Role.ADMIN)
    admin.disable_user(session, boss, tokens.user_for_token(session, plaintext).id)
    assert client.get("/api/v1/me", headers=bearer(plaintext)).status_code == 401


def test_a_signed_in_browser_session_is_not_an_api_credential(client, make_user, login):
    make_user("ada@example.org")
    login(client, "ada@example.org")
    assert client.get("/api/v1/me").status_code == 401


@pytest.fixture
def moderators_only(app):
    @require_api_role(Role.MODERATOR)
    def view():
        return {"ok": True}

    app.add_url_rule("/api/v1/test-moderators-only", "test_moderators_only", view)
    return "/api/v1/test-moderators-only"


def test_a_readers_token_gets_403_where_a_moderator_is_needed(client, token_for, moderators_only):
    response = client.get(moderators_only, headers=bearer(token_for()))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


def test_moderators_and_above_pass_require_api_role(client, token_for, moderators_only):
    for role in (Role.MODERATOR, Role.AUTHOR, Role.ADMIN):
        plaintext = token_for(f"{role.value}@example.org", role)
        response = client.get(moderators_only, headers=bearer(plaintext))
        assert response.status_code == 200, role
    assert client.get(moderators_only).status_code == 401


def test_the_openapi_document_declares_bearer_auth_on_me(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert spec["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
    }
    me = spec["paths"]["/api/v1/me"]["get"]
    assert me["security"] == [{"bearerAuth": []}]
    assert "401" in me["responses"]
