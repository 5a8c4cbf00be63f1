"""Reader pages: the list, the article at any version, its history, and 404s."""

from __future__ import annotations

import pytest

from corrections.services import articles
from tests.conftest import BACKEND


def test_the_index_lists_articles(client, demo_article):
    page = client.get("/")
    assert page.status_code == 200
    assert b'href="/a/demo"' in page.data and b"Demo" in page.data


def test_the_index_says_how_to_import_when_empty(client):
    assert b"corrections import FILE" in client.get("/").data


def test_the_article_page_shows_every_section_with_a_stable_anchor(client, demo_article):
    page = client.get("/a/demo")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for key in ("introduction", "what-happened", "who-was-responsible", "update"):
        assert f'id="s-{key}"' in html
        assert f'id="t-{key}"' in html  # the place for the thread beside it
    assert "Version 1, updated" in html
    assert "“coming up through the floorboards" in html


def test_the_update_section_lists_updates_numbered_with_anchors(client, session, demo_text):
    text = demo_text + "\nUpdate 1, 16 October 2025: The toll is <4>.\n"
    articles.import_article(session, text, slug="flood")
    html = client.get("/a/flood").get_data(as_text=True)
    assert 'id="update-1"' in html
    assert "Update 1</a>, <time" in html and "16 October 2025" in html
    assert "The toll is &lt;4&gt;." in html  # escaped, never raw


