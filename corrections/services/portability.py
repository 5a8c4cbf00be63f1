"""Export an article with its whole record to JSON, and restore it into an empty database.

The export holds every revision, section text, update, comment (with edits and flags),
correction (with links and anchors) and audit entry of the article, with their ids, so a
restore is exact: links such as ``#update-3`` and ``/c/<public id>`` keep working. Private
data (emails, hashed secrets, network hashes) is left out unless ``with_private``; accounts
then become disabled placeholders that keep their display names and roles.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Table, func, insert, select, text, update
from sqlalchemy.orm import Session

from corrections.db import Base, UTCDateTime, begin_write
from corrections.models import (
    Anchor,
    Article,
    Comment,
    CommentEdit,
    Correction,
    CorrectionLink,
    Flag,
    ModerationAction,
    Revision,
    RevisionSection,
    Section,
    SectionText,
    Update,
    User,
)
from corrections.services.errors import Conflict, Invalid, NotFound

FORMAT = "corrections-export"
# 2 added corrections.applied_text and applied_revision_id. A version 1 export still
# restores (those columns stay empty); a program that reads only version 1 refuses a 2.
FORMAT_VERSION = 2
READS_VERSIONS = (1, 2)

# Table, then the columns that are private (left out, or replaced, without --with-private).
PRIVATE: dict[str, set[str]] = {
    "users": {"email", "password_hash"},
    "comments": {"author_email", "network_hash", "edit_secret_hash", "idempotency_key"},
    "corrections": {"reporter_email", "network_hash", "token_hash", "idempotency_key"},
    "flags": {"reporter_key"},
}
USER_COLUMNS = ("created_by_id", "user_id", "reporter_user_id", "decided_by_id", "actor_id")
ORDER = [
    "users",
    "articles",
    "sections",
    "section_texts",
    "revisions",
    "revision_sections",
    "updates",
    "anchors",
    "comments",
    "comment_edits",
    "flags",
    "corrections",
    "correction_links",
    "moderation_actions",
]
# Columns pointing at rows inserted later (or at their own table): set after all inserts.
UNUSABLE = "!"  # in place of a hash: matches nothing
DEFERRED = {"articles": ("current_revision_id",), "corrections": ("duplicate_of_id",)}


def _table(name: str) -> Table:
    return Base.metadata.tables[name]


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


def _rows(session: Session, model: type[Base], *where: Any) -> list[dict[str, Any]]:
    table = model.__table__
    rows = session.execute(select(table).where(*where).order_by(table.c.id)).mappings()
    return [{key: _plain(value) for key, value in row.items()} for row in rows]


def export_article(session: Session, slug: str, *, with_private: bool = False) -> dict[str, Any]:
    article = session.scalar(select(Article).where(Article.slug == slug))
    if article is None:
        raise NotFound(f"There is no article called {slug!r}.")
    aid = article.id
    sections = select(Section.id).where(Section.article_id == aid)
    revisions = select(Revision.id).where(Revision.article_id == aid)
    comments = select(Comment.id).where(Comment.article_id == aid)
    corrections = select(Correction.id).where(Correction.article_id == aid)
    data = {
        "articles": _rows(session, Article, Article.id == aid),
        "sections": _rows(session, Section, Section.article_id == aid),
        "section_texts": _rows(session, SectionText, SectionText.section_id.in_(sections)),
        "revisions": _rows(session, Revision, Revision.article_id == aid),
        "revision_sections": _rows(
            session, RevisionSection, RevisionSection.revision_id.in_(revisions)
        ),
        "updates": _rows(session, Update, Update.article_id == aid),
        "anchors": _rows(session, Anchor, Anchor.section_id.in_(sections)),
        "comments": _rows(session, Comment, Comment.article_id == aid),
        "comment_edits": _rows(session, CommentEdit, CommentEdit.comment_id.in_(comments)),
        "flags": _rows(session, Flag, Flag.comment_id.in_(comments)),
        "corrections": _rows(session, Correction, Correction.article_id == aid),
        "correction_links": _rows(
            session, CorrectionLink, CorrectionLink.correction_id.in_(corrections)
        ),
        "moderation_actions": _rows(
            session,
            ModerationAction,
            (ModerationAction.article_id == aid)
            | (
                (ModerationAction.target_type == "comment")
                & ModerationAction.target_id.in_(comments)
            )
            | (
                (ModerationAction.target_type == "correction")
                & ModerationAction.target_id.in_(corrections)
            ),
        ),
    }
    data["users"] = _rows(session, User, User.id.in_(_referenced_users(data)))
    if not with_private:
        _strip_private(data)
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "private": with_private,
        "slug": slug,
        "tables": {name: data[name] for name in ORDER},
    }


def _referenced_users(data: dict[str, list[dict[str, Any]]]) -> set[int]:
    found: set[int] = set()
    for rows in data.values():
        for row in rows:
            found.update(row[c] for c in USER_COLUMNS if row.get(c) is not None)
    return found


def _strip_private(data: dict[str, list[dict[str, Any]]]) -> None:
    for name, columns in PRIVATE.items():
        for row in data[name]:
            for column in columns:
                if column in row:
                    row[column] = None
    for row in data["users"]:
        # Accounts cannot be restored without their private parts: keep who they were.
        row["email"] = f"user-{row['id']}@export.invalid"
        row["password_hash"] = UNUSABLE  # matches no password
        row["disabled_at"] = row["disabled_at"] or row["created_at"]
    for row in data["flags"]:
        row["reporter_key"] = f"export:{row['id']}"
    for row in data["corrections"]:
        row["token_hash"] = UNUSABLE  # the reporter's tracking link cannot be restored


def _parse(table: Table, row: dict[str, Any]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for key, value in row.items():
        if key not in table.c:
            raise Invalid(f"The export has an unknown column {table.name}.{key}.")
        column = table.c[key]
        if value is not None and isinstance(column.type, UTCDateTime | DateTime):
            value = datetime.fromisoformat(value)
        parsed[key] = value
    return parsed


def import_article(session: Session, document: dict[str, Any]) -> Article:
    """Restore an exported article into a database that holds no articles yet."""
    if document.get("format") != FORMAT or document.get("version") not in READS_VERSIONS:
        raise Invalid("This is not a corrections export of a version this program reads.")
    tables = document.get("tables")
    if not isinstance(tables, dict) or set(tables) != set(ORDER):
        raise Invalid("The export is incomplete: some tables are missing.")
    begin_write(session)
    try:
        if session.scalar(select(func.count()).select_from(Article)):
            raise Conflict("import-json restores into an empty database; this one has articles.")
        users = _restore_users(session, tables["users"])
        for name in ORDER[1:]:
            rows = [_remap_users(row, users) for row in tables[name]]
            _insert(session, _table(name), rows)
        for name, columns in DEFERRED.items():
            table = _table(name)
            for row in tables[name]:
                values = {c: row[c] for c in columns if row.get(c) is not None}
                if values:
                    session.execute(update(table).where(table.c.id == row["id"]).values(**values))
        _reset_sequences(session)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return session.scalars(select(Article).where(Article.slug == document["slug"])).one()


def _restore_users(session: Session, rows: list[dict[str, Any]]) -> dict[int, int]:
    """Accounts are matched by email (an admin may exist already); a new one keeps its id
    when that id is free, so a restore into an empty database is exact."""
    table = _table("users")
    mapping: dict[int, int] = {}
    for row in rows:
        found = session.scalar(select(User.id).where(User.email == row["email"]))
        if found is None:
            values = _parse(table, row)
            if session.get(User, row["id"]) is not None:
                del values["id"]
            found = session.execute(insert(table).values(**values)).inserted_primary_key[0]
        mapping[row["id"]] = found
    return mapping


def _remap_users(row: dict[str, Any], users: dict[int, int]) -> dict[str, Any]:
    return {k: users[v] if k in USER_COLUMNS and v is not None else v for k, v in row.items()}


def _insert(session: Session, table: Table, rows: Iterable[dict[str, Any]]) -> None:
    deferred = DEFERRED.get(table.name, ())
    batch = [{**_parse(table, row), **dict.fromkeys(deferred)} for row in rows]
    if batch:
        session.execute(insert(table), batch)


def _reset_sequences(session: Session) -> None:
    """PostgreSQL hands out ids from sequences that explicit ids did not advance."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name in ORDER:
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "  # noqa: S608
                f"COALESCE((SELECT MAX(id) FROM {name}), 0) + 1, false)"
            )
        )
