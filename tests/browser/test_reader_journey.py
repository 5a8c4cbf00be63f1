"""A reader's journey in Chromium: select words, suggest a correction, comment, reply, flag."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import select_text


def test_a_reader_suggests_a_correction_from_selected_words(page: Page, demo_url: str):
    page.goto(demo_url)
    select_text(page, "introduction", "412 homes")
    toolbar = page.get_by_role("toolbar", name="Selected words")
    toolbar.get_by_role("button", name="Suggest a correction").click()
    expect(page.get_by_label(re.compile("wrong|quote", re.I)).first).to_have_value("412 homes")
    page.get_by_label(re.compile("proposed|should say|instead", re.I)).first.fill("415 homes")
    page.locator("input[name='links-0']").fill("https://example.org/council-figures")
    page.locator("input[name='links-1']").fill("example.net/fire-service")
    page.get_by_label(re.compile("name", re.I)).first.fill("Ann Reader")
    page.get_by_role("button", name=re.compile("send|suggest|submit", re.I)).click()
    expect(page).to_have_url(re.compile(r"/c/[\w-]+$"))
    expect(page.get_by_text(re.compile("pending", re.I)).first).to_be_visible()
    expect(page.get_by_text("example.net").first).to_be_visible()
    assert page.dialogs == []


def test_a_reader_comments_with_a_quote_then_replies(page: Page, demo_url: str):
    page.goto(demo_url)
    select_text(page, "what-happened", "118 millimetres of rain")
    page.get_by_role("toolbar", name="Selected words").get_by_role(
        "button", name="Comment on this"
    ).click()
    section = page.locator("#s-what-happened")
    expect(section.locator("[data-quote-field]")).to_have_value("118 millimetres of rain")
    section.get_by_label("Your name").fill("Ann")
    section.get_by_label("Your comment", exact=True).fill(
        "The Met Office says **121**, see https://example.org"
    )
    section.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("awaiting moderation").first).to_be_visible()
    comment = page.locator("#s-what-happened .comment").first
    expect(comment.locator(".comment-quote")).to_contain_text("118 millimetres of rain")
    expect(comment.locator("strong")).to_have_text("121")


def select_across(page: Page, section_key: str, first: str, last: str) -> None:
    """Select from the start of ``first`` to the end of ``last``, which are in different
    paragraphs of a section: the range spans the paragraph break, as a mouse drag would."""
    page.evaluate(
        """([key, first, last]) => {
            const root = document.querySelector(`#s-${key} [data-quote-root]`);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            const range = document.createRange();
            let node, started = false;
            while ((node = walker.nextNode())) {
                if (!started && node.data.includes(first)) {
                    range.setStart(node, node.data.indexOf(first));
                    started = true;
                } else if (started && node.data.includes(last)) {
                    range.setEnd(node, node.data.indexOf(last) + last.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("words not found: " + first + " ... " + last);
        }""",
        [section_key, first, last],
    )


def test_a_quote_across_two_paragraphs_is_found_and_posted(page: Page, demo_url: str):
    page.goto(demo_url)
    select_across(page, "what-happened", "installed in 1971.", "The Mill Street flood wall")
    page.get_by_role("toolbar", name="Selected words").get_by_role(
        "button", name="Comment on this"
    ).click()
    section = page.locator("#s-what-happened")
    quote = section.locator("[data-quote-field]")
    expect(quote).to_have_value("installed in 1971. The Mill Street flood wall")
    # The heading is outside the words: it is not read into the context before the quote.
    prefix = section.locator("[name=quote_prefix]").input_value()
    assert "WHAT HAPPENED" not in prefix and prefix.endswith("since gauges were ")
    section.get_by_label("Your name").fill("Ann")
    section.get_by_label("Your comment", exact=True).fill("Two paragraphs, one quote.")
    section.get_by_role("button", name="Post comment").click()
    expect(page.get_by_text("awaiting moderation").first).to_be_visible()
    comment = page.locator("#s-what-happened .comment").first
    expect(comment.locator(".comment-quote")).to_contain_text(
        "installed in 1971. The Mill Street flood wall"
    )
    assert page.dialogs == []


def test_a_selection_of_the_heading_offers_nothing(page: Page, demo_url: str):
    page.goto(demo_url)
    toolbar = page.get_by_role("toolbar", name="Selected words")
    select_text(page, "what-happened", "118 millimetres of rain")
    expect(toolbar).to_be_visible()
    page.evaluate(
        """() => {
            const heading = document.querySelector("#h-what-happened");
            const range = document.createRange();
            range.selectNodeContents(heading);
            window.getSelection().removeAllRanges();
            window.getSelection().addRange(range);
        }"""
    )
    expect(toolbar).to_be_hidden()


def test_quoted_words_are_marked_and_can_be_quoted_again(page: Page, live_server, demo_url: str):
    from corrections.cli import DEMO_SLUG
    from corrections.extensions import db
    from corrections.services import comments
    from corrections.services.abuse import Submitter
    from corrections.services.anchors import QuoteInput

    with live_server.app.app_context():
        comments.post_comment(
            db.session,
            slug=DEMO_SLUG,
            section_key="what-happened",
            body="Is that right?",
            submitter=Submitter(secret="s", name="Bo", network_hash="n1"),
            site_mode="post",
            quote=QuoteInput("118 millimetres of rain"),
        )
        db.session.remove()
    page.goto(demo_url)
    mark = page.locator("#s-what-happened mark.quote-mark")
    expect(mark).to_have_text("118 millimetres of rain")
    page.locator("#s-what-happened").get_by_role("link", name="The words it quotes").click()
    expect(page).to_have_url(re.compile(r"#q-\d+$"))
    # A selection over the marked words (and the link after them) reads as the text does.
    select_across(page, "what-happened", "recorded", "at Ashcombe Moor")
    page.get_by_role("toolbar", name="Selected words").get_by_role(
        "button", name="Comment on this"
    ).click()
    expect(page.locator("#s-what-happened [data-quote-field]")).to_have_value(
        "recorded 118 millimetres of rain at Ashcombe Moor"
    )


def test_escape_puts_the_offer_for_selected_words_away(page: Page, demo_url: str):
    page.goto(demo_url)
    select_text(page, "what-now", "1,300 homes")
    toolbar = page.get_by_role("toolbar", name="Selected words")
    expect(toolbar).to_be_visible()
    page.keyboard.press("Escape")
    expect(toolbar).to_be_hidden()
    assert page.evaluate("window.getSelection().toString()") == "1,300 homes"
