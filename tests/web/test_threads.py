"""Threads in the page, without JavaScript: posting, replying, editing, flagging, abuse rules."""

from __future__ import annotations

import time
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from sqlalchemy import func, select

from corrections.models import Comment, CommentStatus
from tests.forms import hidden_fields

ACTION = "/a/demo/s/what-happened/comments"


@pytest.fixture
def post_mode(app):
    app.config["CORRECTIONS_MODERATION_MODE"] = "post"
    app.config["FORM_MIN_SECONDS"] = 0


def fields_from_article(client, action=ACTION):
    return hidden_fields(client.get("/a/demo").get_data(as_text=True), action)


def send(client, body="A fair point.", name="Ann", action=ACTION, fields=None, **extra):
    data = fields if fields is not None else fields_from_article(client, action)
    data = {**data, "author_name": name, "author_email": "", "body": body, "quote": "", **extra}
    return client.post(action, data=data)


def comments_in(session):
    return session.scalars(select(Comment).order_by(Comment.id)).all()


def test_every_section_has_a_thread_with_a_count_and_a_form(client, demo_article):
    html = client.get("/a/demo").get_data(as_text=True)
    assert html.count('class="comment-form"') == 6  # the updates section has one too
    assert "0 comments" in html
    assert 'name="website"' in html and 'tabindex="-1"' in html  # the honeypot


def test_a_guest_comment_is_published_and_shown_beside_its_section(
    client, session, demo_article, post_mode
):
    response = send(client, body="**Bold** claim, see https://example.org")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/a/demo#c-{comments_in(session)[0].id}")
    html = client.get("/a/demo").get_data(as_text=True)
    assert "<strong>Bold</strong>" in html and 'rel="nofollow ugc noopener"' in html
    assert "1 comment<" in html and "Your comment is published." in html


def test_a_held_comment_is_visible_to_its_author_only(app, client, session, demo_article):
    app.config["FORM_MIN_SECONDS"] = 0
    send(client, body="Waiting words")
    assert comments_in(session)[0].status == CommentStatus.PENDING
    mine = client.get("/a/demo").get_data(as_text=True)
    assert "Waiting words" in mine and "awaiting moderation" in mine
    stranger = app.test_client().get("/a/demo").get_data(as_text=True)
    assert "Waiting words" not in stranger


def test_a_refused_comment_keeps_what_was_typed_and_names_the_field(
    client, session, demo_article, post_mode
):
    response = send(client, body="Keep these words", name="")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Keep these words" in html and 'aria-invalid="true"' in html
    assert "Your name is required." in html and 'aria-describedby="name-what-happened-err"' in html
    assert comments_in(session) == []


def test_a_quote_that_appears_twice_asks_for_more_words(client, session, demo_article, post_mode):
    response = send(client, quote="the")
    assert response.status_code == 422
    assert "include a few more words" in response.get_data(as_text=True)
    assert comments_in(session) == []


def test_a_comment_with_a_quote_shows_the_quoted_words(client, session, demo_article, post_mode):
    send(client, quote="118 millimetres of rain")
    assert comments_in(session)[0].anchor.exact == "118 millimetres of rain"
    assert "comment-quote" in client.get("/a/demo").get_data(as_text=True)


def test_the_honeypot_refuses_and_stores_nothing(client, session, demo_article, post_mode):
    response = send(client, website="http://spam.example")
    assert response.status_code == 422 and comments_in(session) == []


def test_a_form_sent_back_too_fast_is_refused(app, client, session, demo_article):
    app.config["FORM_MIN_SECONDS"] = 3
    response = send(client)
    assert response.status_code == 422
    assert "faster than a person can type" in response.get_data(as_text=True)
    assert comments_in(session) == []


def test_a_form_older_than_a_day_is_refused(client, session, demo_article, post_mode, monkeypatch):
    fields = fields_from_article(client)
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + 24.5 * 3600)
    response = send(client, fields=fields)
    assert "more than a day old" in response.get_data(as_text=True)
    assert comments_in(session) == []


