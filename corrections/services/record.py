"""The public record of an article's changes: its history, any two versions compared, the
log of accepted corrections, and the entries of its Atom feed.

Everything here only reads. The HTML pages and the API call the same functions, so "what
changed between two versions" is decided once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased, joinedload, selectinload

from corrections.i18n import _, _l
from corrections.models import (
    Article,
    Correction,
    CorrectionKind,
    CorrectionStatus,
    Revision,
    RevisionKind,
    RevisionSection,
    Section,
    SectionKind,
    SectionText,
    Update,
)
from corrections.services.articles import UpdateView, get_article
from corrections.services.errors import NotFound
from corrections.text import diff
from corrections.text.diff import SectionDiff

# How a revision's kind reads in the history and the feed.
KIND_WORDS = {
    RevisionKind.IMPORT: _l("Imported text"),
    RevisionKind.EDIT: _l("Edited"),
    RevisionKind.UPDATE: _l("Update published"),
}
FEED_SIZE = 50
# Feed ids must never change, wherever the site is served from: UUIDs derived from this
# namespace and the article's slug and creation time (so a re-created slug gets new ids).
_FEED_NAMESPACE = uuid.UUID("6f0b9f7e-2d43-5c1e-9a57-7c0a4d3e8b21")


# History ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class History:
    article: Article
    revisions: list[Revision]  # newest first
    minor_hidden: int  # minor revisions left out of ``revisions``
    minor_total: int


def history(session: Session, slug: str, *, include_minor: bool = False) -> History:
    """Every revision, newest first; minor ones only when asked for."""
    article = get_article(session, slug)
    query = (
        select(Revision)
        .options(joinedload(Revision.created_by))
        .where(Revision.article_id == article.id)
        .order_by(Revision.number.desc())
    )
    if not include_minor:
        query = query.where(Revision.is_minor.is_(False))
    minor_total = session.scalar(
        select(func.count())
        .select_from(Revision)
        .where(Revision.article_id == article.id, Revision.is_minor.is_(True))
    )
    revisions = list(session.scalars(query))
    minor_total = minor_total or 0
    return History(article, revisions, 0 if include_minor else minor_total, minor_total)


# Comparing two versions -------------------------------------------------------------------


@dataclass(frozen=True)
class Comparison:
    """Version ``old`` compared with version ``new``, in that direction.

    ``sections`` is the word-level difference of every section (in ``new``'s order). The
    UPDATE section has no text of its own: its difference is ``updates_added`` (published
    after ``old``, up to ``new``) or, when comparing backwards, ``updates_removed``.
    """

    article: Article
    old: Revision
    new: Revision
    sections: list[SectionDiff]
    updates_key: str | None
    updates_added: list[UpdateView]
    updates_removed: list[UpdateView]

    @property
    def same(self) -> bool:
        return self.old.number == self.new.number

    @property
    def changed_sections(self) -> list[SectionDiff]:
        return [s for s in self.sections if is_changed(s)]


def is_changed(section: SectionDiff) -> bool:
    return section.status != "unchanged" or section.renamed or section.moved


def compare(session: Session, slug: str, a: int, b: int) -> Comparison:
    """Compare version ``a`` with version ``b`` of an article (either order)."""
    article = get_article(session, slug)
    found = {
        r.number: r
        for r in session.scalars(
            select(Revision)
            .options(joinedload(Revision.created_by))
            .where(Revision.article_id == article.id, Revision.number.in_({a, b}))
        )
    }
    for number in (a, b):
        if number not in found:
            raise NotFound(
                _("%(title)s has no version %(number)s.", title=repr(article.title), number=number)
            )
    old, new = found[a], found[b]
    old_sections, old_kinds = _sections(session, old.id)
    new_sections, new_kinds = (old_sections, old_kinds) if a == b else _sections(session, new.id)
    kinds = {**old_kinds, **new_kinds}
    updates_key = next((k for k, kind in kinds.items() if kind == SectionKind.UPDATES), None)
    between = _updates_between(session, article, min(a, b), max(a, b))
    return Comparison(
        article=article,
        old=old,
        new=new,
        sections=diff.diff_sections(old_sections, new_sections),
        updates_key=updates_key,
        updates_added=between if b > a else [],
        updates_removed=between if a > b else [],
    )


def _sections(
    session: Session, revision_id: int
) -> tuple[list[diff.SectionText], dict[str, SectionKind]]:
    rows = session.execute(
        select(Section.key, Section.kind, SectionText.heading, SectionText.body)
        .select_from(RevisionSection)
        .join(Section, RevisionSection.section_id == Section.id)
        .join(SectionText, RevisionSection.text_id == SectionText.id)
        .where(RevisionSection.revision_id == revision_id)
        .order_by(RevisionSection.position)
    ).all()
    texts = [diff.SectionText(key, heading, body) for key, _, heading, body in rows]
    return texts, {key: kind for key, kind, _, _ in rows}


def _updates_between(session: Session, article: Article, low: int, high: int) -> list[UpdateView]:
    """Updates published by a revision numbered in (low, high], oldest first."""
    if low == high:
        return []
    return [
        UpdateView(u.number, u.body, u.published_at, number)
        for u, number in session.execute(
            select(Update, Revision.number)
            .join(Revision, Update.revision_id == Revision.id)
            .where(
                Update.article_id == article.id,
                Revision.number > low,
                Revision.number <= high,
            )
            .order_by(Update.number)
        )
    ]


# The corrections log ----------------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    url: str
    domain: str


@dataclass(frozen=True)
class LoggedCorrection:
    """An accepted correction or clarification, as the public log shows it."""

    update_number: int
    published_at: datetime
    revision_number: int
    kind: CorrectionKind
    quote: str  # the words as they were when the reader quoted them
    section_key: str
    section_heading: str  # as of the version the words were quoted in
    update_text: str
    text_applied: bool
    applied_revision_number: int | None  # the version whose text first had the fix
    sources: list[Source]


@dataclass(frozen=True)
class CorrectionsLog:
    article: Article
    entries: list[LoggedCorrection]  # newest first


def corrections_log(session: Session, slug: str) -> CorrectionsLog:
    """Every accepted correction and clarification of an article, newest first."""
    article = get_article(session, slug)
    applied_in = aliased(Revision)
    rows = session.execute(
        select(Correction, Update, Revision.number, applied_in.number)
        .join(Update, Correction.update_id == Update.id)
        .join(Revision, Update.revision_id == Revision.id)
        .outerjoin(applied_in, Correction.applied_revision_id == applied_in.id)
        .options(joinedload(Correction.anchor), selectinload(Correction.links))
        .where(
            Correction.article_id == article.id,
            Correction.status == CorrectionStatus.ACCEPTED,
        )
        .order_by(Update.number.desc())
    ).all()
    headings = _quoted_headings(session, [c for c, _, _, _ in rows])
    entries = [
        LoggedCorrection(
            update_number=update.number,
            published_at=update.published_at,
            revision_number=number,
            kind=correction.kind,
            quote=correction.anchor.exact,
            section_key=headings[correction.id][0],
            section_heading=headings[correction.id][1],
            update_text=update.body,
            text_applied=correction.text_applied,
            applied_revision_number=applied_number,
            sources=[Source(link.url, link.domain) for link in correction.links],
        )
        for correction, update, number, applied_number in rows
    ]
    return CorrectionsLog(article, entries)


def _quoted_headings(session: Session, corrections: list[Correction]) -> dict[int, tuple[str, str]]:
    """{correction id: (section key, heading in the version the words were quoted in)}."""
    if not corrections:
        return {}
    wanted = {(c.anchor.revision_id, c.anchor.section_id) for c in corrections}
    rows = session.execute(
        select(RevisionSection.revision_id, Section.id, Section.key, SectionText.heading)
        .join(Section, RevisionSection.section_id == Section.id)
        .join(SectionText, RevisionSection.text_id == SectionText.id)
        .where(
            RevisionSection.revision_id.in_({r for r, _ in wanted}),
            RevisionSection.section_id.in_({s for _, s in wanted}),
        )
    )
    found = {(rev, sid): (key, heading) for rev, sid, key, heading in rows}
    return {
        c.id: found.get((c.anchor.revision_id, c.anchor.section_id), ("", "")) for c in corrections
    }


# The Atom feed ----------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedEntry:
    kind: Literal["update", "revision"]
    number: int
    id: str  # a urn:uuid that never changes
    title: str
    text: str
    at: datetime
    revision_number: int
    author: str | None


@dataclass(frozen=True)
class Feed:
    article: Article
    id: str
    entries: list[FeedEntry]  # newest first

    @property
    def updated(self) -> datetime:
        if self.entries:
            return max(e.at for e in self.entries)
        return self.article.created_at


def feed(session: Session, slug: str, *, size: int = FEED_SIZE) -> Feed:
    """The newest ``size`` updates and visible revisions of an article, newest first."""
    article = get_article(session, slug)
    updates = session.execute(
        select(Update, Revision.number)
        .join(Revision, Update.revision_id == Revision.id)
        .options(joinedload(Update.revision).joinedload(Revision.created_by))
        .where(Update.article_id == article.id)
        .order_by(Update.number.desc())
        .limit(size)
    ).all()
    revisions = session.scalars(
        select(Revision)
        .options(joinedload(Revision.created_by))
        .where(Revision.article_id == article.id, Revision.is_minor.is_(False))
        .order_by(Revision.number.desc())
        .limit(size)
    ).all()
    entries = [
        FeedEntry(
            kind="update",
            number=u.number,
            id=_feed_id(article, f"update/{u.number}"),
            title=_("Update %(number)s: %(text)s", number=u.number, text=_shorten(u.body)),
            text=u.body,
            at=u.published_at,
            revision_number=number,
            author=u.revision.created_by.display_name if u.revision.created_by else None,
        )
        for u, number in updates
    ] + [
        FeedEntry(
            kind="revision",
            number=r.number,
            id=_feed_id(article, f"revision/{r.number}"),
            title=_("Version %(number)s: %(summary)s", number=r.number, summary=r.summary),
            text=f"{KIND_WORDS[r.kind]}: {r.summary}",
            at=r.created_at,
            revision_number=r.number,
            author=r.created_by.display_name if r.created_by else None,
        )
        for r in revisions
    ]
    # Newest first; an update is listed above the version that published it.
    entries.sort(key=lambda e: (e.at, e.revision_number, e.kind == "update", e.number))
    entries.reverse()
    return Feed(article, _feed_id(article, "feed"), entries[:size])


def _shorten(text: str, limit: int = 80) -> str:
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _feed_id(article: Article, name: str) -> str:
    created = int(article.created_at.timestamp())
    return uuid.uuid5(_FEED_NAMESPACE, f"{article.slug}/{created}/{name}").urn
