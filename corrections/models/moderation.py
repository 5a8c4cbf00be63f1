"""Moderation: the append-only audit log, bans, word lists, sign-in throttling, API tokens,
and the notification outbox."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, UniqueConstraint, event, inspect
from sqlalchemy.orm import Mapped, ORMExecuteState, Session, mapped_column

from corrections.db import Base, UTCDateTime, utcnow
from corrections.models.types import str_enum


class ModerationAction(Base):
    """Who did what to which target, from which status to which, and why. Never updated or
    deleted (the guards below refuse it)."""

    __tablename__ = "moderation_actions"
    __table_args__ = (
        Index("ix_moderation_actions_target", "target_type", "target_id"),
        Index("ix_moderation_actions_created", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    target_type: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[int]
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL"), index=True
    )
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


# The audit log is append-only. Rows are refused at the ORM for an update or a delete of a
# loaded row (mapper events) and for a bulk UPDATE / DELETE statement (a session event, which
# the mapper events never see). Raw SQL is not guarded here; a database trigger would also
# block the foreign keys' ON DELETE SET NULL, which keeps entries when an account goes.
def _refuse(what: str) -> ValueError:
    return ValueError(f"the moderation log is append-only: an entry is never {what}")


@event.listens_for(ModerationAction, "before_update")
def _entries_are_never_rewritten(_mapper: object, _connection: object, target: Base) -> None:
    state = inspect(target)
    columns = {c.key for c in state.mapper.column_attrs}
    if any(state.attrs[key].history.has_changes() for key in columns):
        raise _refuse("changed")


@event.listens_for(ModerationAction, "before_delete")
def _entries_are_never_deleted(_mapper: object, _connection: object, _target: Base) -> None:
    raise _refuse("deleted")


@event.listens_for(Session, "do_orm_execute")
def _no_bulk_rewrite_of_the_log(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete):
        return
    mapper = state.bind_mapper
    if mapper is not None and mapper.class_ is ModerationAction:
        raise _refuse("changed" if state.is_update else "deleted")


class BanKind(enum.StrEnum):
    EMAIL = "email"
    ACCOUNT = "account"
    NETWORK = "network"


class Ban(Base):
    __tablename__ = "bans"
    __table_args__ = (Index("ix_bans_lookup", "kind", "value_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[BanKind] = mapped_column(str_enum(BanKind))
    # Keyed hash of the email, account id or network; the raw value is not kept.
    value_hash: Mapped[str] = mapped_column(String(64))
    # What moderators see of it: "a***@example.org", "account 12", "network of comment 345".
    label: Mapped[str] = mapped_column(String(200))
    reason: Mapped[str | None] = mapped_column(String(500))
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lifted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WordKind(enum.StrEnum):
    BLOCKED = "blocked"  # refused
    WATCHED = "watched"  # held for moderation


class WordRule(Base):
    __tablename__ = "word_rules"
    __table_args__ = (UniqueConstraint("kind", "word"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[WordKind] = mapped_column(str_enum(WordKind))
    word: Mapped[str] = mapped_column(String(100))
    created_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LoginFailure(Base):
    """A failed sign-in, keyed by a hash of the email or of the client address."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_created", "key_hash", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """An email to send, written in the same transaction as the event that causes it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_email: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(500))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
