"""Which quoted words are marked on a page: current anchors on the latest version, the
words as quoted on an earlier one, and only published comments' quotes."""

from __future__ import annotations

from sqlalchemy import select

from corrections.models import Anchor, AnchorState, CommentStatus
from corrections.services import articles, comments, quote_marks, threads
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput

QUOTED = "118 millimetres of rain"


def quote(session, words=QUOTED, mode="post", network="net-a"):
    return comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body=f"About {words}",
        submitter=Submitter(secret="s", name="Ann", network_hash=network),
        site_mode=mode,
        quote=QuoteInput(words),
    ).comment


def marks_of(session, number=None):
    view = articles.read_article(session, "demo", number)
    by_section = threads.article_threads(
        session, view.article.id, [s.section_id for s in view.sections], threads.Viewer()
    )
    shown = [c for t in by_section.values() for c in t.comments]
    found = quote_marks.section_marks(view.sections, shown, latest=view.is_latest)
    texts = {s.section_id: s.text for s in view.sections}
    return {
        (m.anchor_id, texts[section_id][m.start : m.end])
        for section_id, marks in found.items()
        for m in marks
    }


def revise(session, demo_text, old, new):
    assert old in demo_text
    articles.import_article(session, demo_text.replace(old, new), slug="demo", new_revision=True)
    return demo_text.replace(old, new)


def test_a_published_quote_is_marked_on_the_latest_version(session, demo_article):
    comment = quote(session)
    assert marks_of(session) == {(comment.anchor_id, QUOTED)}


def test_a_held_quote_is_not_marked(session, demo_article):
    comment = quote(session, mode="pre")
    assert comment.status == CommentStatus.PENDING
    assert marks_of(session) == set()


def test_a_quote_carried_through_an_edit_marks_its_new_place(session, demo_article, demo_text):
    comment = quote(session)
    revise(session, demo_text, "The Met Office recorded", "Forecasters at the Met Office recorded")
    anchor = session.get(Anchor, comment.anchor_id)
    assert anchor.state == AnchorState.CURRENT and anchor.current_start != anchor.start
    assert marks_of(session) == {(comment.anchor_id, QUOTED)}
    # Version 1 still shows the words where they were quoted.
    assert marks_of(session, 1) == {(comment.anchor_id, QUOTED)}


def test_an_orphaned_quote_is_marked_only_on_the_version_it_was_made_against(
    session, demo_article, demo_text
):
    comment = quote(session)
    revise(session, demo_text, "118 millimetres of rain", "a great deal of rain")
    assert session.get(Anchor, comment.anchor_id).state == AnchorState.ORPHANED
    assert marks_of(session) == set()
    assert marks_of(session, 1) == {(comment.anchor_id, QUOTED)}


def test_a_quote_made_on_a_later_version_is_not_marked_where_its_words_differ(
    session, demo_article, demo_text
):
    revise(session, demo_text, "118 millimetres", "121 millimetres")
    comment = quote(session, words="121 millimetres of rain")
    assert marks_of(session) == {(comment.anchor_id, "121 millimetres of rain")}
    assert marks_of(session, 1) == set()


def test_the_latest_version_never_marks_outside_the_text():
    position = threads.QuotePosition(
        anchor_id=1,
        revision_id=1,
        start=0,
        end=5,
        exact="Hello",
        prefix="",
        suffix="",
        state=AnchorState.CURRENT,
        current_start=3,
        current_end=50,
    )
    assert quote_marks.place(position, "Hello world", latest=True) is None
    assert quote_marks.place(position, "Hello world", latest=False) == (0, 5)
    assert quote_marks.place(position, "Jello world", latest=False) is None


def test_context_must_match_on_an_earlier_version():
    position = threads.QuotePosition(
        anchor_id=1,
        revision_id=1,
        start=4,
        end=9,
        exact="world",
        prefix="big ",
        suffix=" news",
        state=AnchorState.ORPHANED,
        current_start=4,
        current_end=9,
    )
    assert quote_marks.place(position, "big world news", latest=False) == (4, 9)
    assert quote_marks.place(position, "odd world news", latest=False) is None
    assert quote_marks.place(position, "big world view", latest=False) is None


def test_each_comment_of_a_thread_carries_where_its_quote_lies(session, demo_article):
    quote(session)
    quote(session, words="Ashcombe Moor", network="net-b")
    assert session.scalar(select(Anchor.id).limit(1)) is not None
    view = articles.read_article(session, "demo")
    by_section = threads.article_threads(
        session, view.article.id, [s.section_id for s in view.sections], threads.Viewer()
    )
    positions = [c.quote_position for t in by_section.values() for c in t.comments]
    assert all(p is not None and p.exact for p in positions) and len(positions) == 2
