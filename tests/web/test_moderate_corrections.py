"""A correction's page for moderators, and deciding through it without JavaScript."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from corrections.models import (
    Correction,
    CorrectionStatus,
    ModerationAction,
    OutboxMessage,
    Revision,
    Role,
    Update,
)
from corrections.services import decisions, users
from corrections.services.abuse import Submitter
from corrections.services.articles import read_article
from tests.conftest import csrf_token_in
from tests.forms import hidden_fields


@pytest.fixture
def moderator_client(app, client, make_user, login):
    make_user("mod@example.org", Role.MODERATOR)
    login(client, "mod@example.org")
    return client


def page(client, correction):
    return client.get(f"/moderate/corrections/{correction.id}")


def test_the_page_shows_the_passage_the_proposal_and_the_sources(moderator_client, make_correction):
    correction, _ = make_correction()
    html = page(moderator_client, correction).get_data(as_text=True)
    assert "<mark>412 homes</mark>" in html
    assert "These words are still in the latest version" in html
    assert "415 homes" in html and "example.org</strong>" in html
    assert 'rel="nofollow noopener noreferrer"' in html
    assert (
        "An earlier version said “412 homes”; 415 homes. (Sources: https://example.org/report)"
        in html
    )


def test_the_page_loads_the_keys_script_deferred_with_no_inline_script(
    moderator_client, make_correction
):
    correction, _ = make_correction()
    html = page(moderator_client, correction).get_data(as_text=True)
    assert '<script src="/static/moderation.js" defer></script>' in html
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html) == []
    assert 'id="keys-dialog"' in html and "Go to the reason, to reject" in html
    assert 'data-key="a"' in html and 'data-key="r"' in html


def test_accepting_through_the_form_publishes_version_two(
    moderator_client, session, make_correction
):
    correction, _ = make_correction()
    html = page(moderator_client, correction).get_data(as_text=True)
    fields = hidden_fields(html, f"/moderate/corrections/{correction.id}/accept")
    response = moderator_client.post(
        f"/moderate/corrections/{correction.id}/accept",
        data={
            **fields,
            "update_text": "An earlier version said 412 homes; it was 415.",
            "apply_text": "y",
        },
    )
    assert response.status_code == 303
    done = moderator_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Update 1 is published in version 2" in done
    view = read_article(session, "demo")
    assert view.revision.number == 2 and "415 homes" in view.sections[0].text
    article = moderator_client.get("/a/demo").get_data(as_text=True)
    assert "Version 2, updated" in article and 'id="update-1"' in article


def test_a_stale_form_gets_409_and_the_current_state(moderator_client, session, make_correction):
    correction, _ = make_correction()
    html = page(moderator_client, correction).get_data(as_text=True)
    accept_fields = hidden_fields(html, f"/moderate/corrections/{correction.id}/accept")
    reject_fields = hidden_fields(html, f"/moderate/corrections/{correction.id}/reject")
    moderator_client.post(
        f"/moderate/corrections/{correction.id}/reject",
        data={**reject_fields, "reason": "spam", "note": ""},
    )
    late = moderator_client.post(
        f"/moderate/corrections/{correction.id}/accept",
        data={**accept_fields, "update_text": "Late"},
    )
    assert late.status_code == 409
    assert "decided or changed since you opened it" in late.get_data(as_text=True)
    session.refresh(correction)
    assert correction.status == CorrectionStatus.REJECTED


def test_an_empty_update_text_is_refused_and_the_form_kept(moderator_client, make_correction):
    correction, _ = make_correction()
    html = page(moderator_client, correction).get_data(as_text=True)
    fields = hidden_fields(html, f"/moderate/corrections/{correction.id}/accept")
    response = moderator_client.post(
        f"/moderate/corrections/{correction.id}/accept", data={**fields, "update_text": " "}
    )
    assert response.status_code == 422
    assert "Write the update text." in response.get_data(as_text=True)


# Who may use each page and decision ------------------------------------------------------


@pytest.fixture
def targets(app, session, make_correction, moderator_for_setup):
    """One correction per decision (and one decided, to reopen), and an earlier one for
    "duplicate of"."""
    made = {
        name: make_correction(proposed_text=f"{400 + n} homes")[0]
        for n, name in enumerate(
            ["earlier", "accept", "reject", "duplicate", "needs-info", "reopen"]
        )
    }
    decisions.reject(
        session,
        moderator_for_setup,
        made["reopen"].id,
        reason="spam",
        note="",
        expected_version=made["reopen"].version,
    )
    return {name: c.id for name, c in made.items()}


@pytest.fixture
def moderator_for_setup(make_user):
    return make_user("setup@example.org", Role.MODERATOR)


def version_of(session, correction_id: int) -> str:
    session.expire_all()
    return str(session.get(Correction, correction_id).version)


# name, method, path, form data (given the session and the targets), what success leaves
ROUTES = [
    ("page", "GET", "/moderate/corrections/{accept}", None, None),
    ("chooser", "GET", "/moderate/updates/new", None, None),
    ("update form", "GET", "/moderate/articles/demo/updates/new", None, None),
    (
        "accept",
        "POST",
        "/moderate/corrections/{accept}/accept",
        lambda s, t: {"update_text": "It was 401.", "version": version_of(s, t["accept"])},
        ("accept", CorrectionStatus.ACCEPTED),
    ),
    (
        "reject",
        "POST",
        "/moderate/corrections/{reject}/reject",
        lambda s, t: {"reason": "spam", "note": "", "version": version_of(s, t["reject"])},
        ("reject", CorrectionStatus.REJECTED),
    ),
    (
        "duplicate",
        "POST",
        "/moderate/corrections/{duplicate}/duplicate",
        lambda s, t: {"duplicate_of": t["earlier"], "version": version_of(s, t["duplicate"])},
        ("duplicate", CorrectionStatus.DUPLICATE),
    ),
    (
        "needs-info",
        "POST",
        "/moderate/corrections/{needs-info}/needs-info",
        lambda s, t: {"message": "Which report?", "version": version_of(s, t["needs-info"])},
        ("needs-info", CorrectionStatus.NEEDS_INFO),
    ),
    (
        "reopen",
        "POST",
        "/moderate/corrections/{reopen}/reopen",
        lambda s, t: {"reason": "Too quick.", "version": version_of(s, t["reopen"])},
        ("reopen", CorrectionStatus.PENDING),
    ),
    (
        "update by hand",
        "POST",
        "/moderate/articles/demo/updates/new",
        lambda s, t: {"update_text": "Power is back."},
        None,
    ),
]
ROUTE_IDS = [name for name, *_ in ROUTES]


def state(session, targets) -> tuple:
    """Everything a decision could change."""
    session.expire_all()
    statuses = {name: session.get(Correction, cid).status for name, cid in targets.items()}
    counts = [
        session.scalar(select(func.count()).select_from(model))
        for model in (ModerationAction, Update, Revision, OutboxMessage)
    ]
    return statuses, counts


def call(client, session, targets, method, path, data):
    url = path.format(**targets)
    if method == "GET":
        return client.get(url)
    token = csrf_token_in(client.get("/a/demo").get_data(as_text=True))
    return client.post(url, data={**data(session, targets), "csrf_token": token})


@pytest.mark.parametrize(("name", "method", "path", "data", "done"), ROUTES, ids=ROUTE_IDS)
def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_changes(
    client, session, targets, name, method, path, data, done
):
    before = state(session, targets)
    response = call(client, session, targets, method, path, data)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/signin")
    assert state(session, targets) == before


@pytest.mark.parametrize(("name", "method", "path", "data", "done"), ROUTES, ids=ROUTE_IDS)
def test_readers_get_403_and_nothing_changes(
    client, session, make_user, login, targets, name, method, path, data, done
):
    make_user("r@example.org")
    login(client, "r@example.org")
    before = state(session, targets)
    response = call(client, session, targets, method, path, data)
    assert response.status_code == 403
    assert state(session, targets) == before


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUTHOR, Role.ADMIN])
@pytest.mark.parametrize(("name", "method", "path", "data", "done"), ROUTES, ids=ROUTE_IDS)
def test_moderators_authors_and_admins_may_use_every_page_and_decision(
    client, session, make_user, login, targets, role, name, method, path, data, done
):
    make_user("staff@example.org", role)
    login(client, "staff@example.org")
    response = call(client, session, targets, method, path, data)
    if method == "GET":
        assert response.status_code == 200
        return
    assert response.status_code == 303, response.get_data(as_text=True)
    if done is None:  # the update by hand
        assert response.headers["Location"].endswith("#update-1")
        assert session.scalars(select(Update.body)).all() == ["Power is back."]
        return
    target, status = done
    statuses, _ = state(session, targets)
    assert statuses[target] == status
    actor = session.scalars(select(ModerationAction).order_by(ModerationAction.id.desc())).first()
    assert actor.actor_id == users.find_user(session, "staff@example.org").id


def test_adding_an_update_by_hand(moderator_client, session, demo_article):
    form = moderator_client.get("/moderate/articles/demo/updates/new").get_data(as_text=True)
    response = moderator_client.post(
        "/moderate/articles/demo/updates/new",
        data={**hidden_fields(form), "update_text": "Power is back."},
    )
    assert response.status_code == 303 and response.headers["Location"].endswith("#update-1")
    assert read_article(session, "demo").updates[0].body == "Power is back."


def test_the_moderation_navigation_leads_to_adding_an_update_by_hand(
    moderator_client, demo_article
):
    queue = moderator_client.get("/moderate").get_data(as_text=True)
    assert '<a href="/moderate/updates/new">Add an update</a>' in queue
    chooser = moderator_client.get("/moderate/updates/new").get_data(as_text=True)
    assert '<a href="/moderate/articles/demo/updates/new">Add an update to Demo</a>' in chooser
    form = moderator_client.get("/moderate/articles/demo/updates/new").get_data(as_text=True)
    assert 'To <a href="/a/demo">Demo</a> (now version 1)' in form


def test_the_article_page_offers_moderators_an_update_by_hand_and_readers_not(
    client, make_user, login, demo_article
):
    link = '<a href="/moderate/articles/demo/updates/new">Add an update</a>'
    assert link not in client.get("/a/demo").get_data(as_text=True)
    make_user("r@example.org")
    login(client, "r@example.org")
    assert link not in client.get("/a/demo").get_data(as_text=True)
    client.post("/signout", data={"csrf_token": csrf_token_in(client.get("/a/demo").text)})
    make_user("mod@example.org", Role.MODERATOR)
    login(client, "mod@example.org")
    assert link in client.get("/a/demo").get_data(as_text=True)


def test_an_update_by_hand_to_an_unknown_article_is_a_404(moderator_client, demo_article):
    assert moderator_client.get("/moderate/articles/nope/updates/new").status_code == 404


def test_the_page_lists_only_the_reporters_earlier_corrections(
    app, moderator_client, make_correction
):
    ann = Submitter(secret=app.config["SECRET_KEY"], name="Ann", email="ann@example.org")
    first, _ = make_correction(submitter=ann, proposed_text="413 homes")
    middle, _ = make_correction(submitter=ann, proposed_text="414 homes")
    later, _ = make_correction(submitter=ann, proposed_text="415 homes")
    html = moderator_client.get(f"/moderate/corrections/{middle.id}").get_data(as_text=True)
    earlier = html.split("This reporter's earlier corrections", 1)[1]
    assert f">#{first.id}</a>" in earlier and f">#{later.id}</a>" not in earlier
