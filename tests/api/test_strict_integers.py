"""Integers in JSON bodies are JSON integers: 1.5, "1" and true are refused (422), never read
as 1. Query arguments are text by nature, so there "1" is still the number 1."""

from __future__ import annotations

import pytest

from corrections.models import Role
from corrections.services import tokens

DRAFT = "/api/v1/articles/demo/draft"
NOT_INTEGERS = [1.5, 1.0, "1", True, [1], {"n": 1}]


@pytest.fixture
def headers(session, make_user, demo_article):
    def make(role: Role, email: str) -> dict[str, str]:
        user = make_user(email, role)
        return {"Authorization": f"Bearer {tokens.create_token(session, user, 'test')[1]}"}

    return make


def bodies(sections):
    """(path, method, body, field) for every integer a JSON body carries."""
    correction = "/api/v1/moderation/corrections/1"
    return [
        (DRAFT, "put", {"sections": sections, "expected_version": None}, "expected_version"),
        (f"{DRAFT}/rebase", "post", {"expected_version": None}, "expected_version"),
        (
            f"{DRAFT}/publish",
            "post",
            {"summary": "x", "expected_version": None},
            "expected_version",
        ),
        (
            f"{correction}/accept",
            "post",
            {"update_text": "x", "expected_version": None},
            "expected_version",
        ),
        (
            f"{correction}/reject",
            "post",
            {"reason": "other", "note": "x", "expected_version": None},
            "expected_version",
        ),
        (
            f"{correction}/needs-info",
            "post",
            {"message": "x", "expected_version": None},
            "expected_version",
        ),
        (
            f"{correction}/duplicate",
            "post",
            {"duplicate_of": None, "expected_version": 1},
            "duplicate_of",
        ),
        (
            f"{correction}/duplicate",
            "post",
            {"duplicate_of": 2, "expected_version": None},
            "expected_version",
        ),
        ("/api/v1/moderation/bans", "post", {"kind": "network", "comment_id": None}, "comment_id"),
        ("/api/v1/moderation/bans", "post", {"kind": "account", "user_id": None}, "user_id"),
        (
            "/api/v1/moderation/bans",
            "post",
            {"kind": "account", "user_id": 1, "days": None},
            "days",
        ),
    ]


@pytest.mark.parametrize("value", NOT_INTEGERS, ids=repr)
def test_a_json_integer_field_refuses_what_is_not_a_json_integer(
    client, headers, make_correction, value
):
    make_correction()
    author = headers(Role.ADMIN, "admin@example.org")  # may use every one of these calls
    sections = client.get(DRAFT, headers=author).get_json()["sections"]
    for path, method, body, field in bodies(sections):
        sent = {**body, field: value}
        response = getattr(client, method)(path, json=sent, headers=author)
        assert response.status_code == 422, (path, field, response.get_json())
        assert field in response.get_json()["error"]["fields"], (path, field)


def test_a_whole_number_is_still_accepted(client, headers):
    author = headers(Role.AUTHOR, "author@example.org")
    sections = client.get(DRAFT, headers=author).get_json()["sections"]
    saved = client.put(DRAFT, json={"sections": sections, "expected_version": 1}, headers=author)
    assert saved.status_code == 200 and saved.get_json()["version"] == 2


@pytest.mark.parametrize(
    "query",
    ["/api/v1/articles/demo/diff?from=1&to=1", "/api/v1/moderation/queue?kind=comments&after=5"],
)
def test_query_arguments_still_read_numbers_from_text(client, headers, query):
    moderator = headers(Role.MODERATOR, "mod@example.org")
    assert client.get(query, headers=moderator).status_code == 200