def test_a_form_without_csrf_token_is_refused(client, session, demo_article, post_mode):
    fields = fields_from_article(client)
    fields.pop("csrf_token")
    response = send(client, fields=fields)
    assert response.status_code in (400, 422) and comments_in(session) == []


@pytest.mark.parametrize(
    ("status", "said"),
    [
        (CommentStatus.DELETED, "You deleted this comment before; it was not posted again."),
        (CommentStatus.REJECTED, "the moderators did not publish it; it was not posted again."),
        (CommentStatus.SPAM, "the moderators did not publish it; it was not posted again."),
    ],
)
def test_sending_a_form_again_after_its_comment_was_removed_says_so(
    client, session, demo_article, post_mode, status, said
):
    fields = fields_from_article(client)
    assert send(client, fields=fields).status_code == 303
    assert "Your comment is published." in client.get("/a/demo").get_data(as_text=True)
    comment = comments_in(session)[0]
    comment.status = status
    session.commit()
    again = send(client, fields=fields)
    assert again.status_code == 303 and again.headers["Location"].endswith("#s-what-happened")
    html = client.get("/a/demo").get_data(as_text=True)
    assert said in html and "Your comment is published." not in html
    assert len(comments_in(session)) == 1


def test_a_double_submit_makes_one_comment(client, session, demo_article, post_mode):
    fields = fields_from_article(client)
    first = send(client, fields=fields)
    second = send(client, fields=fields)
    assert first.status_code == second.status_code == 303
    assert len(comments_in(session)) == 1


@pytest.mark.rate_limited
def test_comments_are_rate_limited_with_retry_after(app, client, session, demo_article, post_mode):
    app.config["RATELIMIT_COMMENTS"] = "2 per minute"
    codes = [send(client, body=f"Comment {n}").status_code for n in range(2)]
    limited = send(client, body="Comment 9 *kept*", name="Ann Typed")
    assert codes == [303, 303]
    assert limited.status_code == 429
    assert int(limited.headers["Retry-After"]) > 0
    html = limited.get_data(as_text=True)
    # The form comes back with what was typed, in its section, and says why.
    assert "several comments in a short time" in html and 'role="alert"' in html
    assert "Comment 9 *kept*" in html and 'value="Ann Typed"' in html
    assert len(comments_in(session)) == 2


@pytest.mark.rate_limited
def test_the_form_and_the_api_share_one_comment_budget(
    app, client, session, demo_article, post_mode
):
    app.config["RATELIMIT_COMMENTS"] = "2 per minute"
    assert send(client, body="By the form").status_code == 303
    api = "/api/v1/articles/demo/sections/what-happened/comments"
    assert client.post(api, json={"body": "By the API", "author_name": "A"}).status_code == 201
    assert client.post(api, json={"body": "Third", "author_name": "A"}).status_code == 429
    assert send(client, body="Fourth").status_code == 429
    assert len(comments_in(session)) == 2


@pytest.mark.rate_limited
def test_refusals_for_a_field_error_do_not_use_up_the_budget(
    app, client, session, demo_article, post_mode
):
    app.config["RATELIMIT_COMMENTS"] = "2 per minute"
    api = "/api/v1/articles/demo/sections/what-happened/comments"
    for _ in range(3):
        assert send(client, body="No name yet", name="").status_code == 422
        assert client.post(api, json={"body": ""}).status_code == 422
    assert send(client, body="Now with a name").status_code == 303
    assert client.post(api, json={"body": "And here", "author_name": "A"}).status_code == 201
    assert send(client, body="One too many").status_code == 429


