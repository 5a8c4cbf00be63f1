"""Fixtures shared by every test: the app on SQLite or PostgreSQL, clients, factories.

The database comes from ``TEST_DATABASE_URL``: unset means a fresh SQLite file per test;
a PostgreSQL URL means one schema built per run and emptied after each test.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, g, request_started
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from corrections import create_app
from corrections.config import normalize_database_url
from corrections.db import Base
from corrections.extensions import db
from corrections.i18n import compile_catalogs
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


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    """The app refuses to start without compiled catalogs (not in git; `make` builds them):
    compile any that are missing or older than their .po, for pytest run on its own, and for
    the gunicorn servers of tests/live."""
    compile_catalogs()


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str | None]:
    """On PostgreSQL, a database of this run's own (``<name>_run_<pid>``, created on the
    server of TEST_DATABASE_URL and dropped after), so parallel runs never meet."""
    if BACKEND != "postgresql":
        yield None
        return
    server = make_url(POSTGRES_URL)
    name = f"{server.database}_run_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_schema(postgres_database: str | None) -> Iterator[str | None]:
    """On PostgreSQL, build the schema once per run (from the models; migrations are
    tested on their own in test_migrations.py)."""
    if postgres_database is None:
        yield None
        return
    engine = create_engine(postgres_database)
    with engine.begin() as conn:
        Base.metadata.create_all(conn)
    engine.dispose()
    yield postgres_database


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
def app(database_url: str, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Flask]:
    """The app on a fresh database; ``@pytest.mark.rate_limited`` turns rate limits on."""
    instance = tmp_path / "instance"
    app = create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": request.node.get_closest_marker("rate_limited") is not None,
            "RATELIMIT_STORAGE_URI": "memory://",
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
        reason = (
            f"the shared sample article is not at {SHARED_SEED} "
            "(it exists in the team's workspace and in CI, not in a user's own clone)"
        )
        if os.environ.get("CI"):
            pytest.fail(f"under CI, {reason}")  # CI must run these, never skip them
        pytest.skip(reason)
    return SHARED_SEED.read_text("utf-8")


@pytest.fixture
def demo_article(session, demo_text):
    return articles.import_article(session, demo_text, slug="demo", title="Demo").article


@pytest.fixture
def make_user(session):
    def make(email: str = "someone@example.org", role: Role = Role.READER, **kwargs) -> User:
        return users.create_user(session, email, TEST_PASSWORD, role=role, system=True, **kwargs)

    return make


CSRF_INPUT = re.compile(r'<input[^>]*name="csrf_token"[^>]*value="([^"]+)"')


def csrf_token_in(html: str) -> str:
    """The CSRF token of the first form in a page (tests keep CSRF protection on)."""
    found = CSRF_INPUT.search(html)
    assert found, "no csrf_token in the page"
    return found.group(1)


@pytest.fixture
def csrf_token():
    """``csrf_token(client, path="/signin")``: a valid token for that client's session."""

    def fetch(client: FlaskClient, path: str = "/signin") -> str:
        return csrf_token_in(client.get(path).get_data(as_text=True))

    return fetch


@pytest.fixture
def login(csrf_token):
    """``login(client, email, password=TEST_PASSWORD, **post_kwargs)``: sign in through the
    form, as a browser would, and return the response (a 302 on success)."""

    def sign_in(client: FlaskClient, email: str, password: str = TEST_PASSWORD, **kwargs):
        data = {"email": email, "password": password, "csrf_token": csrf_token(client)}
        return client.post("/signin", data=data, **kwargs)

    return sign_in


# Reader corrections -----------------------------------------------------------------------


@pytest.fixture
def fast_forms(app: Flask) -> None:
    """Reader forms may be sent at once; the 3-second rule has tests of its own."""
    app.config["FORM_MIN_SECONDS"] = 0


@pytest.fixture
def make_correction(app: Flask, session, demo_article):
    """``make_correction(**overrides) -> (Correction, tracking token)`` through the service:
    a correction of "412 homes" in the demo article's introduction, with one source."""
    from corrections.services.abuse import Submitter
    from corrections.services.anchors import QuoteInput
    from corrections.services.corrections import submit_correction

    def make(**overrides):
        arguments = {
            "slug": "demo",
            "section_key": "introduction",
            "quote": QuoteInput("412 homes"),
            "kind": "correction",
            "proposed_text": "415 homes",
            "explanation": "The council revised the figure.",
            "links": ["https://example.org/report"],
            "submitter": Submitter(secret=app.config["SECRET_KEY"], name="Ann"),
            "idempotency_key": None,
        }
        result = submit_correction(session, **{**arguments, **overrides})
        return result.correction, result.tracking_token

    return make


@pytest.fixture(autouse=True)
def each_request_has_its_own_g(request):
    """The ``app`` fixture keeps an app context pushed, which every request would reuse, so
    ``g`` (and Flask-Login's cached ``g._login_user``) would leak from one request, or one
    client, to the next. Empty it as each request starts, as a real server's fresh context is.
    """
    if "app" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")

    def forget(_sender, **_extra) -> None:
        for name in list(g):
            g.pop(name)

    with request_started.connected_to(forget, app):
        yield
