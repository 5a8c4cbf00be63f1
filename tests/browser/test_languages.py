"""In German, in Chromium: the switch at the foot of the page, then a reader's comment on
selected words, with the words of the page's script in German too."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import select_text


def test_a_reader_switches_to_german_and_comments_on_selected_words(page: Page, demo_url: str):
    page.goto(demo_url)
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Deutsch").click()
    expect(page.locator("html")).to_have_attribute("lang", "de")
    expect(page).to_have_url(demo_url)  # back on the same page
    expect(page.get_by_role("button", name="English")).to_be_visible()

    select_text(page, "what-happened", "118 millimetres of rain")
    toolbar = page.get_by_role("toolbar", name="Ausgewählte Worte")
    toolbar.get_by_role("button", name="Kommentieren").click()
    section = page.locator("#s-what-happened")
    expect(section.locator("[data-quote-field]")).to_have_value("118 millimetres of rain")
    section.get_by_label("Ihr Name").fill("Anna")
    section.get_by_label("Ihr Kommentar", exact=True).fill("Der Wetterdienst sagt 121 mm.")
    section.get_by_role("button", name="Kommentar absenden").click()
    expect(page.get_by_text("wartet auf Freigabe").first).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "de")

    # The choice is kept: a new page of the site is German without asking again.
    page.goto(demo_url.rsplit("/a/", 1)[0] + "/")
    expect(page.locator("html")).to_have_attribute("lang", "de")
    assert page.dialogs == [] and page.console_errors == []
