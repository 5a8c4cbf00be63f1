"""A correction's page for moderators, and deciding through it without JavaScript."""

from __future__ import annotations

import re

import pytest

from corrections.models import CorrectionStatus, Role
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


def test_signed_out_visitors_are_sent_to_sign_in(client, make_correction):
    correction, _ = make_correction()
    response = page(client, correction)
    assert response.status_code == 302 and "/signin" in response.headers["Location"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.READER, 403), (Role.MODERATOR, 200), (Role.AUTHOR, 200), (Role.ADMIN, 200)],
)
def test_only_moderators_and_above_see_the_page(
    client, make_user, login, make_correction, role, status
):
    make_user("x@example.org", role)
    login(client, "x@example.org")
    correction, _ = make_correction()
    assert page(client, correction).status_code == status
    assert client.get("/moderate/articles/demo/updates/new").status_code == status


def test_a_reader_cannot_post_a_decision(client, make_user, login, make_correction, csrf_token):
    make_user("r@example.org")
    login(client, "r@example.org")
    correction, _ = make_correction()
    token = csrf_token(client, "/a/demo")
    response = client.post(
        f"/moderate/corrections/{correction.id}/accept",
        data={"csrf_token": token, "update_text": "x", "version": "1"},
    )
    assert response.status_code == 403


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
