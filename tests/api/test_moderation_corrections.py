"""Deciding on corrections through the API with a bearer token."""

from __future__ import annotations

import pytest

from corrections.models import Role
from corrections.services import tokens


@pytest.fixture
def bearer(session, make_user):
    def make(role: Role = Role.MODERATOR, email: str = "mod@example.org") -> dict[str, str]:
        user = make_user(email, role)
        _token, plaintext = tokens.create_token(session, user, "tests")
        return {"Authorization": f"Bearer {plaintext}"}

    return make


def url(correction, action=""):
    return f"/api/v1/moderation/corrections/{correction.id}" + (f"/{action}" if action else "")


def test_a_moderator_reads_a_correction_with_its_version(client, bearer, make_correction):
    correction, _ = make_correction()
    body = client.get(url(correction), headers=bearer()).get_json()
    assert body["version"] == 1 and body["status"] == "pending"
    assert body["quote"] == "412 homes" and body["section"] == "introduction"
    assert body["links"] == [{"url": "https://example.org/report", "domain": "example.org"}]
    assert body["suggested_update_text"].startswith("An earlier version said")


def test_accepting_answers_the_update_and_revision_numbers(client, bearer, make_correction):
    correction, _ = make_correction()
    response = client.post(
        url(correction, "accept"),
        json={"update_text": "Fixed.", "apply_proposed_text": True, "expected_version": 1},
        headers=bearer(),
    )
    assert response.status_code == 200
    assert response.get_json() == {"update": {"number": 1}, "revision": {"number": 2}}
    article = client.get("/api/v1/articles/demo").get_json()
    assert "415 homes" in article["sections"][0]["text"] and article["revision"] == 2


def test_a_second_accept_gets_409_conflict(client, bearer, make_correction):
    correction, _ = make_correction()
    headers = bearer()
    body = {"update_text": "Fixed.", "expected_version": 1}
    assert client.post(url(correction, "accept"), json=body, headers=headers).status_code == 200
    again = client.post(url(correction, "accept"), json=body, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"


def test_a_replacement_text_can_be_given(client, bearer, make_correction):
    correction, _ = make_correction()
    client.post(
        url(correction, "accept"),
        headers=bearer(),
        json={"update_text": "Fixed.", "replacement": "about 415 homes", "expected_version": 1},
    )
    text = client.get("/api/v1/articles/demo").get_json()["sections"][0]["text"]
    assert "about 415 homes had been evacuated" in text


def test_reject_duplicate_and_needs_info(client, bearer, make_correction):
    headers = bearer()
    first, _ = make_correction()
    second, _ = make_correction()
    third, _ = make_correction()
    rejected = client.post(
        url(first, "reject"),
        headers=headers,
        json={"reason": "no_reliable_source", "note": "", "expected_version": 1},
    )
    assert rejected.get_json() == {"id": first.id, "status": "rejected", "version": 2}
    dup = client.post(
        url(second, "duplicate"),
        headers=headers,
        json={"duplicate_of": first.id, "expected_version": 1},
    )
    assert dup.get_json()["status"] == "duplicate"
    info = client.post(
        url(third, "needs-info"),
        headers=headers,
        json={"message": "Which report?", "expected_version": 1},
    )
    assert info.get_json()["status"] == "needs_info"


def test_bad_bodies_are_422_with_fields(client, bearer, make_correction):
    correction, _ = make_correction()
    response = client.post(
        url(correction, "reject"),
        headers=bearer(),
        json={"reason": "whim", "expected_version": 0, "surprise": True},
    )
    assert response.status_code == 422
    assert {"reason", "expected_version", "surprise"} <= set(response.get_json()["error"]["fields"])


@pytest.mark.parametrize("action", ["", "accept", "reject", "duplicate", "needs-info"])
def test_without_a_token_401_and_with_a_readers_token_403(client, bearer, make_correction, action):
    correction, _ = make_correction()
    method = client.get if action == "" else client.post
    anonymous = method(url(correction, action), json={})
    assert anonymous.status_code == 401 and anonymous.headers["WWW-Authenticate"].startswith(
        "Bearer"
    )
    reader = method(url(correction, action), json={}, headers=bearer(Role.READER, "r@example.org"))
    assert reader.status_code == 403 and reader.get_json()["error"]["code"] == "forbidden"
