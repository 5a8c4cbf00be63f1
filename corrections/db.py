"""The declarative base, a UTC timestamp type, and per-dialect connection behaviour.

SQLite is the embedded default, so it gets WAL, foreign keys and a busy timeout on every
connection, and we emit BEGIN ourselves so that writers can ask for ``BEGIN IMMEDIATE``:
a deferred transaction that reads first and writes later can fail with SQLITE_BUSY_SNAPSHOT,
which the busy timeout does not retry.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from flask import Flask
from sqlalchemy import DateTime, MetaData, event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session
from sqlalchemy.types import TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

SQLITE_BUSY_TIMEOUT_MS = 15_000
# Ids, numbers and versions are ``INTEGER`` columns: 32 bits on PostgreSQL. A larger number
# in a URL, a query or a body can name nothing, and must be refused before it reaches SQL
# (PostgreSQL raises "out of range", SQLite's driver an OverflowError beyond 64 bits).
DB_INT_MAX = 2**31 - 1
_IMMEDIATE = "corrections_sqlite_immediate"
log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def database_int(text: str) -> int:
    """``int(text)`` for a value that must fit an ``INTEGER`` column; ``ValueError`` if not.

    Made for ``request.args.get(name, type=database_int)``, which then gives the default."""
    value = int(text)
    if not 0 <= value <= DB_INT_MAX:
        raise ValueError(f"{value} is out of range")
    return value


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware timestamp that always comes back in UTC, SQLite included."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not stored; use datetime.now(UTC)")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def install_sqlite_behaviour(engine: Engine) -> None:
    """Pragmas on connect, and BEGIN / BEGIN IMMEDIATE under our control."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event below start transactions, not pysqlite.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        if engine.url.database not in (None, "", ":memory:"):
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_IMMEDIATE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def begin_write(session: Session) -> None:
    """Start a fresh transaction that will write, taking SQLite's write lock up front.

    Any read-only transaction already open (loading the signed-in user, say) is ended first,
    so call this before reading the rows the write depends on. PostgreSQL needs nothing here:
    services lock the rows they decide on with ``SELECT ... FOR UPDATE``.
    """
    session.rollback()  # a no-op when no transaction is open
    session.connection(execution_options={_IMMEDIATE: True})


def end_sessions_safely(app: Flask, session: scoped_session[Session]) -> None:
    """End each request's session at teardown without letting a lost connection escape.

    A read leaves its transaction open until then, and the rollback that ends it fails when
    the database went away in between (a restart). The answer is already made and right;
    raised from the teardown, the error would replace it with the WSGI server's bare 500.
    The connection is invalidated instead (the pool makes a new one). Registered after
    Flask-SQLAlchemy's own teardown, so it runs first and leaves that one nothing to do.
    """

    @app.teardown_appcontext
    def _end_session(_exc: BaseException | None) -> None:
        try:
            session.remove()
        except Exception:
            log.warning("the database connection was lost at the end of a request", exc_info=True)
            try:
                session.invalidate()
            except Exception:
                log.warning("invalidating the lost connection failed", exc_info=True)
            session.registry.clear()
