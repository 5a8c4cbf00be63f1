"""Accounts: who may sign in, with which role, and which of their sessions still count."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from corrections.db import Base, UTCDateTime, utcnow
from corrections.models.types import str_enum


class Role(enum.StrEnum):
    READER = "reader"
    MODERATOR = "moderator"
    AUTHOR = "author"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def at_least(self, other: Role) -> bool:
        return self.rank >= other.rank


class User(Base):
    __tablename__ = "users"
    # Staff lists (the audit log's "who" filter) read staff only, in name order, never every
    # reader's account.
    __table_args__ = (Index("ix_users_role_name", "role", "display_name", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored lower-cased, so the unique constraint is case-insensitive in effect.
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(80))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(str_enum(Role), default=Role.READER)
    # Bumped on sign-out and password change; a session cookie carrying an older value is void.
    session_version: Mapped[int] = mapped_column(default=1)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    @property
    def is_active(self) -> bool:
        return self.disabled_at is None

    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # Flask-Login keeps this in the session cookie; the version makes old cookies void.
        return f"{self.id}:{self.session_version}"
