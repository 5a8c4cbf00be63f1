"""Suggesting a correction without JavaScript, and following it on the private tracking page."""

from __future__ import annotations

import re
import time

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from corrections.models import (
    Ban,
    BanKind,
    Correction,
    CorrectionStatus,
    RevisionKind,
    Update,
)
from corrections.services.abuse import email_ban_hash
from corrections.services.revisions import lock_article, publish_revision
from tests.forms import hidden_fields

PAGE = "/a/demo/s/introduction/correct"
SOURCES = ["https://example.org/report", "https://news.example.com/flood"]


def form_fields(client, page=PAGE) -> dict[str, str]:
    return hidden_fields(client.get(page).get_data(as_text=True), page)


def send(client, fields=None, links=SOURCES, **values):
    data = {
        **(fields if fields is not None else form_fields(client)),
        "quote": "412 homes",
        "kind": "correction",
        "proposed_text": "415 homes",
        "explanation": "The council revised it.",
        "name": "Ann",
        "email": "",
        **{f"links-{n}": url for n, url in enumerate(links)},
        **values,
    }
    return client.post(PAGE, data=data)


def stored(session) -> list[Correction]:
    return list(session.scalars(select(Correction).order_by(Correction.id)))


def open_tracking(client, correction, token):
    """Follow the private link, as a reader on another device would."""
    return client.get(f"/c/{correction.public_id}?token={token}")


def set_status(session, correction, status, **values):
    for name, value in {"status": status, **values}.items():
        setattr(correction, name, value)
    session.commit()


def test_the_page_shows_the_section_text_and_every_field(client, demo_article):
    page = client.get(PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "By Wednesday morning 412 homes had been evacuated" in html
    for name in ("quote", "kind", "proposed_text", "explanation", "name", "email"):
        assert f'name="{name}"' in html
    assert all(f'name="links-{n}"' in html for n in range(5))
    assert "only to tell you of the decision; never shown" in html.lower()
    honeypot = re.search(r'<div class="honeypot" aria-hidden="true">.*?</div>', html, re.S)
    assert honeypot and 'tabindex="-1"' in honeypot[0] and 'autocomplete="off"' in honeypot[0]
    assert page.headers["Referrer-Policy"] == "no-referrer"


def test_the_selection_helper_prefills_the_quote_and_its_context(client, demo_article):
    html = client.get(
        PAGE, query_string={"quote": "412 homes", "prefix": "morning ", "suffix": " had"}
    ).get_data(as_text=True)
    assert ">412 homes</textarea>" in html
    assert 'name="quote_prefix" type="hidden" value="morning "' in html
    assert 'name="quote_suffix" type="hidden" value=" had"' in html


def test_the_update_section_explains_where_to_correct_instead(client, demo_article):
    html = client.get("/a/demo/s/update/correct").get_data(as_text=True)
    assert "suggest the correction on the section it concerns" in html
    assert 'name="quote"' not in html


def test_an_unknown_section_is_a_404_page(client, demo_article):
    assert client.get("/a/demo/s/nowhere/correct").status_code == 404


def test_a_correction_with_two_links_lands_on_the_tracking_page(
    client, session, demo_article, fast_forms
):
    response = send(client)
    [correction] = stored(session)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{correction.public_id}"
    cookie = response.headers["Set-Cookie"]
    assert f"Path=/c/{correction.public_id}" in cookie
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Pending review" in html
    assert [link.url for link in correction.links] == SOURCES
    assert f"/c/{correction.public_id}?token=trk_" in html  # the private link, once
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    again = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    assert "Pending review" in again and "?token=" not in again


def test_the_links_are_normalized_and_deduplicated(client, session, demo_article, fast_forms):
    send(client, links=["HTTPS://Example.ORG/report", "https://example.org/report", ""])
    [correction] = stored(session)
    assert [link.url for link in correction.links] == ["https://example.org/report"]


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,hi"])
def test_javascript_and_data_links_are_refused_and_what_was_typed_is_kept(
    client, session, demo_article, fast_forms, bad
):
    response = send(client, links=["https://example.org/", bad], explanation="My reasons")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and stored(session) == []
    assert "Only http and https links are accepted" in html
    assert 'id="links-1-err"' in html
    assert re.search(r'name="links-1"[^>]*aria-describedby="links-1-err" aria-invalid="true"', html)
    assert "My reasons</textarea>" in html and 'value="https://example.org/"' in html


def test_a_correction_without_a_link_is_refused(client, session, demo_article, fast_forms):
    response = send(client, links=[])
    assert response.status_code == 422 and stored(session) == []
    assert "Add at least one source link." in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("", "Select or type the words"),
        ("the", "include a few more words"),
        ("nope", "could not find"),
    ],
)
def test_a_missing_or_ambiguous_quote_is_tied_to_the_quote_field_and_nothing_is_lost(
    client, session, demo_article, fast_forms, quote, message
):
    response = send(client, quote=quote, proposed_text="Four <b>hundred</b>", name="Ann Smith")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and stored(session) == []
    assert message in html
    assert re.search(r'id="quote"[^>]*aria-describedby="quote-hint quote-err"', html)
    assert 'aria-invalid="true"' in html and 'id="quote-err"' in html
    assert "Four &lt;b&gt;hundred&lt;/b&gt;</textarea>" in html
    assert 'value="Ann Smith"' in html and f'value="{SOURCES[1]}"' in html


