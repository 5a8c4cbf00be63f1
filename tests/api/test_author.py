"""The author's draft through the API with a bearer token."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

from corrections.models import Role
from corrections.services import decisions, tokens
from corrections.services.articles import read_article

DRAFT = "/api/v1/articles/demo/draft"


@pytest.fixture
def bearer(session, make_user, demo_article):
    def make(role: Role = Role.AUTHOR, email: str = "author@example.org") -> dict[str, str]:
        user = make_user(email, role)
        _token, plaintext = tokens.create_token(session, user, "tests")
        return {"Authorization": f"Bearer {plaintext}"}

    return make


CALLS = [
    ("get", DRAFT, None),
    ("put", DRAFT, {"sections": [], "summary": "", "expected_version": 1}),
    ("delete", DRAFT, None),
    ("post", f"{DRAFT}/rebase", {"expected_version": 1}),
    ("post", f"{DRAFT}/publish", {"summary": "x", "expected_version": 1}),
]


@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_every_draft_route_needs_a_token(client, demo_article, method, path, body):
    response = getattr(client, method)(path, json=body)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR])
@pytest.mark.parametrize(("method", "path", "body"), CALLS)
def test_readers_and_moderators_are_forbidden(client, bearer, role, method, path, body):
    headers = bearer(role, "someone@example.org")
    response = getattr(client, method)(path, json=body, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_authors_and_admins_get_their_draft(client, bearer, role):
    body = client.get(DRAFT, headers=bearer(role, "writer@example.org")).get_json()
    assert body["version"] == 1 and body["base_revision"] == 1 and body["latest_revision"] == 1
    assert body["article"] == "demo" and body["applied_corrections"] == []
    assert body["sections"][0]["key"] == "introduction"
    assert body["sections"][-1] == {
        "key": "update",
        "heading": "UPDATE",
        "kind": "updates",
        "text": "",
    }


def test_save_and_publish_make_version_two(client, bearer, session):
    headers = bearer()
    draft = client.get(DRAFT, headers=headers).get_json()
    sections = draft["sections"]
    sections[0]["text"] = sections[0]["text"].replace("412 homes", "415 homes")
    sections.insert(2, {"heading": "WHAT WE KNOW", "text": "Three things."})
    saved = client.put(
        DRAFT,
        json={"sections": sections, "summary": "Draft", "expected_version": 1},
        headers=headers,
    )
    assert saved.status_code == 200
    assert saved.get_json()["version"] == 2
    assert saved.get_json()["sections"][2]["key"] == "what-we-know"

    published = client.post(
        f"{DRAFT}/publish",
        json={"summary": "Fixed the count", "expected_version": 2},
        headers=headers,
    )
    assert published.status_code == 200
    assert published.get_json() == {"revision": {"number": 2}}
    article = client.get("/api/v1/articles/demo").get_json()
    assert article["revision"] == 2 and "415 homes" in article["sections"][0]["text"]
    revisions = client.get("/api/v1/articles/demo/revisions").get_json()["revisions"]
    assert revisions[0]["kind"] == "edit" and revisions[0]["summary"] == "Fixed the count"


def test_a_stale_save_gets_409(client, bearer):
    headers = bearer()
    sections = client.get(DRAFT, headers=headers).get_json()["sections"]
    body = {"sections": sections, "summary": "", "expected_version": 1}
    assert client.put(DRAFT, json=body, headers=headers).status_code == 200
    stale = client.put(DRAFT, json=body, headers=headers)
    assert stale.status_code == 409 and stale.get_json()["error"]["code"] == "conflict"


def test_unknown_fields_are_refused(client, bearer):
    headers = bearer()
    sections = client.get(DRAFT, headers=headers).get_json()["sections"]
    sections[0]["colour"] = "red"
    refused = client.put(DRAFT, json={"sections": sections, "expected_version": 1}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "invalid"
    extra = client.post(
        f"{DRAFT}/publish",
        json={"summary": "x", "expected_version": 1, "force": True},
        headers=headers,
    )
    assert extra.status_code == 422 and "force" in extra.get_json()["error"]["fields"]


def test_a_draft_that_breaks_the_rules_gets_422_with_the_field(client, bearer):
    headers = bearer()
    sections = client.get(DRAFT, headers=headers).get_json()["sections"]
    sections[1]["heading"] = ""
    refused = client.put(DRAFT, json={"sections": sections, "expected_version": 1}, headers=headers)
    assert refused.status_code == 422
    assert "sections-1-heading" in refused.get_json()["error"]["fields"]


def test_publishing_after_someone_else_published_answers_409_with_the_changes(
    client, bearer, session, make_user, make_correction
):
    headers = bearer()
    sections = client.get(DRAFT, headers=headers).get_json()["sections"]
    sections[1]["text"] = "The author's own account."
    client.put(DRAFT, json={"sections": sections, "expected_version": 1}, headers=headers)
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes.",
        apply_text=True,
        expected_version=correction.version,
    )

    refused = client.post(
        f"{DRAFT}/publish", json={"summary": "Mine", "expected_version": 2}, headers=headers
    )

    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "conflict" and "Version 2 was published" in error["message"]
    assert (error["base_revision"], error["latest_revision"]) == (1, 2)
    [change] = error["changes"]
    assert change["key"] == "introduction" and change["changed_in_draft"] is False
    assert ["insert", "415"] in change["diff"] and error["updates"] == [1]
    assert read_article(session, "demo").revision.number == 2

    rebased = client.post(f"{DRAFT}/rebase", json={"expected_version": 2}, headers=headers)
    assert rebased.status_code == 200
    assert rebased.get_json()["took_newer"] == ["introduction"]
    assert rebased.get_json()["draft"]["base_revision"] == 2
    published = client.post(
        f"{DRAFT}/publish", json={"summary": "Mine", "expected_version": 3}, headers=headers
    )
    assert published.get_json() == {"revision": {"number": 3}}
    view = read_article(session, "demo")
    assert "415 homes" in view.sections[0].text
    assert view.sections[1].text == "The author's own account."


def test_deleting_the_draft_starts_over(client, bearer):
    headers = bearer()
    sections = client.get(DRAFT, headers=headers).get_json()["sections"]
    sections[0]["text"] = "Scrap this."
    client.put(DRAFT, json={"sections": sections, "expected_version": 1}, headers=headers)
    assert client.delete(DRAFT, headers=headers).status_code == 204
    fresh = client.get(DRAFT, headers=headers).get_json()
    assert fresh["version"] == 1 and fresh["sections"][0]["text"] != "Scrap this."


def test_an_unknown_article_is_404(client, bearer):
    response = client.get("/api/v1/articles/nope/draft", headers=bearer())
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_the_draft_routes_are_in_a_valid_openapi_document(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    operations = spec["paths"]["/api/v1/articles/{slug}/draft/publish"]["post"]
    assert "409" in operations["responses"] and operations["security"] == [{"bearerAuth": []}]


@pytest.mark.parametrize("opening", ["[", '{"a":'])
@pytest.mark.parametrize("where", ["body", "field"])
def test_deeply_nested_json_is_refused_with_400(client, bearer, opening, where):
    closing = "]" if opening == "[" else "}"
    nested = opening * 100_000 + "1" + closing * 100_000
    raw = nested if where == "body" else '{"sections": ' + nested + ', "expected_version": 1}'
    response = client.put(DRAFT, data=raw, content_type="application/json", headers=bearer())
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "bad_request" and "too deeply nested" in error["message"]


def test_json_nested_a_little_is_an_ordinary_field_error(client, bearer):
    raw = '{"sections": ' + "[" * 50 + "]" * 50 + ', "expected_version": 1}'
    response = client.put(DRAFT, data=raw, content_type="application/json", headers=bearer())
    assert response.status_code == 422 and "sections" in response.get_json()["error"]["fields"]


def accept_412(session, make_user, make_correction):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes.",
        apply_text=True,
        expected_version=correction.version,
    )
    return correction


def test_a_rebase_lists_what_needs_a_look_and_the_draft_keeps_it_until_checked(
    client, bearer, session, make_user, make_correction
):
    headers = bearer()
    sections = client.get(DRAFT, headers=headers).get_json()["sections"]
    sections[0]["text"] = sections[0]["text"].replace("412 homes", "about 400 homes")
    sections[0]["text"] = sections[0]["text"].replace("3 people", "4 people")
    client.put(DRAFT, json={"sections": sections, "expected_version": 1}, headers=headers)
    accept_412(session, make_user, make_correction)

    rebased = client.post(f"{DRAFT}/rebase", json={"expected_version": 2}, headers=headers)

    body = rebased.get_json()
    assert rebased.status_code == 200
    assert body["needs_look"] == ["introduction"] and body["merged"] == []
    look = {
        "key": "introduction",
        "label": "Introduction",
        "reason": "overlap",
        "passages": [{"part": "text", "base": "412", "mine": "about 400", "theirs": "415"}],
        "version": 2,
    }
    assert body["looks"] == [look] and body["draft"]["needs_look"] == [look]
    assert client.get(DRAFT, headers=headers).get_json()["needs_look"] == [look]

    sections = body["draft"]["sections"]
    checked = client.put(
        DRAFT,
        json={"sections": sections, "expected_version": 3, "checked": ["introduction"]},
        headers=headers,
    )
    assert checked.status_code == 200 and checked.get_json()["needs_look"] == []


def test_publishing_that_undoes_an_accepted_fix_answers_409_until_confirmed(
    client, bearer, session, make_user, make_correction
):
    correction = accept_412(session, make_user, make_correction)
    headers = bearer()
    sections = client.get(DRAFT, headers=headers).get_json()["sections"]
    sections[0]["text"] = sections[0]["text"].replace("415 homes", "412 homes")
    client.put(DRAFT, json={"sections": sections, "expected_version": 1}, headers=headers)

    refused = client.post(
        f"{DRAFT}/publish", json={"summary": "Back", "expected_version": 2}, headers=headers
    )

    assert refused.status_code == 409
    error = refused.get_json()["error"]
    assert error["code"] == "undoes_correction" and "would undo" in error["message"]
    assert error["undone"] == [
        {
            "correction": correction.id,
            "update": 1,
            "section": "introduction",
            "old_words": "412 homes",
            "new_words": "415 homes",
        }
    ]
    confirmed = client.post(
        f"{DRAFT}/publish",
        json={"summary": "Back", "expected_version": 2, "confirm_undo": True},
        headers=headers,
    )
    assert confirmed.get_json() == {"revision": {"number": 3}}
