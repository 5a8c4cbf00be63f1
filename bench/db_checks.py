"""Counts read straight from the SQLite files, so that a fast wrong answer cannot pass.

The servers keep running while these are read: the files are opened read-only (WAL lets a
reader see the last committed state without blocking the writers). Nothing here goes through
the service under test.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)


def scalar(path: Path, sql: str, *params: object) -> int:
    with closing(_connect(path)) as con:
        value = con.execute(sql, params).fetchone()[0]
    return int(value or 0)


def section_comments(path: Path, slug: str, key: str, status: str = "published") -> int:
    """Comments of one section of our database with ``status``."""
    return scalar(
        path,
        "SELECT count(*) FROM comments c JOIN sections s ON s.id = c.section_id"
        " JOIN articles a ON a.id = s.article_id"
        " WHERE a.slug = ? AND s.key = ? AND c.status = ?",
        slug,
        key,
        status,
    )


def published_by_section(path: Path, slug: str) -> dict[str, int]:
    """Published comments of every section of an article, by section key."""
    with closing(_connect(path)) as con:
        rows = con.execute(
            "SELECT s.key, count(c.id) FROM sections s JOIN articles a ON a.id = s.article_id"
            " LEFT JOIN comments c ON c.section_id = s.id AND c.status = 'published'"
            " WHERE a.slug = ? GROUP BY s.key",
            (slug,),
        ).fetchall()
    return {key: count for key, count in rows}


def pending(path: Path, table: str) -> tuple[int, list[int]]:
    """How many rows of ``table`` (comments or corrections) are pending, and the oldest
    50 ids: what the first page of the queue must list."""
    assert table in ("comments", "corrections")
    with closing(_connect(path)) as con:
        count = con.execute(f"SELECT count(*) FROM {table} WHERE status = 'pending'").fetchone()[0]  # noqa: S608
        first = [
            row[0]
            for row in con.execute(
                f"SELECT id FROM {table} WHERE status = 'pending' ORDER BY id LIMIT 50"  # noqa: S608
            )
        ]
    return count, first


def corrections_with_status(path: Path, ids: list[int], status: str) -> int:
    if not ids:
        return 0
    marks = ", ".join("?" for _ in ids)
    return scalar(
        path,
        f"SELECT count(*) FROM corrections WHERE status = ? AND id IN ({marks})",  # noqa: S608
        status,
        *ids,
    )


def updates_of(path: Path, slug: str) -> int:
    return scalar(
        path,
        "SELECT count(*) FROM updates u JOIN articles a ON a.id = u.article_id WHERE a.slug = ?",
        slug,
    )


def isso_comments(path: Path, uri: str) -> int:
    """Published comments of one Isso thread (``mode`` 1), from Isso's own database."""
    return scalar(
        path,
        "SELECT count(*) FROM comments c JOIN threads t ON t.id = c.tid"
        " WHERE t.uri = ? AND c.mode = 1",
        uri,
    )