def test_every_problem_is_listed_in_the_order_of_the_page(
    client, session, demo_article, fast_forms
):
    html = send(client, quote="nope", links=["ftp://example.org/"], name="").get_data(as_text=True)
    assert "Some fields need your attention." in html
    summary = re.findall(r'<li><a href="#([a-z0-9_-]+)">', html)
    assert summary == ["quote", "links-0", "name"]


def test_an_expired_form_is_renewed_without_losing_what_was_typed(
    client, session, demo_article, fast_forms
):
    fields = {**form_fields(client), "csrf_token": "expired"}
    response = send(client, fields=fields, proposed_text="Four hundred and fifteen")
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and stored(session) == []
    assert "please send it again" in html and "Four hundred and fifteen</textarea>" in html
    assert send(client, fields=hidden_fields(html, PAGE)).status_code == 303


def test_a_filled_honeypot_is_refused_and_nothing_stored(client, session, demo_article, fast_forms):
    response = send(client, website="http://spam.example")
    assert response.status_code == 422 and stored(session) == []
    assert "could not be accepted" in response.get_data(as_text=True)


def test_a_form_sent_in_under_three_seconds_is_refused(client, session, demo_article):
    response = send(client)
    assert response.status_code == 422 and stored(session) == []
    assert "faster than a person can type" in response.get_data(as_text=True)


def test_a_form_older_than_a_day_is_refused(app, client, session, demo_article):
    fields = form_fields(client)
    stamp = URLSafeSerializer(app.config["SECRET_KEY"], salt="form-issued-at")
    fields["issued"] = stamp.dumps(int(time.time()) - 25 * 3600)
    response = send(client, fields=fields)
    assert response.status_code == 422 and stored(session) == []
    assert "more than a day old" in response.get_data(as_text=True)


def test_a_double_submit_with_the_same_form_makes_one_correction(
    client, session, demo_article, fast_forms
):
    fields = form_fields(client)
    first = send(client, fields=fields)
    second = send(client, fields=fields)
    [correction] = stored(session)
    assert first.status_code == 303 and second.status_code == 200
    html = second.get_data(as_text=True)
    assert "already received" in html and f"/c/{correction.public_id}" in html
    assert client.get(f"/c/{correction.public_id}").status_code == 200  # the first cookie


@pytest.mark.rate_limited
def test_too_many_corrections_are_refused_with_retry_after(
    app, client, session, demo_article, fast_forms
):
    codes = [send(client, proposed_text=f"{n} homes").status_code for n in range(3)]
    limited = send(client, proposed_text="9 homes")
    assert codes == [303, 303, 303] and limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 60
    assert "Too many requests" in limited.get_data(as_text=True)
    assert len(stored(session)) == 3