def test_reply_without_javascript_goes_through_a_reply_page(
    client, session, demo_article, post_mode
):
    send(client, body="Parent words")
    parent = comments_in(session)[0]
    page = client.get(f"/a/demo/s/what-happened/reply/{parent.id}")
    assert page.status_code == 200 and "Reply to Ann" in page.get_data(as_text=True)
    fields = hidden_fields(page.get_data(as_text=True), ACTION)
    assert fields["parent_id"] == str(parent.id)
    send(client, body="Child words", name="Bo", fields=fields)
    child = comments_in(session)[1]
    assert child.parent_id == parent.id
    html = client.get("/a/demo").get_data(as_text=True)
    assert html.index("Parent words") < html.index("Child words")


@pytest.mark.parametrize("parent_id", ["²", "9" * 30, str(2**63), "-1", "1.5", "abc"])
def test_a_reply_to_an_impossible_comment_id_is_a_form_error(
    client, session, demo_article, post_mode, parent_id
):
    response = send(client, body="Keep me", parent_id=parent_id)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The comment you are replying to is not in this thread." in html
    assert "Keep me" in html and comments_in(session) == []


def test_the_author_edits_and_deletes_within_fifteen_minutes(
    client, session, demo_article, post_mode
):
    send(client, body="Speling")
    comment = comments_in(session)[0]
    edit_page = client.get(f"/comments/{comment.id}/edit")
    assert edit_page.status_code == 200
    token = hidden_fields(edit_page.get_data(as_text=True))["csrf_token"]
    saved = client.post(
        f"/comments/{comment.id}/edit", data={"csrf_token": token, "body": "Spelling"}
    )
    assert saved.status_code == 303
    html = client.get("/a/demo").get_data(as_text=True)
    assert "Spelling" in html and "edited" in html
    deleted = client.post(f"/comments/{comment.id}/delete", data={"csrf_token": token})
    assert deleted.status_code == 303
    assert "Spelling" not in client.get("/a/demo").get_data(as_text=True)


def test_an_edit_that_adds_three_links_goes_back_to_review_in_post_mode(
    app, client, session, demo_article, post_mode
):
    send(client, body="Plain words")
    comment = comments_in(session)[0]
    token = hidden_fields(client.get(f"/comments/{comment.id}/edit").get_data(as_text=True))
    links = "https://a.example https://b.example https://c.example"
    saved = client.post(
        f"/comments/{comment.id}/edit", data={"csrf_token": token["csrf_token"], "body": links}
    )
    assert saved.status_code == 303
    session.refresh(comment)
    assert comment.status == CommentStatus.PENDING
    assert comment.hold_reason == "edited: more than 2 links"
    mine = client.get("/a/demo").get_data(as_text=True)
    assert "It awaits moderation" in mine and "awaiting moderation" in mine
    assert "b.example" not in app.test_client().get("/a/demo").get_data(as_text=True)


def test_the_edit_link_goes_when_the_fifteen_minutes_do(client, session, demo_article, post_mode):
    send(client, body="Quick words")
    comment = comments_in(session)[0]
    first = client.get("/a/demo")
    link = f'href="/comments/{comment.id}/edit">Edit or delete</a>'
    assert link in first.get_data(as_text=True)
    assert (
        client.get("/a/demo", headers={"If-None-Match": first.headers["ETag"]}).status_code == 304
    )
    comment.created_at = comment.created_at - timedelta(minutes=16)
    session.commit()
    later = client.get("/a/demo", headers={"If-None-Match": first.headers["ETag"]})
    assert later.status_code == 200  # the validator saw the window close
    html = later.get_data(as_text=True)
    assert "Quick words" in html and link not in html
    assert client.get(f"/comments/{comment.id}/edit").status_code == 403


def test_someone_else_cannot_edit_a_comment(app, client, session, demo_article, post_mode):
    send(client)
    comment = comments_in(session)[0]
    assert app.test_client().get(f"/comments/{comment.id}/edit").status_code == 403


