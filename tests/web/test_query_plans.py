"""Every list a page or the queue shows is served by an index (PostgreSQL's plans say so).

Each page below is requested once while every SELECT it sends is recorded; each is then
explained by PostgreSQL with sequential scans switched off (``enable_seqscan = off``). A
table that still shows a ``Seq Scan`` has no index the query can use: with 100,000 rows it
would read them all on every request. Only tables that stay small by nature may be scanned.
"""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, text

from corrections.extensions import db
from corrections.models import Role
from tests.conftest import BACKEND
from tests.web.test_reader import add_comments

pytestmark = pytest.mark.skipif(BACKEND != "postgresql", reason="query plans are PostgreSQL's")

# Tables whose size does not grow with readers, comments or decisions.
SMALL_TABLES = {"articles", "word_list_entries", "alembic_version"}

PAGES = [
    "/a/demo",
    "/a/demo/v/1",
    "/a/demo/history",
    "/a/demo/corrections",
    "/a/demo/updates.atom",
    "/a/demo/diff/1..2",
    "/a/demo/s/what-happened/comments",
    "/moderate?tab=corrections",
    "/moderate?tab=needs-info",
    "/moderate?tab=comments",
    "/moderate?tab=flagged",
    "/moderate?tab=decided",
    "/moderate?tab=comments&order=newest",
    "/moderate/log",
    "/moderate/bans",
]


def seq_scans(plan: dict) -> list[str]:
    found = []
    if plan.get("Node Type") == "Seq Scan":
        found.append(plan["Relation Name"])
    for child in plan.get("Plans", []):
        found.extend(seq_scans(child))
    return found


def recorded_selects(client, path: str) -> list[tuple[str, object]]:
    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many):
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert response.status_code == 200, (path, response.status_code)
    return statements


@pytest.fixture
def busy_site(app, session, demo_article, make_user, make_correction, login, client):
    """The demo with comments, held and flagged ones, corrections in every state, decisions."""
    from corrections.services import articles, comments, decisions
    from corrections.services.abuse import Submitter

    moderator = make_user("mod@example.org", Role.MODERATOR, display_name="Mo")
    add_comments(session, demo_article, 200)
    for n in range(5):
        comments.post_comment(
            session,
            slug="demo",
            section_key="what-happened",
            body=f"Held {n}",
            submitter=Submitter(app.config["SECRET_KEY"], name="Ann", network_hash="net"),
            site_mode="pre",
        )
    accepted, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        accepted.id,
        update_text="Update.",
        apply_text=False,
        expected_version=accepted.version,
    )
    asked, _ = make_correction(proposed_text="416 homes")
    decisions.ask_for_info(
        session, moderator, asked.id, message="Which report?", expected_version=asked.version
    )
    make_correction(proposed_text="417 homes")
    assert articles.read_article(session, "demo").revision.number == 2
    login(client, "mod@example.org")
    return client


@pytest.mark.parametrize("path", PAGES)
def test_every_list_on_the_page_is_served_by_an_index(session, busy_site, path):
    selects = recorded_selects(busy_site, path)
    assert selects, f"{path} sent no SELECT"
    connection = session.connection()
    connection.execute(text("SET enable_seqscan = off"))
    try:
        for statement, parameters in selects:
            explained = connection.exec_driver_sql(
                f"EXPLAIN (FORMAT JSON) {statement}", parameters
            ).scalar_one()
            plan = (json.loads(explained) if isinstance(explained, str) else explained)[0]
            scanned = set(seq_scans(plan["Plan"])) - SMALL_TABLES
            assert not scanned, f"{path}: a full scan of {scanned} in\n{statement}"
    finally:
        connection.execute(text("RESET enable_seqscan"))
        session.rollback()
