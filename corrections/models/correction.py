"""Reader corrections backed by sources, and their private tracking."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corrections.db import Base, UTCDateTime, utcnow
from corrections.models.article import Revision
from corrections.models.discussion import Anchor
from corrections.models.types import str_enum


class CorrectionKind(enum.StrEnum):
    CORRECTION = "correction"  # about a fact
    CLARIFICATION = "clarification"  # about wording


class CorrectionStatus(enum.StrEnum):
    PENDING = "pending"
    NEEDS_INFO = "needs_info"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    DUPLICATE = "duplicate"
    WITHDRAWN = "withdrawn"


OPEN_STATUSES = (CorrectionStatus.PENDING, CorrectionStatus.NEEDS_INFO)


class Correction(Base):
    __tablename__ = "corrections"
    __table_args__ = (
        Index("ix_corrections_status_id", "status", "id"),
        Index("ix_corrections_section_status", "section_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The id in tracking links: random, so ids cannot be walked.
    public_id: Mapped[str] = mapped_column(String(32), unique=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    anchor_id: Mapped[int] = mapped_column(
        ForeignKey("anchors.id", ondelete="RESTRICT"), index=True
    )
    kind: Mapped[CorrectionKind] = mapped_column(str_enum(CorrectionKind))
    proposed_text: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")
    reporter_name: Mapped[str] = mapped_column(String(80))
    reporter_email: Mapped[str | None] = mapped_column(String(254), index=True)
    reporter_user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # SHA-256 of the tracking token; the token itself is shown once and never stored.
    token_hash: Mapped[str] = mapped_column(String(64))
    network_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    status: Mapped[CorrectionStatus] = mapped_column(
        str_enum(CorrectionStatus), default=CorrectionStatus.PENDING
    )
    decision_reason: Mapped[str | None] = mapped_column(String(40))
    decision_note: Mapped[str | None] = mapped_column(Text)
    info_request: Mapped[str | None] = mapped_column(Text)
    reporter_reply: Mapped[str | None] = mapped_column(Text)
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("corrections.id", ondelete="SET NULL"), index=True
    )
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("updates.id", ondelete="SET NULL"), unique=True
    )
    # Whether the accepted fix replaced the quoted words in the article's text.
    text_applied: Mapped[bool] = mapped_column(default=False)
    # The words the fix put in place of the quote (the proposed text, or the moderator's
    # edit of it); null when not applied, or applied before this was recorded.
    applied_text: Mapped[str | None] = mapped_column(Text)
    # The version whose text first had the fix: the accept that replaced the words, or the
    # author's version that applied it later. Null while the text is not corrected.
    applied_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="SET NULL"), index=True
    )
    # Optimistic concurrency: every decision is "UPDATE ... WHERE version = :seen".
    version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )

    anchor: Mapped[Anchor] = relationship()
    applied_revision: Mapped[Revision | None] = relationship(foreign_keys=[applied_revision_id])
    links: Mapped[list[CorrectionLink]] = relationship(
        order_by="CorrectionLink.position", cascade="all, delete-orphan"
    )


class CorrectionLink(Base):
    __tablename__ = "correction_links"
    __table_args__ = (
        UniqueConstraint("correction_id", "position"),
        UniqueConstraint("correction_id", "url"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    correction_id: Mapped[int] = mapped_column(ForeignKey("corrections.id", ondelete="CASCADE"))
    position: Mapped[int]
    url: Mapped[str] = mapped_column(String(2048))
    domain: Mapped[str] = mapped_column(String(255))
