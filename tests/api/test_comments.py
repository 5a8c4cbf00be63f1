"""Threads through the API: reading published comments and posting with the right status."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from corrections.models import Comment, CommentStatus, Role
from corrections.services import tokens

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


def test_a_signed_in_browser_cookie_does_not_make_an_api_post_the_moderators(
    client, session, demo_article, make_user, login
):
    make_user("mod@example.org", Role.MODERATOR, display_name="The Moderator")
    assert login(client, "mod@example.org").status_code == 302
    response = client.post(URL, json={"body": "From a page elsewhere", "author_name": "Eve"})
    # The default mode holds first comments; the moderator's would have been published.
    assert response.status_code == 202
    comment = session.scalars(select(Comment)).one()
    assert comment.user_id is None and comment.author_name == "Eve"
    assert comment.status == CommentStatus.PENDING


def test_a_guest_without_a_name_is_told_to_give_one(client, demo_article):
    response = client.post(URL, json={"body": "Anonymous"})
    assert response.status_code == 422
    assert "author_name" in response.get_json()["error"]["fields"]


def test_an_api_token_posts_as_its_account(client, session, demo_article, make_user):
    moderator = make_user("mod@example.org", Role.MODERATOR, display_name="The Moderator")
    _token, plaintext = tokens.create_token(session, moderator, "script")
    response = client.post(
        URL, json={"body": "Staff note"}, headers={"Authorization": f"Bearer {plaintext}"}
    )
    assert response.status_code == 201
    assert response.get_json()["comment"]["author_name"] == "The Moderator"
    assert session.scalars(select(Comment.user_id)).one() == moderator.id


def test_a_wrong_api_token_is_a_401_and_posts_nothing(client, session, demo_article):
    response = client.post(
        URL, json={"body": "x", "author_name": "A"}, headers={"Authorization": "Bearer nope"}
    )
    assert response.status_code == 401 and "WWW-Authenticate" in response.headers
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


def test_the_openapi_document_describes_posting_a_comment(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    post = spec["paths"]["/api/v1/articles/{slug}/sections/{key}/comments"]["post"]
    assert {"201", "202", "401", "403", "404", "422", "429"} <= set(post["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in post["parameters"])
    assert {} in post["security"] and {"bearerAuth": []} in post["security"]


def test_an_idempotency_key_that_is_too_long_is_a_422(client, session, demo_article):
    response = client.post(
        URL, json={"body": "x", "author_name": "A"}, headers={"Idempotency-Key": "k" * 256}
    )
    assert response.status_code == 422
    assert session.scalar(select(func.count()).select_from(Comment)) == 0


@pytest.mark.parametrize("parent_id", [1.5, 1.0, "1", True, 2**31, 0])
def test_a_parent_id_must_be_a_whole_json_number_naming_a_comment(
    client, session, demo_article, post_mode, parent_id
):
    parent = client.post(URL, json={"body": "Parent", "author_name": "A"})
    assert parent.get_json()["comment"]["id"] == 1
    response = client.post(URL, json={"body": "Reply", "author_name": "B", "parent_id": parent_id})
    assert response.status_code == 422
    assert "parent_id" in response.get_json()["error"]["fields"]
    assert session.scalar(select(func.count()).select_from(Comment)) == 1


def test_a_reply_with_a_whole_parent_id_is_posted(client, session, demo_article, post_mode):
    parent = client.post(URL, json={"body": "Parent", "author_name": "A"}).get_json()
    reply = client.post(
        URL,
        json={"body": "Reply", "author_name": "B", "parent_id": parent["comment"]["id"]},
        environ_base={"REMOTE_ADDR": "10.0.9.1"},
    )
    assert reply.status_code == 201
    assert reply.get_json()["comment"]["parent_id"] == parent["comment"]["id"]
    assert client.get(URL + "?limit=1&after=0").status_code == 200  # query strings still parse


def test_a_thread_answers_304_until_a_comment_is_published_or_taken_down(
    client, session, demo_article, post_mode, make_user
):
    from corrections.services import moderation

    first = client.post(URL, json={"body": "First", "author_name": "Ann"}).get_json()
    listed = client.get(URL)
    etag = listed.headers["ETag"]
    assert listed.headers["Cache-Control"] == "public, no-cache"
    again = client.get(URL, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    # another page of the same thread is another validator
    assert client.get(URL + "?limit=1", headers={"If-None-Match": etag}).status_code == 200

    client.post(URL, json={"body": "Second", "author_name": "Bo"})
    published = client.get(URL, headers={"If-None-Match": etag})
    assert published.status_code == 200 and len(published.get_json()["comments"]) == 2
    etag = published.headers["ETag"]

    moderator = make_user("mod@example.org", Role.MODERATOR)
    moderation.reject_comment(session, moderator, first["comment"]["id"], "off_topic")
    taken_down = client.get(URL, headers={"If-None-Match": etag})
    assert taken_down.status_code == 200 and len(taken_down.get_json()["comments"]) == 1
