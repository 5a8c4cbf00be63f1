"""The JSON API for articles and revisions, and its OpenAPI document."""

from __future__ import annotations

from openapi_spec_validator import validate

from corrections.services import articles


def test_articles_are_listed_with_their_latest_revision(client, demo_article):
    assert client.get("/api/v1/articles").get_json() == {
        "articles": [{"slug": "demo", "title": "Demo", "revision": 1}]
    }


def test_an_article_has_sections_and_updates(client, session, demo_text):
    articles.import_article(session, demo_text + "\nA note.\n", slug="flood", title="Flood")
    body = client.get("/api/v1/articles/flood").get_json()
    assert body["slug"] == "flood" and body["revision"] == 1
    assert body["sections"][0] == {
        "key": "introduction",
        "heading": "",
        "kind": "body",
        "text": body["sections"][0]["text"],
    }
    assert body["sections"][-1]["kind"] == "updates"
    assert body["updates"] == [
        {
            "number": 1,
            "body": "A note.",
            "published_at": body["updates"][0]["published_at"],
            "revision": 1,
        }
    ]
    assert body["published_at"].endswith("+00:00")


def test_revisions_are_listed_and_each_can_be_read(client, session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    articles.import_article(
        session, demo_text.replace("412", "415"), slug="flood", new_revision=True
    )
    listed = client.get("/api/v1/articles/flood/revisions").get_json()["revisions"]
    assert [r["number"] for r in listed] == [2, 1]
    first = client.get("/api/v1/articles/flood/revisions/1").get_json()
    assert first["revision"] == 1 and first["latest_revision"] == 2
    assert "412 homes" in first["sections"][0]["text"]


def test_errors_on_api_paths_are_json_with_a_stable_code(client, demo_article):
    for path in ("/api/v1/articles/nope", "/api/v1/articles/demo/revisions/9", "/api/v1/nothing"):
        response = client.get(path)
        assert response.status_code == 404
        assert response.mimetype == "application/json"
        assert response.get_json()["error"]["code"] == "not_found"
        assert response.get_json()["error"]["message"]


def test_a_wrong_method_is_a_json_405(client):
    response = client.post("/api/v1/articles")
    assert response.status_code == 405
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_the_openapi_document_is_valid_and_describes_every_route(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    assert {
        "/api/v1/articles",
        "/api/v1/articles/{slug}",
        "/api/v1/articles/{slug}/revisions",
        "/api/v1/articles/{slug}/revisions/{number}",
    } <= set(spec["paths"])
