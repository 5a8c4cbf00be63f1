"""Carrying anchors forward costs what changed: anchors of untouched sections are not read."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, select

from corrections.extensions import db
from corrections.models import Anchor, AnchorState, Section
from corrections.services import articles


def add_anchors(session, slug, key, words, count):
    view = articles.read_article(session, slug)
    section = next(s for s in view.sections if s.key == key)
    start = section.text.index(words)
    session.add_all(
        Anchor(
            section_id=section.section_id,
            revision_id=view.revision.id,
            start=start,
            end=start + len(words),
            exact=words,
            current_revision_id=view.revision.id,
            current_start=start,
            current_end=start + len(words),
        )
        for _ in range(count)
    )
    session.commit()


@contextmanager
def watching():
    """Anchor rows loaded into the session, and SQL statements that read the anchors table."""
    seen = {"loaded": 0, "statements": 0}

    def loaded(_target, _context):
        seen["loaded"] += 1

    def statement(_conn, _cursor, sql, *_args):
        if "anchors" in sql and sql.lstrip().upper().startswith("SELECT"):
            seen["statements"] += 1

    event.listen(Anchor, "load", loaded)
    event.listen(db.engine, "before_cursor_execute", statement)
    try:
        yield seen
    finally:
        event.remove(Anchor, "load", loaded)
        event.remove(db.engine, "before_cursor_execute", statement)


def test_a_new_revision_reads_only_the_anchors_of_the_sections_it_changes(session, demo_text):
    costs = {}
    for slug, untouched in (("few", 5), ("many", 400)):
        articles.import_article(session, demo_text, slug=slug)
        add_anchors(session, slug, "introduction", "412 homes", 3)  # its section changes
        add_anchors(session, slug, "what-now", "£86,000", untouched)  # its section does not
        add_anchors(session, slug, "what-happened", "190 rescues", untouched)
        changed = demo_text.replace("3 people were confirmed dead", "4 people were confirmed dead")
        with watching() as seen:
            articles.import_article(session, changed, slug=slug, new_revision=True)
        costs[slug] = seen

    assert costs["few"]["loaded"] == costs["many"]["loaded"] == 3
    assert costs["few"]["statements"] == costs["many"]["statements"]
    session.expire_all()
    intro = session.scalars(
        select(Anchor)
        .join(Section, Anchor.section_id == Section.id)
        .where(Section.key == "introduction", Anchor.exact == "412 homes")
    ).all()
    assert len(intro) == 6 and {a.state for a in intro} == {AnchorState.CURRENT}
    assert {a.current_revision_id for a in intro} != {1}  # carried onto the new versions
