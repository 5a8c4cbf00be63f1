"""The author's editor in Chromium: autosave while typing, and a second tab that stops."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from corrections.cli import DEMO_SLUG

AUTHOR = "author@demo.invalid"


def sign_in(page: Page, live_server) -> None:
    page.goto(live_server("/signin"))
    page.get_by_label("Email").fill(AUTHOR)
    page.get_by_label("Password").fill(live_server.passwords[AUTHOR])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_the_draft_saves_itself_while_the_author_types(page: Page, live_server):
    sign_in(page, live_server)
    page.goto(live_server(f"/author/{DEMO_SLUG}"))
    text = page.locator("#text-0")
    text.fill("Typed in the browser.")
    status = page.locator("#editor-status")
    expect(status).to_have_text(re.compile(r"^Saved"))
    expect(page.locator("#editor-form [name=version]")).to_have_value("2")

    page.reload()
    expect(page.locator("#text-0")).to_have_value("Typed in the browser.")
    assert page.console_errors == [] and page.dialogs == []


def test_a_second_tab_stops_autosaving_instead_of_overwriting(page: Page, live_server):
    sign_in(page, live_server)
    editor = live_server(f"/author/{DEMO_SLUG}")
    page.goto(editor)
    other = page.context.new_page()
    other.goto(editor)

    page.locator("#text-0").fill("From the first tab.")
    expect(page.locator("#editor-status")).to_have_text(re.compile(r"^Saved"))
    other.locator("#text-0").fill("From the second tab.")
    expect(other.locator("#editor-status")).to_have_text(
        re.compile(r"Could not save: This draft was saved from another tab.*Autosave is off")
    )

    page.reload()
    expect(page.locator("#text-0")).to_have_value("From the first tab.")
