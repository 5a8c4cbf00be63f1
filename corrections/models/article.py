"""Articles, their sections, immutable numbered revisions, and numbered updates.

Storage is copy-on-write: a ``SectionText`` row is written only when a section's heading or
text changes; each revision has one small ``RevisionSection`` row per section pointing at the
text it shows. The UPDATE section has no stored text: it is rendered from the updates a
revision includes, so publishing update 10,000 costs the same as update 1.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corrections.db import Base, UTCDateTime, utcnow
from corrections.models.types import str_enum

if TYPE_CHECKING:
    from corrections.models.user import User


class SectionKind(enum.StrEnum):
    BODY = "body"
    UPDATES = "updates"


class RevisionKind(enum.StrEnum):
    IMPORT = "import"
    EDIT = "edit"
    UPDATE = "update"


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The latest published revision; null only inside the transaction that imports it.
    current_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey(
            "revisions.id", use_alter=True, ondelete="SET NULL", name="fk_articles_current_revision"
        ),
        index=True,
    )

    # Overrides CORRECTIONS_MODERATION_MODE for this article: "pre", "post" or "first-time".
    moderation_mode: Mapped[str | None] = mapped_column(String(20))

    current_revision: Mapped[Revision | None] = relationship(
        foreign_keys=[current_revision_id], post_update=True
    )
    sections: Mapped[list[Section]] = relationship(
        back_populates="article", order_by="Section.id", foreign_keys="Section.article_id"
    )

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class Section(Base):
    """A section's stable identity: its key and threads never change, its words may."""

    __tablename__ = "sections"
    __table_args__ = (UniqueConstraint("article_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[SectionKind] = mapped_column(str_enum(SectionKind))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    article: Mapped[Article] = relationship(back_populates="sections", foreign_keys=[article_id])


class SectionText(Base):
    """One version of a section's heading and words, shared by every revision showing it."""

    __tablename__ = "section_texts"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    heading: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    section: Mapped[Section] = relationship()


class Revision(Base):
    """An immutable, numbered version of an article."""

    __tablename__ = "revisions"
    __table_args__ = (UniqueConstraint("article_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    kind: Mapped[RevisionKind] = mapped_column(str_enum(RevisionKind))
    summary: Mapped[str] = mapped_column(String(500))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # A trivial revision (a typo fix) hidden from the public history; still readable by number.
    is_minor: Mapped[bool] = mapped_column(default=False)

    article: Mapped[Article] = relationship(foreign_keys=[article_id])
    created_by: Mapped[User | None] = relationship()
    layout: Mapped[list[RevisionSection]] = relationship(
        order_by="RevisionSection.position", back_populates="revision"
    )


class RevisionSection(Base):
    """Which text each section shows in a revision, and in what order."""

    __tablename__ = "revision_sections"
    __table_args__ = (
        UniqueConstraint("revision_id", "position"),
        UniqueConstraint("revision_id", "section_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    text_id: Mapped[int] = mapped_column(
        ForeignKey("section_texts.id", ondelete="RESTRICT"), index=True
    )
    position: Mapped[int]

    revision: Mapped[Revision] = relationship(back_populates="layout")
    section: Mapped[Section] = relationship()
    text: Mapped[SectionText] = relationship()


class Update(Base):
    """A numbered, dated entry of the UPDATE section, published by the revision it created."""

    __tablename__ = "updates"
    __table_args__ = (
        UniqueConstraint("article_id", "number"),
        Index("ix_updates_revision_id", "revision_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    number: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revision_id: Mapped[int] = mapped_column(ForeignKey("revisions.id", ondelete="RESTRICT"))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    revision: Mapped[Revision] = relationship()


@event.listens_for(Revision, "before_update")
def _revisions_are_immutable(_mapper: object, _connection: object, target: Revision) -> None:
    # Only the "minor" mark may change after publication; the record itself never does.
    state = inspect(target)
    changed = {a.key for a in state.attrs if a.history.has_changes()} - {"is_minor", "layout"}
    if changed:
        raise ValueError(f"revisions are immutable; tried to change {sorted(changed)}")


@event.listens_for(SectionText, "before_update")
@event.listens_for(Update, "before_update")
def _never_rewritten(_mapper: object, _connection: object, target: Base) -> None:
    state = inspect(target)
    changed = {a.key for a in state.attrs if a.history.has_changes()}
    columns = {c.key for c in state.mapper.column_attrs}
    if changed & columns:
        raise ValueError(f"{type(target).__name__} rows are never rewritten")