@pytest.mark.rate_limited
def test_the_limit_is_configurable_and_field_errors_do_not_count(
    app, client, session, demo_article, fast_forms
):
    app.config["RATELIMIT_CORRECTIONS"] = "1 per minute"
    assert send(client, quote="nope").status_code == 422
    assert send(client).status_code == 303
    assert send(client).status_code == 429


def test_a_banned_email_is_refused(app, client, session, demo_article, fast_forms):
    value = email_ban_hash(app.config["SECRET_KEY"], "troll@example.org")
    session.add(Ban(kind=BanKind.EMAIL, value_hash=value, label="t***@example.org"))
    session.commit()
    response = send(client, email="Troll@example.org")
    assert response.status_code == 403 and stored(session) == []
    assert "blocked" in response.get_data(as_text=True)


def test_a_wrong_token_gets_the_404_page(client, make_correction):
    correction, _token = make_correction()
    for path in (
        f"/c/{correction.public_id}",
        f"/c/{correction.public_id}?token=trk_guess",
        "/c/unknown?token=trk_guess",
    ):
        response = client.get(path)
        assert response.status_code == 404 and "Not found" in response.get_data(as_text=True)


def test_a_token_in_the_address_moves_to_a_cookie_and_the_address_is_cleaned(
    client, make_correction
):
    correction, token = make_correction()
    response = open_tracking(client, correction, token)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/c/{correction.public_id}"
    assert response.headers["Referrer-Policy"] == "no-referrer"
    cookie = response.headers["Set-Cookie"]
    assert f"Path=/c/{correction.public_id}" in cookie and "HttpOnly" in cookie
    assert token not in cookie  # signed and encoded, not the bare token
    page = client.get(response.headers["Location"])
    assert page.status_code == 200 and "Pending review" in page.get_data(as_text=True)
    assert "?token=" not in page.get_data(as_text=True)  # shown only right after submitting


def test_the_cookie_of_one_correction_does_not_open_another(client, make_correction):
    first, token = make_correction()
    second, _ = make_correction()
    open_tracking(client, first, token)
    assert client.get(f"/c/{second.public_id}").status_code == 404


def publish_update(session, body: str) -> Update:
    article = lock_article(session, "demo")
    revision = publish_revision(session, article, kind=RevisionKind.UPDATE, summary="U", actor=None)
    entry = Update(article_id=article.id, number=1, body=body, revision_id=revision.id)
    session.add(entry)
    session.flush()
    return entry


@pytest.mark.parametrize(
    ("status", "values", "words"),
    [
        (CorrectionStatus.PENDING, {}, ["Pending review"]),
        (
            CorrectionStatus.NEEDS_INFO,
            {"info_request": "Which report?"},
            ["The moderators asked for more information:</strong> Which report?", 'name="reply"'],
        ),
        (
            CorrectionStatus.REJECTED,
            {"decision_reason": "not_supported", "decision_note": "The source says 412."},
            ["Rejected: not supported</strong> — The source says 412."],
        ),
        (CorrectionStatus.DUPLICATE, {}, ["Marked as a duplicate of another correction"]),
        (CorrectionStatus.WITHDRAWN, {}, ["Withdrawn."]),
    ],
)
def test_the_tracking_page_says_each_status_in_words(
    client, session, make_correction, status, values, words
):
    correction, token = make_correction()
    set_status(session, correction, status, **values)
    open_tracking(client, correction, token)
    html = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    for expected in words:
        assert expected in html
    can_withdraw = status in (CorrectionStatus.PENDING, CorrectionStatus.NEEDS_INFO)
    assert ("Withdraw this correction" in html) is can_withdraw


def test_an_accepted_correction_links_to_its_update_and_version(client, session, make_correction):
    correction, token = make_correction()
    entry = publish_update(session, "An earlier version said 412 homes; it was 415.")
    set_status(session, correction, CorrectionStatus.ACCEPTED, update_id=entry.id)
    open_tracking(client, correction, token)
    html = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    assert "Accepted in" in html and "Update 1</a>" in html and "version 2</a>" in html
    assert 'href="/a/demo#update-1"' in html and 'href="/a/demo/v/2"' in html


