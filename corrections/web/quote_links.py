"""The marks of quoted words on an article page, and the links between them and comments.

A mark leads back to its comment: ``#c-<id>`` when the comment is on the page, else the
thread's page that starts at it. A link ``?q=<anchor id>#q-<anchor id>`` (from a comment on
a "show more" page, or an orphaned quote's "read these words in version N") marks that
anchor's words even when its comment is not among those the page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy.orm import Session

from corrections.i18n import _
from corrections.services import quote_marks, threads
from corrections.services.articles import ArticleView
from corrections.text.highlight import Mark


@dataclass
class PageMarks:
    by_section: dict[int, list[Mark]] = field(default_factory=dict)
    anchor_ids: set[int] = field(default_factory=set)  # quotes whose words are marked here


def page_marks(
    session: Session,
    view: ArticleView,
    by_section: dict[int, threads.Thread],
    linked_anchor: int | None = None,
) -> PageMarks:
    """The marks of ``view``'s page; ``linked_anchor`` (``?q=``) costs one query."""
    shown = [c for thread in by_section.values() for c in thread.comments]
    on_page = {c.id for c in shown}
    comments = list(shown)
    if linked_anchor is not None:
        linked = threads.quoting_comment(session, view.article.id, linked_anchor)
        if linked is not None and linked.id not in on_page:
            comments.append(linked)
    keys = {s.section_id: s.key for s in view.sections}
    marks = PageMarks()
    found = quote_marks.section_marks(view.sections, comments, latest=view.is_latest)
    for section_id, quoted in found.items():
        for words in quoted:
            if words.comment_id in on_page:
                href = f"#c-{words.comment_id}"
            else:
                href = url_for(
                    "threads.page",
                    slug=view.article.slug,
                    key=keys[section_id],
                    after=words.comment_id - 1,
                    _anchor=f"c-{words.comment_id}",
                )
            label = _("The comment by %(name)s quoting these words", name=words.author_name)
            marks.by_section.setdefault(section_id, []).append(
                Mark(words.anchor_id, words.start, words.end, href, label)
            )
            marks.anchor_ids.add(words.anchor_id)
    return marks
