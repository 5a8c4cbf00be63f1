"""Fixtures shared by every test: the app on SQLite or PostgreSQL, clients, factories.

The database comes from ``TEST_DATABASE_URL``: unset means a fresh SQLite file per test;
a PostgreSQL URL means one schema built per run and emptied after each test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from corrections import create_app
from corrections.config import normalize_database_url
from corrections.db import Base
from corrections.extensions import db
from corrections.models import Role, User
from corrections.services import articles, users

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SHARED_SEED = PROJECT_ROOT.parent / "shared" / "seed" / "article.txt"
DEMO_ARTICLE = PROJECT_ROOT / "corrections" / "demo" / "article.txt"
POSTGRES_URL = normalize_database_url(os.environ.get("TEST_DATABASE_URL", ""))
BACKEND = "postgresql" if POSTGRES_URL.startswith("postgresql") else "sqlite"
TEST_PASSWORD = "correct horse battery"


def pytest_report_header() -> str:
    return f"database backend: {BACKEND}" + (f" ({POSTGRES_URL})" if POSTGRES_URL else "")


@pytest.fixture(scope="session")
def postgres_schema() -> Iterator[str | None]:
    """On PostgreSQL, build the schema once per run (from the models; migrations are
    tested on their own in test_migrations.py)."""
    if BACKEND != "postgresql":
        yield None
        return
    engine = create_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
        Base.metadata.create_all(conn)
    engine.dispose()
    yield POSTGRES_URL


def empty_postgres(url: str) -> None:
    engine = create_engine(url)
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path, postgres_schema: str | None) -> Iterator[str]:
    if postgres_schema:
        yield postgres_schema
        empty_postgres(postgres_schema)
    else:
        yield f"sqlite:///{tmp_path / 'test.db'}"


@pytest.fixture
def app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    instance = tmp_path / "instance"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": False,
        },
        instance_path=str(instance),
    )
    with app.app_context():
        if BACKEND == "sqlite":
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask):
    return db.session


@pytest.fixture
def demo_text() -> str:
    return DEMO_ARTICLE.read_text("utf-8")


@pytest.fixture
def seed_text() -> str:
    if not SHARED_SEED.exists():
        pytest.skip(
            f"the shared sample article is not at {SHARED_SEED} "
            "(it exists in the team's workspace and in CI, not in a user's own clone)"
        )
    return SHARED_SEED.read_text("utf-8")


@pytest.fixture
def demo_article(session, demo_text):
    return articles.import_article(session, demo_text, slug="demo", title="Demo").article


@pytest.fixture
def make_user(session):
    def make(email: str = "someone@example.org", role: Role = Role.READER, **kwargs) -> User:
        return users.create_user(session, email, TEST_PASSWORD, role=role, system=True, **kwargs)

    return make
