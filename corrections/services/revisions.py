"""Publishing a new revision of an article, copy-on-write, under the article's write lock.

Every way of changing an article (import, the author's edit, an accepted correction) ends
here, so numbering and locking are written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from corrections.db import begin_write
from corrections.i18n import _
from corrections.models import (
    Article,
    Revision,
    RevisionKind,
    RevisionSection,
    Section,
    SectionKind,
    SectionText,
    User,
)
from corrections.services.anchor_carry import carry_anchors, orphan_sections
from corrections.services.errors import NotFound

MAX_SUMMARY_CHARS = 500


@dataclass(frozen=True)
class SectionDraft:
    """What one section should say in the revision being published."""

    key: str
    heading: str
    kind: SectionKind
    text: str


def lock_article(session: Session, slug: str) -> Article:
    """Open a write transaction and hold the article's lock until commit or rollback."""
    begin_write(session)
    article = session.scalars(
        select(Article).where(Article.slug == slug).with_for_update()
    ).one_or_none()
    if article is None:
        raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
    return article


def locked_article(session: Session, article_id: int) -> Article:
    """Lock an article inside a write transaction already begun with ``begin_write``.

    Writers lock the article before anything else they decide on, always in that order, so
    two writers can wait for each other but never deadlock.
    """
    article = session.scalars(
        select(Article)
        .where(Article.id == article_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).one_or_none()
    if article is None:
        raise NotFound(_("There is no such article."))
    return article


def next_revision_number(session: Session, article: Article) -> int:
    latest = session.scalar(
        select(func.max(Revision.number)).where(Revision.article_id == article.id)
    )
    return (latest or 0) + 1


def current_layout(session: Session, article: Article) -> list[RevisionSection]:
    if article.current_revision_id is None:
        return []
    return list(
        session.scalars(
            select(RevisionSection)
            .where(RevisionSection.revision_id == article.current_revision_id)
            .order_by(RevisionSection.position)
        )
    )


def publish_revision(
    session: Session,
    article: Article,
    *,
    kind: RevisionKind,
    summary: str,
    actor: User | None,
    drafts: Sequence[SectionDraft] | None = None,
) -> Revision:
    """Add the next revision of a locked article; ``drafts=None`` keeps every section as is.

    Sections are matched by key. A section whose heading and text are unchanged keeps its
    stored text; a new key makes a new section. The caller commits.
    """
    previous = current_layout(session, article)
    revision = Revision(
        article_id=article.id,
        number=next_revision_number(session, article),
        kind=kind,
        summary=summary[:MAX_SUMMARY_CHARS],
        created_by_id=actor.id if actor else None,
    )
    session.add(revision)
    session.flush()

    if drafts is None:
        for row in previous:
            session.add(
                RevisionSection(
                    revision_id=revision.id,
                    section_id=row.section_id,
                    text_id=row.text_id,
                    position=row.position,
                )
            )
    else:
        changed, kept = _write_layout(session, article, revision, previous, drafts)
        # Comments and corrections keep pointing at the right words; only changed sections
        # are read, so the cost follows what changed, not how much was said about it.
        carry_anchors(session, revision, changed)
        # A section left out of this revision has no words to carry its quotes to: whether an
        # import dropped or renamed it, an author removed it, or anything else did, its
        # quotes refer to an earlier version from now on.
        orphan_sections(session, {row.section_id for row in previous} - kept)

    # Set the relationship, not only the key, so objects already loaded see the new version.
    article.current_revision = revision
    session.flush()
    return revision


def _write_layout(
    session: Session,
    article: Article,
    revision: Revision,
    previous: list[RevisionSection],
    drafts: Sequence[SectionDraft],
) -> tuple[dict[int, tuple[str, str]], set[int]]:
    """Write the layout; return {section id: (old text, new text)} of changed bodies, and
    the ids of every section the revision shows."""
    changed: dict[int, tuple[str, str]] = {}
    shows: set[int] = set()
    existing = {
        s.key: s for s in session.scalars(select(Section).where(Section.article_id == article.id))
    }
    shown = {row.section_id: row.text for row in previous}
    for position, draft in enumerate(drafts):
        section = existing.get(draft.key)
        if section is None:
            section = Section(article_id=article.id, key=draft.key, kind=draft.kind)
            session.add(section)
            session.flush()
            existing[draft.key] = section
        text = shown.get(section.id)
        if text is None or text.heading != draft.heading or text.body != draft.text:
            if text is not None and text.body != draft.text:
                changed[section.id] = (text.body, draft.text)
            text = SectionText(section_id=section.id, heading=draft.heading, body=draft.text)
            session.add(text)
            session.flush()
        session.add(
            RevisionSection(
                revision_id=revision.id, section_id=section.id, text_id=text.id, position=position
            )
        )
        shows.add(section.id)
    return changed, shows
