"""A moderator's keyboard in Chromium: j/k/a/r/? in the queue and on a correction's page, and
accepting a correction with an edited update text without touching the mouse."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from corrections.cli import DEMO_SLUG
from corrections.extensions import db
from corrections.models import Comment, CommentStatus, Correction, CorrectionStatus
from corrections.services import comments
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.corrections import submit_correction

MODERATOR = "moderator@demo.invalid"


def correction(app, quote: str, proposed: str) -> int:
    with app.app_context():
        result = submit_correction(
            db.session,
            slug=DEMO_SLUG,
            section_key="introduction",
            quote=QuoteInput(quote),
            kind="correction",
            proposed_text=proposed,
            explanation="The council revised it.",
            links=["https://example.org/report"],
            submitter=Submitter(secret=app.config["SECRET_KEY"], name="Ann"),
            idempotency_key=None,
        )
        db.session.remove()
        return result.correction.id


def held_comment(app, body: str) -> int:
    with app.app_context():
        result = comments.post_comment(
            db.session,
            slug=DEMO_SLUG,
            section_key="what-happened",
            body=body,
            submitter=Submitter(secret=app.config["SECRET_KEY"], name="Bo"),
            site_mode="pre",
        )
        db.session.remove()
        return result.comment.id


def status(app, model, item_id: int):
    with app.app_context():
        value = db.session.get(model, item_id).status
        db.session.remove()
        return value


def sign_in(page: Page, live_server) -> None:
    page.goto(live_server("/signin"))
    page.get_by_label("Email").fill(MODERATOR)
    page.get_by_label("Password").fill(live_server.passwords[MODERATOR])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def leave_the_field(page: Page) -> None:
    """What clicking an empty spot does: nothing is focused any more."""
    page.evaluate("document.activeElement.blur()")


def caret_at_the_end(page: Page) -> bool:
    return page.evaluate(
        "(f => f.selectionStart === f.value.length && f.selectionEnd === f.value.length)"
        "(document.activeElement)"
    )


def check_the_keys_dialog(page: Page, listed: str) -> None:
    dialog = page.locator("#keys-dialog")
    expect(page.get_by_text("for keyboard shortcuts.")).to_be_visible()
    before = focused_id(page)
    page.keyboard.press("?")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text(listed)
    page.keyboard.press("j")  # keys do nothing behind the open dialog
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert focused_id(page) == before


@pytest.fixture
def queue(live_server):
    app = live_server.app
    return {
        "first": held_comment(app, "First held comment."),
        "second": held_comment(app, "Second held comment."),
        "homes": correction(app, "412 homes", "415 homes"),
        "dead": correction(app, "3 people were confirmed dead", "4 people were confirmed dead"),
    }


def test_a_moderator_works_the_comment_queue_with_j_k_r_a_and_question_mark(
    page: Page, live_server, queue
):
    sign_in(page, live_server)
    page.goto(live_server("/moderate?tab=comments"))
    first, second = f"q-c-{queue['first']}", f"q-c-{queue['second']}"

    page.keyboard.press("j")
    assert focused_id(page) == first
    expect(page.locator(f"#{first}")).to_have_attribute("aria-current", "true")
    check_the_keys_dialog(page, "Select or unselect the comment")
    page.keyboard.press("j")
    assert focused_id(page) == second
    page.keyboard.press("k")
    assert focused_id(page) == first
    expect(page.locator(f"#{second}")).not_to_have_attribute("aria-current", "true")

    page.keyboard.press("r")
    assert focused_id(page) == f"rej-{queue['first']}-reason"
    page.keyboard.press("a")  # in a field: a letter, not a decision
    page.keyboard.press("j")
    assert focused_id(page) == f"rej-{queue['first']}-reason"
    assert status(live_server.app, Comment, queue["first"]) == CommentStatus.PENDING

    leave_the_field(page)
    page.keyboard.press("a")
    expect(page.get_by_text(f"Comment #{queue['first']} approved.")).to_be_visible()
    assert status(live_server.app, Comment, queue["first"]) == CommentStatus.PUBLISHED
    assert status(live_server.app, Comment, queue["second"]) == CommentStatus.PENDING
    assert page.console_errors == [] and page.dialogs == []


def test_a_moderator_accepts_a_correction_with_an_edited_update_using_only_the_keyboard(
    page: Page, live_server, queue
):
    sign_in(page, live_server)
    page.goto(live_server("/moderate"))
    check_the_keys_dialog(page, "open the correction at its reject step")

    # r on a correction opens its page at the reject step.
    page.keyboard.press("j")
    page.keyboard.press("r")
    expect(page).to_have_url(re.compile(rf"/moderate/corrections/{queue['homes']}#reason$"))
    expect(page.locator("#reason")).to_be_focused()

    page.go_back()
    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(page).to_have_url(re.compile(rf"/moderate/corrections/{queue['homes']}#update_text$"))
    text = page.locator("#update_text")
    expect(text).to_be_focused()
    expect(text).to_have_value(re.compile("An earlier version said"))
    assert caret_at_the_end(page)
    page.keyboard.press("Control+A")
    page.keyboard.type("An earlier version said 412 homes; the council counts 415 (typed).")
    page.keyboard.press("Tab")
    expect(page.locator("#apply_text")).to_be_focused()
    page.keyboard.press("Space")  # also replace the words in the article
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Accept and publish")).to_be_focused()
    page.keyboard.press("Enter")

    expect(page.get_by_text("Accepted: Update 1 is published in version 2.")).to_be_visible()
    assert status(live_server.app, Correction, queue["homes"]) == CorrectionStatus.ACCEPTED
    page.goto(live_server(f"/a/{DEMO_SLUG}"))
    update = page.locator("#update-1")
    expect(update).to_contain_text("the council counts 415 (typed).")
    expect(page.locator("#s-introduction")).to_contain_text("415 homes had been evacuated")
    assert page.console_errors == [] and page.dialogs == []


def test_on_a_correction_page_a_and_r_go_to_their_fields_and_question_mark_lists_them(
    page: Page, live_server, queue
):
    sign_in(page, live_server)
    page.goto(live_server(f"/moderate/corrections/{queue['dead']}"))
    check_the_keys_dialog(page, "Go to the reason, to reject")

    page.keyboard.press("r")
    expect(page.locator("#reason")).to_be_focused()
    page.keyboard.press("a")  # a letter for the select, not a jump
    expect(page.locator("#reason")).to_be_focused()

    leave_the_field(page)
    page.keyboard.press("a")
    text = page.locator("#update_text")
    expect(text).to_be_focused()
    assert caret_at_the_end(page)  # of the prefilled text, ready to add to it
    page.keyboard.press("r")  # typing: the letter goes into the text
    expect(text).to_be_focused()
    expect(text).to_have_value(re.compile("r$"))
    assert status(live_server.app, Correction, queue["dead"]) == CorrectionStatus.PENDING
    assert page.console_errors == [] and page.dialogs == []


def test_without_javascript_the_mouse_does_it_all_and_no_keys_are_offered(
    browser, live_server, queue
):
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(20_000)
    page = context.new_page()
    try:
        sign_in(page, live_server)
        page.goto(live_server("/moderate"))
        expect(page.get_by_text("for keyboard shortcuts.")).to_be_hidden()
        page.keyboard.press("?")
        expect(page.locator("#keys-dialog")).to_be_hidden()
        page.get_by_role("link", name=f"Open the correction #{queue['homes']}").click()
        expect(page.get_by_text("for keyboard shortcuts.")).to_be_hidden()
        page.locator("#update_text").fill("Update typed with the mouse in hand.")
        page.get_by_role("button", name="Accept and publish").click()
        expect(page.get_by_text("Accepted: Update 1 is published in version 2.")).to_be_visible()
    finally:
        context.close()
