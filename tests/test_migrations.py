"""Migrations build the schema from an empty database and match the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from corrections import create_app
from corrections.db import Base
from corrections.extensions import db
from tests.conftest import BACKEND, POSTGRES_URL


def empty_database_url(tmp_path) -> str:
    if BACKEND == "postgresql":
        engine = create_engine(POSTGRES_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
        engine.dispose()
        return POSTGRES_URL
    return f"sqlite:///{tmp_path / 'migrated.db'}"


def test_upgrading_an_empty_database_gives_the_models_schema(tmp_path):
    url = empty_database_url(tmp_path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path))
    try:
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
    finally:
        if BACKEND == "postgresql":
            # Leave the shared test schema as the other tests expect it.
            engine = create_engine(POSTGRES_URL)
            with engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
                Base.metadata.create_all(conn)
            engine.dispose()
