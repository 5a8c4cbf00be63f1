"""Threads through the API: reading published comments and posting with the right status."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from corrections.models import Comment

URL = "/api/v1/articles/demo/sections/what-happened/comments"


@pytest.fixture
def post_mode(app):
    app.config["CORRECTIONS_MODERATION_MODE"] = "post"


def test_a_published_comment_answers_201_and_is_listed(client, demo_article, post_mode):
    response = client.post(URL, json={"body": "Good *point*", "author_name": "Ann"})
    assert response.status_code == 201
    body = response.get_json()
    assert body["status"] == "published"
    assert body["comment"]["html"] == "<p>Good <em>point</em></p>\n"
    listed = client.get(URL).get_json()
    assert [c["id"] for c in listed["comments"]] == [body["comment"]["id"]]
    assert listed["next"] is None
    assert set(listed["comments"][0]) == {
        "id",
        "parent_id",
        "author_name",
        "html",
        "quote",
        "created_at",
        "edited_at",
    }


def test_a_held_comment_answers_202_pending_and_is_not_listed(client, demo_article):
    response = client.post(URL, json={"body": "Hello", "author_name": "Ann"})
    assert response.status_code == 202
    assert response.get_json()["status"] == "pending"
    assert client.get(URL).get_json()["comments"] == []


def test_invalid_bodies_get_422_with_field_errors(client, demo_article):
    response = client.post(URL, json={"body": "", "author_name": "", "extra": 1})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert {"body", "author_name", "extra"} <= set(error["fields"])


def test_a_quote_that_is_not_in_the_section_is_a_field_error(client, demo_article):
    response = client.post(
        URL, json={"body": "x", "author_name": "A", "quote": {"exact": "not in the text"}}
    )
    assert response.status_code == 422
    assert "quote" in response.get_json()["error"]["fields"]


def test_the_same_idempotency_key_makes_one_comment(client, session, demo_article, post_mode):
    headers = {"Idempotency-Key": "abc-123"}
    first = client.post(URL, json={"body": "Once", "author_name": "A"}, headers=headers)
    second = client.post(URL, json={"body": "Once", "author_name": "A"}, headers=headers)
    assert first.get_json()["comment"]["id"] == second.get_json()["comment"]["id"]
    assert session.scalar(select(func.count()).select_from(Comment)) == 1


def test_pages_follow_the_next_cursor(client, session, demo_article, post_mode):
    for n in range(5):
        client.post(
            URL,
            json={"body": f"c{n}", "author_name": f"A{n}"},
            environ_base={"REMOTE_ADDR": f"10.0.{n}.1"},
        )
    first = client.get(URL + "?limit=3").get_json()
    assert len(first["comments"]) == 3 and first["next"]
    second = client.get(URL + f"?limit=3&after={first['next']}").get_json()
    assert len(second["comments"]) == 2 and second["next"] is None


def test_a_bad_cursor_or_limit_is_a_422(client, demo_article):
    assert client.get(URL + "?after=abc").status_code == 422
    assert client.get(URL + "?limit=0").status_code == 422


@pytest.mark.parametrize("after", ["²", "99999999999999999999999", str(2**63), "-5", "1.5"])
def test_a_cursor_that_names_no_comment_is_the_cursor_422(client, demo_article, after):
    response = client.get(URL, query_string={"after": after})
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["message"] == "The cursor is not valid." and "after" in error["fields"]


def test_unknown_sections_are_404_json(client, demo_article):
    response = client.get("/api/v1/articles/demo/sections/nope/comments")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


@pytest.mark.rate_limited
def test_posting_is_rate_limited_with_a_json_429(app, client, demo_article):
    app.config["RATELIMIT_COMMENTS"] = "1 per minute"
    client.post(URL, json={"body": "one", "author_name": "A"})
    limited = client.post(URL, json={"body": "two", "author_name": "A"})
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0