def test_an_old_version_is_marked_and_links_to_the_latest(client, session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    articles.import_article(
        session, demo_text.replace("412", "415"), slug="flood", new_revision=True
    )
    old = client.get("/a/flood/v/1").get_data(as_text=True)
    assert "You are reading version 1 of 2" in old
    assert 'href="/a/flood"' in old and "412 homes" in old
    latest = client.get("/a/flood/v/2").get_data(as_text=True)
    assert "Version 2, updated" in latest and "415 homes" in latest


def test_the_history_lists_every_version_newest_first(client, session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    articles.import_article(
        session, demo_text.replace("412", "415"), slug="flood", new_revision=True, summary="Toll"
    )
    html = client.get("/a/flood/history").get_data(as_text=True)
    assert html.index("Version 2") < html.index("Version 1")
    assert "Toll" in html and "First published." in html


def test_unknown_articles_and_versions_get_a_404_page(client, demo_article):
    for path in ("/a/nope", "/a/demo/v/9", "/a/nope/history", "/no/such/page"):
        page = client.get(path)
        assert page.status_code == 404, path
        assert page.mimetype == "text/html"
        assert b"Not found" in page.data


def test_pages_carry_security_headers(client, demo_article):
    headers = client.get("/a/demo").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_health_and_readiness_answer_json(client):
    assert client.get("/healthz").get_json() == {"status": "ok"}
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok"}


def test_the_article_answers_304_until_something_a_reader_sees_changes(
    app, client, session, demo_article
):
    first = client.get("/a/demo")
    etag = first.headers["ETag"]
    assert "no-cache" in first.headers["Cache-Control"]
    again = client.get("/a/demo", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    app.config["CORRECTIONS_MODERATION_MODE"] = "post"
    from corrections.services import comments
    from corrections.services.abuse import Submitter

    comments.post_comment(
        session,
        slug="demo",
        section_key="what-now",
        body="News",
        submitter=Submitter(secret="s", name="Bo"),
        site_mode="post",
    )
    changed = client.get("/a/demo", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_new_revision_changes_the_validator(client, session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    etag = client.get("/a/flood").headers["ETag"]
    articles.import_article(
        session, demo_text.replace("412", "415"), slug="flood", new_revision=True
    )
    assert client.get("/a/flood", headers={"If-None-Match": etag}).status_code == 200


def test_another_reader_never_gets_someone_elses_page_validated(app, client, demo_article):
    etag = client.get("/a/demo").headers["ETag"]
    stranger = app.test_client()
    assert stranger.get("/a/demo", headers={"If-None-Match": etag}).status_code == 200


def add_comments(session, article, count):
    from corrections.models import Comment, CommentStatus

    view = articles.read_article(session, article.slug)
    rows = [
        {
            "article_id": article.id,
            "section_id": view.sections[n % len(view.sections)].section_id,
            "author_name": f"Reader {n}",
            "body_source": "x",
            "body_html": f"<p>comment {n}</p>",
            "status": CommentStatus.PUBLISHED,
            "depth": 0,
            "flag_count": 0,
        }
        for n in range(count)
    ]
    session.execute(Comment.__table__.insert(), rows)
    session.commit()


def count_queries(app, client, path):
    from sqlalchemy import event

    from corrections.extensions import db

    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    # BEGIN depends on whether the test's session already had a transaction open.
    return len([s for s in statements if s.strip().upper() != "BEGIN"])


def test_the_article_page_runs_the_same_number_of_queries_for_10_or_1000_comments(
    app, client, session, demo_article, demo_text
):
    articles.import_article(session, demo_text, slug="other")
    add_comments(session, demo_article, 10)
    other = articles.get_article(session, "other")
    add_comments(session, other, 1000)
    few = count_queries(app, client, "/a/demo")
    many = count_queries(app, client, "/a/other")
    assert few == many
    assert many <= 12


def recorded(client, path, headers=None):
    from sqlalchemy import event

    from corrections.extensions import db

    statements: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, *_args):
        if statement.strip().upper() != "BEGIN":
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        response = client.get(path, headers=headers or {})
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    return response, statements


def test_a_304_reads_neither_the_text_nor_the_updates_however_many_there_are(
    client, session, demo_text
):
    text = demo_text + "".join(
        f"\nUpdate {n}, 16 October 2025: Figure {n} revised.\n" for n in range(1, 41)
    )
    articles.import_article(session, text, slug="flood")
    first = client.get("/a/flood")
    assert first.status_code == 200 and 'id="update-40"' in first.get_data(as_text=True)
    again, statements = recorded(client, "/a/flood", {"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    sql = " ".join(s for s, _ in statements).lower()
    assert "revision_sections" not in sql and "updates" not in sql and "section_texts" not in sql
    assert len(statements) <= 3  # the article's state, the comments' fingerprint (+ session)


@pytest.mark.skipif(BACKEND != "sqlite", reason="PostgreSQL's plans: tests/web/test_query_plans.py")
def test_held_comments_stay_out_of_the_article_validators_index_reads(
    app, client, session, demo_article
):
    add_comments(session, demo_article, 20)
    etag = client.get("/a/demo").headers["ETag"]
    response, statements = recorded(client, "/a/demo", {"If-None-Match": etag})
    assert response.status_code == 304
    on_comments = [(s, p) for s, p in statements if "FROM comments" in s]
    assert on_comments
    for statement, parameters in on_comments:
        plan = session.connection().exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters)
        detail = " ".join(row[-1] for row in plan)
        assert "COVERING INDEX ix_comments_article_state" in detail, detail
    session.rollback()


def test_every_response_carries_a_request_id_and_keeps_a_valid_incoming_one(client):
    generated = client.get("/healthz").headers["X-Request-Id"]
    assert len(generated) == 32
    kept = client.get("/healthz", headers={"X-Request-Id": "edge-1234abcd"})
    assert kept.headers["X-Request-Id"] == "edge-1234abcd"
    junk = client.get("/healthz", headers={"X-Request-Id": "<script>"})
    assert junk.headers["X-Request-Id"] != "<script>"


def test_readiness_checks_redis_when_configured(app, client):
    import os

    import pytest
    import redis

    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip(f"no Redis answers at {url} (set REDIS_URL); CI has one")
    app.config["REDIS_URL"] = url
    assert client.get("/readyz").get_json() == {"status": "ok", "database": "ok", "redis": "ok"}
    app.config["REDIS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    down = client.get("/readyz")
    assert down.status_code == 503 and down.get_json()["redis"].startswith("unavailable")
