"""The corrections API: submitting with sources, retrying safely, and tracking with a token."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from corrections.models import Correction, CorrectionStatus, Role

URL = "/api/v1/articles/demo/corrections"


def body(**changes):
    return {
        "section": "introduction",
        "quote": {"exact": "412 homes", "prefix": "morning ", "suffix": " had"},
        "kind": "correction",
        "proposed_text": "415 homes",
        "explanation": "The council revised it.",
        "links": ["https://example.org/report", "https://example.org/report/"],
        "reporter_name": "Ann",
        "reporter_email": "ann@example.org",
        **changes,
    }


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(Correction))


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


def test_a_correction_is_accepted_for_review_with_its_tracking_token(client, demo_article):
    response = client.post(URL, json=body())
    assert response.status_code == 202
    data = response.get_json()
    assert set(data) == {"correction", "tracking_token"}
    assert data["correction"]["status"] == "pending"
    assert data["tracking_token"].startswith("trk_")
    path = f"/api/v1/corrections/{data['correction']['id']}"
    tracked = client.get(path, headers=bearer(data["tracking_token"]))
    assert tracked.status_code == 200
    assert tracked.headers["Cache-Control"] == "no-store"
    assert tracked.get_json() == {
        "id": data["correction"]["id"],
        "status": "pending",
        "kind": "correction",
        "decision_reason": None,
        "decision_note": None,
        "info_request": None,
        "update": None,
        "revision": None,
        "applied_in": None,
    }


def test_the_status_shows_the_decision(client, session, make_correction):
    correction, token = make_correction()
    correction.status = CorrectionStatus.REJECTED
    correction.decision_reason = "not_supported"
    correction.decision_note = "The source says 412."
    session.commit()
    data = client.get(f"/api/v1/corrections/{correction.public_id}", headers=bearer(token))
    assert data.get_json()["status"] == "rejected"
    assert data.get_json()["decision_note"] == "The source says 412."


def test_an_accepted_and_applied_correction_says_where_and_in_which_version(
    client, session, make_correction, make_user
):
    from corrections.services import decisions

    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, token = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes; it is 415.",
        apply_text=True,
        expected_version=correction.version,
    )
    data = client.get(f"/api/v1/corrections/{correction.public_id}", headers=bearer(token))
    found = data.get_json()
    assert (found["status"], found["update"], found["revision"]) == ("accepted", 1, 2)
    assert found["applied_in"] == 2


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer trk_guess"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
)
def test_without_the_right_token_a_correction_is_not_found(client, make_correction, headers):
    correction, _token = make_correction()
    response = client.get(f"/api/v1/corrections/{correction.public_id}", headers=headers)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_field_problems_are_422_with_the_fields_named(client, session, demo_article):
    response = client.post(
        URL,
        json=body(
            quote={"exact": "not in the text"},
            links=["https://example.org/", "javascript:alert(1)"],
            proposed_text="",
            reporter_email="nope",
        ),
    )
    assert response.status_code == 422
    error = response.get_json()["error"]
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"quote", "links-1", "proposed_text", "reporter_email"}
    assert "http and https" in error["fields"]["links-1"][0]
    assert stored(session) == 0


def test_six_links_and_no_links_are_refused(client, session, demo_article):
    six = [f"https://example.org/{n}" for n in range(6)]
    assert client.post(URL, json=body(links=six)).get_json()["error"]["fields"] == {
        "links": ["At most 5 source links."]
    }
    assert client.post(URL, json=body(links=[])).status_code == 422
    assert stored(session) == 0


@pytest.mark.parametrize(
    "changes",
    [
        {"sneaky": True},
        {"quote": {"exact": "412 homes", "start": 3}},
        {"status": "accepted"},
    ],
)
def test_unknown_fields_are_refused(client, session, demo_article, changes):
    response = client.post(URL, json=body(**changes))
    assert response.status_code == 422
    fields = response.get_json()["error"]["fields"]
    assert "Unknown field." in str(fields)
    assert stored(session) == 0


def test_missing_fields_are_named(client, demo_article):
    response = client.post(URL, json={"section": "introduction"})
    assert response.status_code == 422
    assert {"quote", "kind", "proposed_text", "links", "reporter_name"} <= set(
        response.get_json()["error"]["fields"]
    )


def test_an_unknown_article_or_section_is_404(client, demo_article):
    assert client.post("/api/v1/articles/nope/corrections", json=body()).status_code == 404
    assert client.post(URL, json=body(section="nowhere")).status_code == 404


def test_a_repeat_with_the_same_idempotency_key_returns_the_first_correction(
    client, session, demo_article
):
    headers = {"Idempotency-Key": "retry-7f3a"}
    first = client.post(URL, json=body(), headers=headers)
    second = client.post(URL, json=body(), headers=headers)
    assert (first.status_code, second.status_code) == (202, 200)
    assert second.get_json()["correction"] == first.get_json()["correction"]
    assert second.get_json()["tracking_token"] is None
    other = client.post(
        URL, json=body(proposed_text="416 homes"), headers={"Idempotency-Key": "another"}
    )
    assert other.status_code == 202
    assert stored(session) == 2


@pytest.mark.rate_limited
def test_the_api_shares_the_forms_rate_limit(app, client, demo_article):
    app.config["RATELIMIT_CORRECTIONS"] = "2 per minute"
    codes = [client.post(URL, json=body(proposed_text=f"{n} homes")).status_code for n in range(3)]
    assert codes == [202, 202, 429]
    limited = client.post(URL, json=body(proposed_text="9 homes"))
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert int(limited.headers["Retry-After"]) > 0


def test_the_openapi_document_describes_the_corrections_api(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    submit = spec["paths"]["/api/v1/articles/{slug}/corrections"]["post"]
    assert {"202", "200", "422", "429"} <= set(submit["responses"])
    assert any(p["name"] == "Idempotency-Key" for p in submit["parameters"])
    track = spec["paths"]["/api/v1/corrections/{public_id}"]["get"]
    assert track["security"] == [{"trackingToken": []}]
    assert spec["components"]["securitySchemes"]["trackingToken"]["scheme"] == "bearer"
