"""The JSON difference between two versions: GET /api/v1/articles/<slug>/diff."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from corrections.models import Role
from corrections.services import articles, decisions

SECTION_FIELDS = {"key", "status", "renamed", "moved", "old_heading", "new_heading", "ops"}


@pytest.fixture
def two_versions(session, demo_text):
    articles.import_article(session, demo_text, slug="flood", title="Flood")
    revised = (
        demo_text.replace("412 homes", "415 homes")
        .replace("WHAT NOW?", "WHAT NEXT?")
        .replace("Tuesday, 14 October.", "Tuesday, 14 October. <script>x</script>")
    )
    articles.import_article(
        session, revised + "\nPower is back.\n", slug="flood", new_revision=True
    )


def sections_by_key(body):
    return {s["key"]: s for s in body["sections"]}


def test_the_diff_has_every_section_with_word_ops_and_the_updates_added(client, two_versions):
    response = client.get("/api/v1/articles/flood/diff?from=1&to=2")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"from", "to", "sections", "updates_added", "updates_removed"}
    assert (body["from"], body["to"]) == (1, 2)
    assert all(set(s) == SECTION_FIELDS for s in body["sections"])
    sections = sections_by_key(body)
    intro = sections["introduction"]
    assert intro["status"] == "changed" and intro["renamed"] is False
    assert ["delete", "412"] in intro["ops"] and ["insert", "415"] in intro["ops"]
    assert all(op[0] in {"equal", "insert", "delete"} and len(op) == 2 for op in intro["ops"])
    # Raw text, never HTML: a client escapes it as it needs.
    assert [
        "insert",
        " <script>x</script>",
    ] in sections["what-happened"]["ops"]
    assert sections["what-now"]["status"] == "removed"
    assert sections["what-now"]["new_heading"] is None
    assert sections["what-next"] | {"ops": None} == {
        "key": "what-next",
        "status": "added",
        "renamed": False,
        "moved": False,
        "old_heading": None,
        "new_heading": "WHAT NEXT?",
        "ops": None,
    }
    assert sections["a-longer-view"]["status"] == "unchanged"
    [update] = body["updates_added"]
    assert (update["number"], update["body"], update["revision"]) == (1, "Power is back.", 2)
    assert update["published_at"].endswith("+00:00")
    assert body["updates_removed"] == []


def test_backwards_the_diff_undoes_the_changes(client, two_versions):
    body = client.get("/api/v1/articles/flood/diff?from=2&to=1").get_json()
    assert (body["from"], body["to"]) == (2, 1)
    intro = sections_by_key(body)["introduction"]
    assert ["delete", "415"] in intro["ops"] and ["insert", "412"] in intro["ops"]
    assert body["updates_added"] == []
    assert [u["number"] for u in body["updates_removed"]] == [1]


def test_an_accepted_correction_shows_as_an_update_added(
    client, session, make_user, make_correction
):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="Homes: 415.",
        apply_text=False,
        expected_version=correction.version,
    )
    body = client.get("/api/v1/articles/demo/diff?from=1&to=2").get_json()
    assert [(u["number"], u["body"]) for u in body["updates_added"]] == [(1, "Homes: 415.")]
    assert all(s["status"] == "unchanged" for s in body["sections"])


def test_missing_or_invalid_versions_are_a_422_naming_the_field(client, two_versions):
    for query, field in (
        ("", "from"),
        ("?from=1", "to"),
        ("?from=one&to=2", "from"),
        ("?from=1&to=0", "to"),
        ("?from=1.5&to=2", "from"),
    ):
        response = client.get(f"/api/v1/articles/flood/diff{query}")
        assert response.status_code == 422, query
        error = response.get_json()["error"]
        assert error["code"] == "invalid" and field in error["fields"], query


def test_unknown_articles_and_versions_are_a_404(client, two_versions):
    for path, message in (
        ("/api/v1/articles/nope/diff?from=1&to=2", "no article called 'nope'"),
        ("/api/v1/articles/flood/diff?from=1&to=7", "no version 7"),
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        error = response.get_json()["error"]
        assert error["code"] == "not_found" and message in error["message"]


def test_the_openapi_document_describes_the_diff(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    operation = spec["paths"]["/api/v1/articles/{slug}/diff"]["get"]
    assert {p["name"] for p in operation["parameters"] if p["in"] == "query"} == {"from", "to"}
    assert {"200", "404", "422"} <= set(operation["responses"])
    schema = spec["components"]["schemas"]["SectionDiff"]
    assert SECTION_FIELDS == set(schema["properties"])