def test_flagging_without_javascript(client, session, demo_article, post_mode):
    send(client)
    comment = comments_in(session)[0]
    page = client.get(f"/comments/{comment.id}/flag")
    token = hidden_fields(page.get_data(as_text=True))["csrf_token"]
    sent = client.post(f"/comments/{comment.id}/flag", data={"csrf_token": token, "reason": "spam"})
    assert sent.status_code == 303
    again = client.post(
        f"/comments/{comment.id}/flag", data={"csrf_token": token, "reason": "spam"}
    )
    assert again.status_code == 422 and "already" in again.get_data(as_text=True)
    session.refresh(comment)
    assert comment.flag_count == 1


def test_hostile_comments_are_shown_harmless(client, session, demo_article, post_mode):
    send(
        client,
        body="<img src=x onerror=alert(1)> [x](javascript:alert(1)) <svg onload=alert(1)>",
        name='<script>alert("name")</script>',
    )
    html = client.get("/a/demo").get_data(as_text=True)
    assert "<img" not in html and "<svg" not in html and 'href="javascript' not in html
    assert "onerror=alert(1)&gt;" in html  # shown as the text it is
    assert '<script>alert("name")' not in html and "&lt;script&gt;" in html


def test_show_more_pages_through_long_threads(client, session, demo_article):
    article_id = demo_article.id
    section_id = session.scalar(select(Comment.section_id).limit(1))  # none yet
    assert section_id is None
    from corrections.services.articles import read_article

    sid = next(s.section_id for s in read_article(session, "demo").sections if s.key == "what-now")
    for n in range(55):
        session.add(
            Comment(
                article_id=article_id,
                section_id=sid,
                author_name=f"R{n}",
                body_source="x",
                body_html=f"<p>number {n}</p>",
                status=CommentStatus.PUBLISHED,
            )
        )
    session.commit()
    html = client.get("/a/demo").get_data(as_text=True)
    assert "number 49<" in html and "number 50<" not in html and "Show more comments" in html
    last_id = session.scalar(select(func.min(Comment.id))) + 49
    more = client.get(f"/a/demo/s/what-now/comments?after={last_id}").get_data(as_text=True)
    assert "number 50<" in more and "number 54<" in more


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id" and value]


def repeated_ids(html: str) -> list[str]:
    parser = _Ids()
    parser.feed(html)
    return sorted({i for i in parser.ids if parser.ids.count(i) > 1})


def test_no_id_repeats_on_the_article_page_and_every_section_form_still_posts(
    client, session, demo_article, post_mode
):
    html = client.get("/a/demo").get_data(as_text=True)
    assert html.count('class="comment-form"') == 6
    assert repeated_ids(html) == []
    for name in ("csrf_token", "issued", "form_token", "parent_id", "quote_prefix"):
        assert f'id="{name}-what-now"' in html and f'name="{name}"' in html
    action = "/a/demo/s/what-now/comments"
    assert send(client, body="Last section", action=action).status_code == 303
    assert comments_in(session)[0].body_source == "Last section"


def test_no_id_repeats_on_a_page_with_comments_and_a_refused_form(
    client, session, demo_article, post_mode
):
    send(client, body="First", quote="118 millimetres of rain")
    refused = send(client, body="Nameless", name="")
    assert refused.status_code == 422
    assert repeated_ids(refused.get_data(as_text=True)) == []
    assert repeated_ids(client.get("/a/demo").get_data(as_text=True)) == []


def test_a_thread_page_answers_304_until_a_comment_is_published(app, client, session, demo_article):
    from corrections.services import comments
    from corrections.services.abuse import Submitter

    def post(body: str) -> None:
        comments.post_comment(
            session,
            slug="demo",
            section_key="what-now",
            body=body,
            submitter=Submitter(secret="s", name="Bo"),
            site_mode="post",
        )

    post("First")
    first = client.get("/a/demo/s/what-now/comments")
    etag = first.headers["ETag"]
    assert "private" in first.headers["Cache-Control"]
    again = client.get("/a/demo/s/what-now/comments", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    post("Second")
    changed = client.get("/a/demo/s/what-now/comments", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and "Second" in changed.get_data(as_text=True)
