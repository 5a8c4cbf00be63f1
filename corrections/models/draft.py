"""The author's unpublished edit of an article: one server-side draft per author and article.

A draft remembers the revision it started from (``base_revision_id``), so publishing can
tell when someone else published meanwhile and refuse to overwrite their change silently.
Its sections are kept as JSON text (a list of ``{key, heading, kind, text}``): a draft is
read and written whole, never queried by section, and it is thrown away once published.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from corrections.db import Base, UTCDateTime, utcnow


class Draft(Base):
    __tablename__ = "drafts"
    # One draft per author and article; a second tab opening it gets the same row.
    __table_args__ = (UniqueConstraint("user_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    # The revision the draft's text started from (moved forward by a rebase).
    base_revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), index=True
    )
    sections_json: Mapped[str] = mapped_column("sections", Text)
    summary: Mapped[str] = mapped_column(String(500), default="")
    # Accepted corrections whose proposed text the author applied in this draft (JSON ids):
    # publishing marks them applied.
    applied_json: Mapped[str] = mapped_column("applied_corrections", Text, default="[]")
    # What a rebase asked the author to check (JSON list of ``draft_rules.Look``): shown in
    # the editor until the author marks each checked, or publishes.
    looks_json: Mapped[str] = mapped_column("needs_look", Text, default="[]", server_default="[]")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Optimistic saves: every write is "UPDATE ... WHERE version = :seen".
    version: Mapped[int] = mapped_column(default=1)

    @property
    def sections(self) -> list[dict[str, Any]]:
        return list(json.loads(self.sections_json))

    @property
    def applied_corrections(self) -> list[int]:
        return [int(i) for i in json.loads(self.applied_json or "[]")]

    @property
    def looks(self) -> list[dict[str, Any]]:
        return list(json.loads(self.looks_json or "[]"))

    def __repr__(self) -> str:
        return f"<Draft article={self.article_id} user={self.user_id} v{self.version}>"
