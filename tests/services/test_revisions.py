"""Publishing a revision: every way of making one treats the quotes of the sections it leaves
out the same (they refer to an earlier version from then on)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from corrections.models import Anchor, AnchorState, Role
from corrections.services import articles, author_revisions, comments, decisions, drafts
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.former_sections import former_sections
from corrections.text.article_format import parse_article


def quote(app, session, key, words):
    submitter = Submitter(secret=app.config["SECRET_KEY"], name="Ann", network_hash="net")
    return comments.post_comment(
        session,
        slug="demo",
        section_key=key,
        body=f"About “{words}”.",
        submitter=submitter,
        site_mode="post",
        quote=QuoteInput(words),
    ).comment


def without_what_now(text: str) -> str:
    start = text.index("WHAT NOW?")
    return text[:start] + text[text.index("A LONGER VIEW") :]


def by_import(session, author, text):
    articles.import_article(session, text, slug="demo", new_revision=True, summary="From a file")


def by_upload(session, author, text):
    author_revisions.upload_revision(session, author, "demo", text.encode(), "Uploaded")


def by_draft(session, author, text):
    """The author types the file's sections into the editor (a new heading: a new section)."""
    draft = drafts.open_draft(session, author, "demo")
    keys = {item["key"] for item in draft.sections}
    items = [
        {"key": s.key if s.key in keys else None, "heading": s.heading, "text": s.text}
        for s in parse_article(text).sections
        if s.kind == "body"
    ]
    draft = drafts.save_draft(
        session, author, "demo", [*items, draft.sections[-1]], "", draft.version
    )
    drafts.publish_draft(session, author, "demo", "Edited", draft.version)


WAYS = pytest.mark.parametrize("publish", [by_import, by_upload, by_draft])


@pytest.fixture
def author(make_user, demo_article):
    return make_user("author@example.org", Role.AUTHOR)


@WAYS
def test_quotes_of_a_dropped_section_are_orphaned_however_the_revision_is_made(
    app, session, author, demo_text, publish
):
    gone = quote(app, session, "what-now", "£86,000")
    kept = quote(app, session, "what-happened", "190 rescues")
    publish(session, author, without_what_now(demo_text))
    session.expire_all()
    assert session.get(Anchor, gone.anchor_id).state == AnchorState.ORPHANED
    untouched = session.get(Anchor, kept.anchor_id)
    assert untouched.state == AnchorState.CURRENT and untouched.current_revision_id == 1


@WAYS
def test_quotes_of_a_renamed_section_are_orphaned_and_its_thread_is_listed(
    app, session, author, demo_text, publish
):
    quoted = quote(app, session, "what-now", "£86,000")
    publish(session, author, demo_text.replace("WHAT NOW?", "WHAT NEXT?"))
    session.expire_all()
    assert session.get(Anchor, quoted.anchor_id).state == AnchorState.ORPHANED
    view = articles.read_article(session, "demo")
    assert "what-next" in [s.key for s in view.sections]
    [former] = former_sections(session, view.article.id, [s.section_id for s in view.sections])
    assert (former.key, former.heading, former.last_number) == ("what-now", "WHAT NOW?", 1)


def test_a_revision_keeping_every_section_orphans_nothing(app, session, make_user, demo_article):
    quoted = quote(app, session, "what-now", "£86,000")
    moderator = make_user("mod@example.org", Role.MODERATOR)
    decisions.add_update(session, moderator, "demo", "An update by hand.")
    session.expire_all()
    anchor = session.get(Anchor, quoted.anchor_id)
    assert anchor.state == AnchorState.CURRENT


def test_a_section_removed_then_restored_keeps_its_orphaned_quotes_orphaned(
    app, session, author, demo_text
):
    quoted = quote(app, session, "what-now", "£86,000")
    by_import(session, author, without_what_now(demo_text))
    by_import(session, author, demo_text)
    session.expire_all()
    assert session.get(Anchor, quoted.anchor_id).state == AnchorState.ORPHANED
    view = articles.read_article(session, "demo")
    assert former_sections(session, view.article.id, [s.section_id for s in view.sections]) == []
    orphaned = session.scalars(select(Anchor).where(Anchor.state == AnchorState.ORPHANED)).all()
    assert [a.id for a in orphaned] == [quoted.anchor_id]
