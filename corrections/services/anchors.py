"""Pinning a reader's quote to the words of a section in the latest revision."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from corrections.models import Anchor, Article, Revision
from corrections.services.articles import (
    SectionView,
    latest_section_view,
    readable_section_view,
)
from corrections.services.errors import Invalid
from corrections.text.anchoring import Anchor as TextAnchor
from corrections.text.anchoring import QuoteError, find_quote


@dataclass(frozen=True)
class QuoteInput:
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class SectionTarget:
    """A section of an article's latest revision, as submissions address it."""

    article: Article
    revision: Revision
    section: SectionView

    @property
    def is_latest(self) -> bool:
        """False for a section a later version left out (its thread is read-only)."""
        return self.revision.id == self.article.current_revision_id


def latest_section(session: Session, slug: str, key: str) -> SectionTarget:
    """The section ``key`` of the latest revision (NotFound if the article or it is missing).

    Every comment and correction posted goes through here: it reads that one section, not
    the whole article with its updates."""
    return SectionTarget(*latest_section_view(session, slug, key))


def readable_section(session: Session, slug: str, key: str) -> SectionTarget:
    """The section ``key`` to read its thread: from the latest revision, or from the last
    one that had it when a later version left it out."""
    return SectionTarget(*readable_section_view(session, slug, key))


def locate_quote(target: SectionTarget, quote: QuoteInput) -> TextAnchor:
    """Where the quote is in the section's latest text; Invalid (naming the field) if it is
    not there once. Reads nothing, so a post can do it before taking the write lock."""
    try:
        return find_quote(
            target.section.text, quote.exact, prefix=quote.prefix, suffix=quote.suffix
        )
    except QuoteError as exc:
        raise Invalid(exc.message, fields={"quote": [exc.message]}) from exc


def anchor_row(section_id: int, revision_id: int, found: TextAnchor) -> Anchor:
    """A new Anchor row for words found in that revision's text of the section (not added)."""
    return Anchor(
        section_id=section_id,
        revision_id=revision_id,
        start=found.start,
        end=found.end,
        exact=found.exact,
        prefix=found.prefix,
        suffix=found.suffix,
        current_revision_id=revision_id,
        current_start=found.start,
        current_end=found.end,
    )


def make_anchor(session: Session, target: SectionTarget, quote: QuoteInput) -> Anchor:
    """Find the quote in the section's latest text and add an Anchor row (not committed)."""
    anchor = anchor_row(target.section.section_id, target.revision.id, locate_quote(target, quote))
    session.add(anchor)
    return anchor
