"""Migrations build the schema from an empty database and match the models exactly."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, make_url, text

from corrections import create_app
from corrections.db import Base
from corrections.extensions import db
from corrections.models import Correction, Role
from corrections.services import articles, decisions, drafts, suggestions, users
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.corrections import submit_correction
from tests.conftest import PROJECT_ROOT


@pytest.fixture
def empty_database_url(tmp_path, postgres_database: str | None) -> Iterator[str]:
    """A database with nothing in it: a new SQLite file, or a new PostgreSQL database."""
    if postgres_database is None:
        yield f"sqlite:///{tmp_path / 'migrated.db'}"
        return
    server = make_url(postgres_database)
    name = f"{server.database}_migrations"
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


def test_upgrading_an_empty_database_gives_the_models_schema(tmp_path, empty_database_url):
    url = empty_database_url
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        engine = create_engine(url)
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == []
        assert {"articles", "revisions", "sections", "updates", "users"} <= tables
        downgrade(revision="base")
        with engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        engine.dispose()
        db.engine.dispose()


def test_the_applied_revision_is_filled_in_for_corrections_applied_before_it_existed(
    tmp_path, empty_database_url, demo_text
):
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database_url}, instance_path=str(tmp_path))
    with app.app_context():
        upgrade()
        session = db.session
        articles.import_article(session, demo_text, slug="demo")
        moderator = users.create_user(
            session, "m@example.org", "long password 1", role=Role.MODERATOR, system=True
        )
        author = users.create_user(
            session, "a@example.org", "long password 1", role=Role.AUTHOR, system=True
        )

        def correction(words, proposed):
            return submit_correction(
                session,
                slug="demo",
                section_key="introduction",
                quote=QuoteInput(words),
                kind="correction",
                proposed_text=proposed,
                explanation="",
                links=["https://example.org/a"],
                submitter=Submitter(secret=app.config["SECRET_KEY"], name="Ann"),
                idempotency_key=None,
            ).correction.id

        at_once, later, never = (
            correction("412 homes", "415 homes"),
            correction("27 were treated", "29 were treated"),
            correction("3 people", "three people"),
        )
        for number, cid in enumerate((at_once, later, never)):
            decisions.accept(
                session,
                moderator,
                cid,
                update_text="Fixed.",
                apply_text=number == 0,
                expected_version=1,
            )
        draft = drafts.open_draft(session, author, "demo")
        draft = suggestions.apply_suggestion(session, author, "demo", later, draft.version)
        drafts.publish_draft(session, author, "demo", "Applied", draft.version)

        def applied():
            session.expire_all()
            found = {c.id: c.applied_revision for c in session.query(Correction)}
            result = {cid: r.number if r else None for cid, r in found.items()}
            session.remove()
            return result

        expected = {at_once: 2, later: 5, never: None}
        assert applied() == expected
        downgrade(revision="0005_rebase_looks_applied_text")
        upgrade()
        assert applied() == expected
        db.engine.dispose()


def test_every_revision_id_fits_the_alembic_version_column():
    """PostgreSQL's alembic_version.version_num is VARCHAR(32); SQLite would not notice."""
    script = ScriptDirectory(str(PROJECT_ROOT / "migrations"))
    ids = [revision.revision for revision in script.walk_revisions()]
    assert ids and all(len(found) <= 32 for found in ids), ids
    assert len(script.get_heads()) == 1
