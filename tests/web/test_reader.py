"""Reader pages: the list, the article at any version, its history, and 404s."""

from __future__ import annotations

from corrections.services import articles


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
