"""Decisions taken through the site reach people by email: the outbox, ``corrections
send-outbox`` and a real SMTP server (aiosmtpd) started in the test, end to end."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from corrections.models import Role
from corrections.services import comments
from corrections.services.abuse import Submitter
from tests.forms import hidden_fields
from tests.mailserver import MailServer, running

SITE = "https://news.example.org"


@pytest.fixture
def mod_client(client, make_user, login):
    make_user("mod@example.org", Role.MODERATOR)
    assert login(client, "mod@example.org").status_code == 302
    return client


def person(app, name: str, email: str, network: str) -> Submitter:
    return Submitter(app.config["SECRET_KEY"], name=name, email=email, network_hash=network)


def held_comment(app, session, name: str, email: str, body: str) -> int:
    result = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body=body,
        submitter=person(app, name, email, f"net-{name}"),
        site_mode="pre",
    )
    return result.comment.id


def decide(client, page_path: str, action: str, **fields) -> None:
    """Send one form of a page as a browser would, and check it went through."""
    page = client.get(page_path).get_data(as_text=True)
    response = client.post(action, data={**hidden_fields(page, action), **fields})
    assert response.status_code == 303, response.get_data(as_text=True)


def mail_by_recipient(server: MailServer) -> dict[str, EmailMessage]:
    received: dict[str, EmailMessage] = {}
    for envelope, message in zip(server.envelopes, server.messages(), strict=True):
        for to in envelope.rcpt_tos:
            assert to not in received, f"{to} got two messages"
            received[to] = message
    return received


def test_each_person_gets_the_mail_about_their_own_decision(
    app, session, mod_client, runner, make_correction
):
    app.config["PUBLIC_URL"] = SITE
    accepted, _ = make_correction(submitter=person(app, "Ann", "ann@example.org", "net-a"))
    rejected, _ = make_correction(
        submitter=person(app, "Bo", "bo@example.org", "net-b"), proposed_text="416 homes"
    )
    asked, _ = make_correction(
        submitter=person(app, "Cy", "cy@example.org", "net-c"), proposed_text="417 homes"
    )
    approved = held_comment(app, session, "Dee", "dee@example.org", "The river rose fast.")
    refused = held_comment(app, session, "Eve", "eve@example.org", "Nonsense, all of it.")

    page = f"/moderate/corrections/{accepted.id}"
    decide(
        mod_client,
        page,
        f"{page}/accept",
        update_text="An earlier version said 412 homes; the council counts 415.",
        apply_text="y",
    )
    page = f"/moderate/corrections/{rejected.id}"
    decide(
        mod_client,
        page,
        f"{page}/reject",
        reason="no_reliable_source",
        note="The link is a personal blog.",
    )
    page = f"/moderate/corrections/{asked.id}"
    decide(mod_client, page, f"{page}/needs-info", message="Which council report do you mean?")
    queue = "/moderate?tab=comments"
    decide(mod_client, queue, f"/moderate/comments/{approved}/approve")
    decide(
        mod_client,
        queue,
        f"/moderate/comments/{refused}/reject",
        reason="abusive",
        note="Please keep it civil.",
    )

    server = MailServer()
    with running(server) as smtp:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        app.config["MAIL_FROM"] = "desk@news.example.org"
        result = runner.invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "sent 5, failed 0, waiting 0\n"

    mail = mail_by_recipient(server)
    assert sorted(mail) == [
        "ann@example.org",
        "bo@example.org",
        "cy@example.org",
        "dee@example.org",
        "eve@example.org",
    ]
    assert all(m["From"] == "desk@news.example.org" for m in mail.values())
    body = {to: m.get_content().replace("\r\n", "\n") for to, m in mail.items()}

    assert mail["ann@example.org"]["Subject"] == "Your correction: Demo"
    assert "accepted and published as Update 1 in version 2" in body["ann@example.org"]
    assert f"{SITE}/a/demo#update-1" in body["ann@example.org"]
    assert f"{SITE}/c/{accepted.public_id}" in body["ann@example.org"]

    assert "not accepted (reason: no reliable source)" in body["bo@example.org"]
    assert "The moderators' note: The link is a personal blog." in body["bo@example.org"]
    assert "Update" not in body["bo@example.org"]
    assert f"{SITE}/c/{rejected.public_id}" in body["bo@example.org"]

    assert "need more information" in body["cy@example.org"]
    assert "Which council report do you mean?" in body["cy@example.org"]
    assert f"{SITE}/c/{asked.public_id}" in body["cy@example.org"]

    assert "is published" in mail["dee@example.org"]["Subject"]
    assert f"approved and is now published:\n{SITE}/a/demo#c-{approved}" in body["dee@example.org"]

    assert "was not published" in mail["eve@example.org"]["Subject"]
    assert "The moderators' reason: abusive: Please keep it civil." in body["eve@example.org"]

    # Sent once: a second run finds nothing due.
    with running(MailServer()) as smtp:
        app.config["SMTP_URL"] = f"smtp://127.0.0.1:{smtp.port}"
        again = runner.invoke(args=["send-outbox"])
    assert again.stdout == "sent 0, failed 0, waiting 0\n"
