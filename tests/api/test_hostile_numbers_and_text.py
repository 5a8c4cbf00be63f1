"""Numbers no column can hold and strings no encoder takes: refused clearly, never a 500.

Found by Schemathesis against the live server (tests/live); kept here so that the ordinary
suite, on SQLite and PostgreSQL, keeps them fixed.
"""

from __future__ import annotations

import pytest

from corrections.db import DB_INT_MAX
from corrections.models import Role
from corrections.services import tokens

HUGE = 99_999_999_999_999_999_999  # beyond 64 bits: SQLite's driver overflows
JUST_OVER = DB_INT_MAX + 1  # beyond PostgreSQL's integer
COMMENTS = "/api/v1/articles/demo/sections/introduction/comments"


@pytest.fixture
def moderator(session, make_user) -> dict[str, str]:
    user = make_user("mod@example.org", Role.MODERATOR, display_name="Mo")
    return {"Authorization": f"Bearer {tokens.create_token(session, user, 'test')[1]}"}


@pytest.mark.parametrize("number", [HUGE, JUST_OVER])
@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/moderation/corrections/{n}",
        "/api/v1/articles/demo/revisions/{n}",
        "/a/demo/v/{n}",
        "/c/{n}",
    ],
)
def test_an_id_beyond_the_database_range_in_a_path_is_not_found(
    client, demo_article, moderator, path, number
):
    response = client.get(path.format(n=number), headers=moderator)
    assert response.status_code == 404


@pytest.mark.parametrize("number", [HUGE, JUST_OVER])
def test_an_id_beyond_the_database_range_in_a_decision_path_is_not_found(
    client, demo_article, moderator, number
):
    response = client.post(f"/api/v1/moderation/comments/{number}/approve", headers=moderator)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path, body, field",
    [
        (COMMENTS, {"body": "Hi", "author_name": "Ann", "parent_id": HUGE}, "parent_id"),
        (
            "/api/v1/moderation/corrections/1/duplicate",
            {"duplicate_of": JUST_OVER, "expected_version": 1},
            "duplicate_of",
        ),
        (
            "/api/v1/moderation/corrections/1/needs-info",
            {"message": "Which report?", "expected_version": HUGE},
            "expected_version",
        ),
        ("/api/v1/moderation/bans", {"kind": "network", "comment_id": HUGE}, "comment_id"),
    ],
)
def test_an_integer_beyond_the_database_range_in_a_body_is_a_field_error(
    client, demo_article, moderator, path, body, field
):
    response = client.post(path, json=body, headers=moderator)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "query, field",
    [
        ("/api/v1/moderation/queue?kind=corrections&after={n}", "after"),
        ("/api/v1/articles/demo/diff?from=1&to={n}", "to"),
    ],
)
def test_an_integer_beyond_the_database_range_in_a_query_is_a_field_error(
    client, demo_article, moderator, query, field
):
    response = client.get(query.format(n=HUGE), headers=moderator)
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]


@pytest.mark.parametrize(
    "path",
    [
        "/a/demo/s/introduction/comments?after={n}",
        "/a/demo/diff?from=1&to={n}",
        "/moderate?tab=corrections&after={n}&article={n}",
        "/moderate/log?after={n}&actor={n}",
        "/moderate/bans?comment={n}",
    ],
)
def test_a_page_given_an_out_of_range_number_in_its_query_ignores_it(
    client, demo_article, make_user, login, path
):
    make_user("mod@example.org", Role.MODERATOR)
    login(client, "mod@example.org")
    response = client.get(path.format(n=HUGE))
    assert response.status_code in (200, 302, 404)


@pytest.mark.parametrize("field", ["body", "author_name"])
def test_a_lone_surrogate_escape_in_json_is_refused_as_invalid_json(client, demo_article, field):
    fields = {"body": "A comment", "author_name": "Ann"}
    fields[field] += " \\ud800"
    raw = "{" + ", ".join(f'"{k}": "{v}"' for k, v in fields.items()) + "}"
    response = client.post(COMMENTS, data=raw, content_type="application/json")
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request"
    assert "surrogate" in error["message"]


def test_a_surrogate_pair_escape_is_an_ordinary_character(client, demo_article):
    raw = '{"body": "Rain \\ud83c\\udf27 all night", "author_name": "Ann"}'
    response = client.post(COMMENTS, data=raw, content_type="application/json")
    assert response.status_code in (201, 202)
    assert "Rain \U0001f327 all night" in response.get_json()["comment"]["html"]


def test_a_body_that_is_not_json_says_so(client, demo_article):
    response = client.post(COMMENTS, data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert "not valid JSON" in response.get_json()["error"]["message"]


@pytest.mark.parametrize("field", ["body", "author_name", "author_email"])
def test_a_nul_escape_in_json_is_refused_as_invalid_json(client, demo_article, field):
    fields = {"body": "A comment", "author_name": "Ann", "author_email": "ann@example.org"}
    fields[field] = fields[field].replace("@", "\\u0000@") + "\\u0000"
    raw = "{" + ", ".join(f'"{k}": "{v}"' for k, v in fields.items()) + "}"
    response = client.post(COMMENTS, data=raw, content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.get_json()["error"]["message"]


@pytest.mark.parametrize(
    "path",
    [
        "/a/de%00mo",
        "/a/x%00y/history",
        "/c/a%00b",
        "/api/v1/articles/%00",
        "/api/v1/articles/%00/revisions",
        "/api/v1/corrections/a%00b",
        "/a/demo/s/introduction/comments?after=1%00",
    ],
)
def test_a_nul_in_an_address_is_refused_with_a_message(client, demo_article, path):
    response = client.get(path)
    assert response.status_code == 400
    text = response.get_data(as_text=True)
    assert "NUL character" in text
    if path.startswith("/api/"):
        assert response.get_json()["error"]["code"] == "bad_request"


def test_a_nul_in_a_form_is_refused_and_nothing_is_stored(
    client, demo_article, session, csrf_token
):
    from corrections.models import Comment

    response = client.post(
        "/a/demo/s/introduction/comments",
        data={"csrf_token": csrf_token(client, "/a/demo"), "author_name": "A\x00nn", "body": "Hi"},
    )
    assert response.status_code == 400
    assert "NUL character" in response.get_data(as_text=True)
    assert session.query(Comment).count() == 0
