"""What readers write: quote anchors, comments with their edit history, and flags."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from corrections.db import Base, UTCDateTime, utcnow
from corrections.models.types import str_enum

MAX_CONTEXT_CHARS = 32


class AnchorState(enum.StrEnum):
    CURRENT = "current"  # points at words of the latest revision
    ORPHANED = "orphaned"  # its words are gone; it refers to an earlier version
    APPLIED = "applied"  # a correction whose words were replaced by its own accepted fix


class Anchor(Base):
    """A quote of a section's words (W3C TextQuote + TextPosition selectors).

    ``revision_id``/``start``/``end``/``exact`` are where the quote was made and never change;
    the ``current_*`` columns follow the text as revisions are published.
    """

    __tablename__ = "anchors"
    __table_args__ = (Index("ix_anchors_section_state", "section_id", "state"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int]
    end: Mapped[int]
    exact: Mapped[str] = mapped_column(Text)
    prefix: Mapped[str] = mapped_column(String(64), default="")
    suffix: Mapped[str] = mapped_column(String(64), default="")
    state: Mapped[AnchorState] = mapped_column(str_enum(AnchorState), default=AnchorState.CURRENT)
    current_revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), index=True
    )
    current_start: Mapped[int]
    current_end: Mapped[int]


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    PUBLISHED = "published"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"


class Comment(Base):
    __tablename__ = "comments"
    __table_args__ = (
        # A section's thread: published comments in id order, read by keyset pagination.
        Index("ix_comments_thread", "section_id", "status", "id"),
        # The moderation queue: comments of one status, oldest first.
        Index("ix_comments_status_id", "status", "id"),
        # An article's visible comments (its page, its validator, its counts) without reading
        # the pending ones: 100,000 held comments must not slow the page down. Covering for
        # the validator (``threads.thread_state``) on SQLite, where the id is in every index.
        Index(
            "ix_comments_article_state",
            "article_id",
            "status",
            "section_id",
            "published_at",
            "edited_at",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Indexed by ix_comments_article_state, which begins with it.
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    depth: Mapped[int] = mapped_column(default=0)
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    author_name: Mapped[str] = mapped_column(String(80))
    # Private: used only for notifications and moderation, never shown.
    author_email: Mapped[str | None] = mapped_column(String(254), index=True)
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    anchor_id: Mapped[int | None] = mapped_column(
        ForeignKey("anchors.id", ondelete="SET NULL"), index=True
    )
    status: Mapped[CommentStatus] = mapped_column(str_enum(CommentStatus))
    # Why a held comment waits (first comment, links, watched word...), for moderators.
    hold_reason: Mapped[str | None] = mapped_column(String(200))
    decision_reason: Mapped[str | None] = mapped_column(String(500))
    # A keyed hash of the client's network (/24 or /48): bans and abuse rules, never the address.
    network_hash: Mapped[str | None] = mapped_column(String(64), index=True)
    # Guests edit and delete through a secret kept in a signed cookie; only its hash is here.
    edit_secret_hash: Mapped[str | None] = mapped_column(String(64))
    idempotency_key: Mapped[str | None] = mapped_column(String(80), unique=True)
    flag_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    parent: Mapped[Comment | None] = relationship(remote_side=[id])
    anchor: Mapped[Anchor | None] = relationship()


class CommentEdit(Base):
    """The text a comment had before an edit: edits keep their history."""

    __tablename__ = "comment_edits"

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    body_source: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str] = mapped_column(Text)
    replaced_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FlagReason(enum.StrEnum):
    SPAM = "spam"
    ABUSIVE = "abusive"
    OFF_TOPIC = "off_topic"
    OTHER = "other"


class Flag(Base):
    __tablename__ = "flags"
    __table_args__ = (
        # One flag per comment per reader (account or network), so flags cannot be stuffed.
        UniqueConstraint("comment_id", "reporter_key"),
        Index("ix_flags_open", "resolved_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    comment_id: Mapped[int] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    reason: Mapped[FlagReason] = mapped_column(str_enum(FlagReason))
    note: Mapped[str | None] = mapped_column(String(500))
    reporter_key: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