def test_what_was_sent_is_shown_with_links_as_text_and_their_domain(client, make_correction):
    correction, token = make_correction(
        links=["https://example.org/report", "http://sub.example.net/x"]
    )
    open_tracking(client, correction, token)
    html = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    assert "412 homes" in html and "415 homes" in html and "The council revised" in html
    assert (
        '<a href="http://sub.example.net/x" rel="nofollow noopener noreferrer">'
        "http://sub.example.net/x</a>" in html
    )
    assert "(sub.example.net)" in html


def withdraw_fields(client, correction):
    html = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    return hidden_fields(html, f"/c/{correction.public_id}/withdraw")


def test_withdrawing_works_once_and_then_says_it_is_already_withdrawn(
    client, session, make_correction
):
    correction, token = make_correction()
    open_tracking(client, correction, token)
    fields = withdraw_fields(client, correction)
    first = client.post(f"/c/{correction.public_id}/withdraw", data=fields)
    assert first.status_code == 303
    page = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    assert "Withdrawn." in page and "You withdrew your correction" in page
    second = client.post(f"/c/{correction.public_id}/withdraw", data=fields)
    assert second.status_code == 409
    assert "already withdrawn" in second.get_data(as_text=True)
    assert session.get(Correction, correction.id).version == 2


def test_withdrawing_needs_the_form_token_and_the_tracking_cookie(
    app, client, session, make_correction
):
    correction, token = make_correction()
    open_tracking(client, correction, token)
    assert client.post(f"/c/{correction.public_id}/withdraw").status_code == 400
    stranger = app.test_client()
    fields = hidden_fields(stranger.get(PAGE).get_data(as_text=True), PAGE)
    response = stranger.post(f"/c/{correction.public_id}/withdraw", data=fields)
    assert response.status_code == 404
    assert session.get(Correction, correction.id).status == CorrectionStatus.PENDING


def test_answering_the_moderators_returns_it_to_pending(client, session, make_correction):
    correction, token = make_correction()
    set_status(session, correction, CorrectionStatus.NEEDS_INFO, info_request="Which report?")
    open_tracking(client, correction, token)
    html = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    fields = hidden_fields(html, f"/c/{correction.public_id}/reply")
    empty = client.post(f"/c/{correction.public_id}/reply", data={**fields, "reply": " "})
    assert empty.status_code == 422 and 'id="reply-err"' in empty.get_data(as_text=True)
    response = client.post(
        f"/c/{correction.public_id}/reply", data={**fields, "reply": "The 3pm briefing."}
    )
    assert response.status_code == 303
    session.refresh(correction)
    assert correction.status == CorrectionStatus.PENDING and correction.version == 2
    page = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    assert "Pending review" in page and "The 3pm briefing." in page


def test_hostile_input_is_shown_escaped_on_the_tracking_page(
    client, session, demo_article, fast_forms
):
    send(
        client,
        proposed_text="<script>alert(1)</script>",
        explanation='<img src=x onerror="alert(2)">',
        name="<b>Mallory</b>",
    )
    [correction] = stored(session)
    html = client.get(f"/c/{correction.public_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<img src=x" not in html and "<b>Mallory" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Mallory&lt;/b&gt;" in html


def test_a_signed_in_reader_is_named_after_their_account(
    client, session, demo_article, fast_forms, make_user, login
):
    make_user("rita@example.org", display_name="Rita Reader")
    login(client, "rita@example.org")
    assert 'value="Rita Reader"' in client.get(PAGE).get_data(as_text=True)
    send(client, name="")
    assert stored(session)[0].reporter_name == "Rita Reader"


def test_the_same_correction_sent_again_is_refused_with_a_message_and_kept(
    client, session, demo_article, fast_forms
):
    assert send(client).status_code == 303
    again = send(client, explanation="Sent twice by mistake.")
    html = again.get_data(as_text=True)
    assert again.status_code == 422
    assert "same correction of these words a few minutes ago" in html
    assert "Sent twice by mistake." in html
    assert len(stored(session)) == 1
