"""Posting and editing a comment hold the write lock (``begin_write``) only for the write.

The section, the quote, the word lists and the rendering are worked out first; what a
concurrent request can change meanwhile (a ban, a new revision, the parent, a twin of a
double submit) is checked again inside the write transaction. "Meanwhile" is simulated by
doing it through another session just before the write transaction begins.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from corrections.db import begin_write
from corrections.extensions import db
from corrections.models import Anchor, Ban, BanKind, Comment, CommentStatus
from corrections.services import abuse, anchors, articles, comments
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.errors import Forbidden, Invalid

SECRET = "test-secret"
WORDS = "118 millimetres of rain"


def post(session, body="A fair point.", network="net-a", **kw):
    return comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body=body,
        submitter=Submitter(secret=SECRET, name="Ann", network_hash=network),
        site_mode="post",
        **kw,
    )


def count(session, model=Comment) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def meanwhile(monkeypatch):
    """``meanwhile(action)``: run ``action(other_session)`` and commit it just before the
    service begins its write transaction, as a concurrent request would."""

    def arrange(action: Callable[[Session], object]) -> None:
        # A request's session starts empty; this one holds the fixtures' objects as they
        # were committed (expire_on_commit is off), which the service would take as read.
        db.session.expire_all()
        pending = [action]

        def interleaved(session: Session) -> None:
            if pending:  # once: the action itself may post, and so begin a write
                with Session(db.engine) as other:
                    pending.pop()(other)
                    other.commit()
            begin_write(session)

        monkeypatch.setattr(comments, "begin_write", interleaved)

    return arrange


@pytest.fixture
def calls_in_write(app, monkeypatch):
    """Each call of the costly steps, with whether a write transaction was open at the time."""
    writing = False

    def began(session: Session) -> None:
        nonlocal writing
        begin_write(session)
        writing = True

    def ended(_conn) -> None:
        nonlocal writing
        writing = False

    monkeypatch.setattr(comments, "begin_write", began)
    for name in ("commit", "rollback"):
        event.listen(db.engine, name, ended)
    calls: list[tuple[str, bool]] = []
    for module, name in [
        (comments, "render_markdown"),
        (abuse, "render_markdown"),
        (abuse, "matching_words"),
        (anchors, "find_quote"),
    ]:
        real = getattr(module, name)

        def watched(*args, _real=real, _name=name, **kwargs):
            calls.append((_name, writing))
            return _real(*args, **kwargs)

        monkeypatch.setattr(module, name, watched)
    yield calls
    for name in ("commit", "rollback"):
        event.remove(db.engine, name, ended)


def test_a_post_renders_matches_and_finds_its_quote_before_the_write_lock(
    session, demo_article, calls_in_write
):
    assert post(session, body="See *this*", quote=QuoteInput(WORDS)).created
    assert {name for name, _ in calls_in_write} == {
        "render_markdown",
        "matching_words",
        "find_quote",
    }
    assert [name for name, writing in calls_in_write if writing] == []


def test_an_edit_renders_and_matches_before_the_write_lock(session, demo_article, calls_in_write):
    result = post(session, body="Frist")
    calls_in_write.clear()
    comments.edit_comment(
        session,
        result.comment.id,
        "First",
        user=None,
        edit_secret=result.edit_secret,
        site_mode="post",
        secret=SECRET,
    )
    assert session.get(Comment, result.comment.id).body_html.strip() == "<p>First</p>"
    assert {name for name, _ in calls_in_write} == {"render_markdown", "matching_words"}
    assert [name for name, writing in calls_in_write if writing] == []


def test_a_ban_made_while_the_post_was_prepared_refuses_it(session, demo_article, meanwhile):
    meanwhile(lambda other: other.add(Ban(kind=BanKind.NETWORK, value_hash="net-a", label="n")))
    with pytest.raises(Forbidden, match="network is blocked"):
        post(session, quote=QuoteInput(WORDS))
    assert count(session) == 0 and count(session, Anchor) == 0


def test_a_revision_published_while_the_post_was_prepared_gets_the_anchor(
    session, demo_article, demo_text, meanwhile
):
    moved = demo_text.replace("The Met Office recorded", "On Wednesday the Met Office recorded")
    meanwhile(lambda other: articles.import_article(other, moved, slug="demo", new_revision=True))
    anchor = post(session, quote=QuoteInput(WORDS)).comment.anchor
    session.refresh(demo_article)
    latest = demo_article.current_revision_id
    assert anchor.revision_id == anchor.current_revision_id == latest
    text = articles.latest_section_view(session, "demo", "what-happened")[2].text
    assert text[anchor.start : anchor.end] == WORDS


def test_a_revision_that_drops_the_quoted_words_meanwhile_refuses_the_quote(
    session, demo_article, demo_text, meanwhile
):
    gone = demo_text.replace(WORDS, "a great deal of rain")
    meanwhile(lambda other: articles.import_article(other, gone, slug="demo", new_revision=True))
    with pytest.raises(Invalid) as caught:
        post(session, quote=QuoteInput(WORDS))
    assert "quote" in caught.value.fields
    assert count(session) == 0 and count(session, Anchor) == 0


def test_a_parent_removed_while_the_reply_was_prepared_is_refused(session, demo_article, meanwhile):
    parent = post(session).comment.id

    def reject(other: Session) -> None:
        other.get(Comment, parent).status = CommentStatus.REJECTED

    meanwhile(reject)
    with pytest.raises(Invalid, match="not in this thread"):
        post(session, body="Reply", network="net-b", parent_id=parent)
    assert count(session) == 1


@pytest.mark.parametrize("network", ["net-a", "net-b"])  # its repeat check; its key alone
def test_a_double_submit_stored_while_the_repeat_was_prepared_makes_one_comment(
    session, demo_article, meanwhile, network
):
    meanwhile(lambda other: post(other, network=network, idempotency_key="k1"))
    repeat = post(session, idempotency_key="k1")
    assert not repeat.created and repeat.comment.network_hash == network
    assert count(session) == 1


def test_the_same_text_stored_while_it_was_prepared_is_refused(session, demo_article, meanwhile):
    meanwhile(lambda other: post(other))
    with pytest.raises(Invalid, match="same text"):
        post(session)
    assert count(session) == 1
