"""Sections an article no longer has, and whose threads readers can still read.

A revision may leave a section out: the author removed it, or a file imported as the next
version dropped or renamed its heading (a section's key comes from its heading). Its comments
stay, beside the section in every version that had it; the latest page lists them too, under
"Comments on sections no longer in the article", each linked to the last version that had it,
so a thread never vanishes without a word.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from corrections.i18n import _
from corrections.models import (
    Comment,
    CommentStatus,
    Revision,
    RevisionSection,
    Section,
    SectionText,
)


@dataclass(frozen=True)
class FormerSection:
    section_id: int
    key: str
    heading: str  # as the last version that had the section said it
    last_number: int  # the last version that had the section

    @property
    def label(self) -> str:
        return self.heading or _("Introduction")


def former_sections(
    session: Session, article_id: int, shown: Collection[int]
) -> list[FormerSection]:
    """Sections of the article outside ``shown`` (a version's section ids) that have
    published comments, with the last version that had each; those removed first, first."""
    gone = (
        select(Section.id)
        .where(
            Section.article_id == article_id,
            Section.id.not_in(list(shown)),
            # One index probe per section (comments' thread index), not a scan of comments.
            exists().where(
                Comment.section_id == Section.id, Comment.status == CommentStatus.PUBLISHED
            ),
        )
        .scalar_subquery()
    )
    last = (
        select(RevisionSection.section_id, func.max(Revision.number).label("number"))
        .join(Revision, Revision.id == RevisionSection.revision_id)
        .where(RevisionSection.section_id.in_(gone))
        .group_by(RevisionSection.section_id)
        .subquery()
    )
    rows = session.execute(
        select(Section.id, Section.key, SectionText.heading, last.c.number)
        .join(last, last.c.section_id == Section.id)
        .join(
            Revision,
            and_(Revision.article_id == article_id, Revision.number == last.c.number),
        )
        .join(
            RevisionSection,
            and_(
                RevisionSection.revision_id == Revision.id,
                RevisionSection.section_id == Section.id,
            ),
        )
        .join(SectionText, SectionText.id == RevisionSection.text_id)
        .order_by(last.c.number, RevisionSection.position)
    )
    return [FormerSection(sid, key, heading, number) for sid, key, heading, number in rows]
