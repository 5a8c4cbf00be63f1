"""A hostile comment and a hostile correction (script tags, event handlers, javascript: links,
SVG and MathML, CSS that would cover the page) posted by a reader through the forms, approved
and accepted by a moderator, then viewed by both in every place that shows them: the thread,
the queue, the correction's page, the tracking page, the corrections log, the moderation log,
the diff and the Atom feed. No dialog opens, no script runs (every payload would set
``window.__pwned`` or open a dialog), nothing errs in the console, and none of it reaches the
page as markup."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from corrections.cli import DEMO_SLUG
from tests.browser.helpers import new_page, nothing_ran, select_text, sign_in
from tests.browser.scenes import MODERATOR

ARTICLE = f"/a/{DEMO_SLUG}"
COMMENT = "\n".join(
    [
        "Look: <script>window.__pwned = 'script'; alert('script')</script>",
        "<img src=x onerror=\"window.__pwned = 'img'; alert('img')\">",
        "<svg onload=\"alert('svg')\"><script>alert('svg script')</script></svg>",
        "[a markdown link](javascript:alert('markdown')) and "
        "<a href=\"javascript:alert('a')\">an HTML link</a>",
        "[an entity link](jAvAsCrIpT&colon;alert('entity')) "
        "[a data link](data:text/html,<script>alert('data')</script>)",
        "<iframe srcdoc=\"<script>parent.alert('iframe')</script>\"></iframe>",
        "<style>body { display: none }</style>"
        "<div style=\"position:fixed;inset:0;background:url(javascript:alert('css'))\">cover</div>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert('mxss')>",
        "\"><img src=x onerror=alert('attribute')> `<script>alert('code')</script>`",
    ]
)
NAME = "<img src=x onerror=alert('name')>\"><svg/onload=alert('name2')>"
PROPOSED = "<script>alert('proposed')</script><img src=x onerror=alert('proposed img')>"
EXPLANATION = "</textarea><script>alert('explanation')</script><a href=javascript:alert(1)>x</a>"
LINK = "https://example.org/a\"><script>alert('link')</script>?q=<svg/onload=alert('q')>"

# What must not be in any page: markup that came from the payloads.
INJECTED = """() => {
    const found = [];
    for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
            if (attr.name.startsWith('on')) { found.push(el.tagName + '[' + attr.name + ']'); }
        }
    }
    const selectors = [
        'script:not([src]):not([type="application/json"])', 'a[href^="javascript:" i]',
        'a[href^="data:" i]', '[src^="javascript:" i]', 'iframe', 'object', 'embed', 'svg',
        'math', 'body style', 'base', 'main [style]', 'img[src="x"]',
    ];
    for (const selector of selectors) {
        if (document.querySelector(selector)) { found.push(selector); }
    }
    if (window.__pwned !== undefined) { found.push('window.__pwned = ' + window.__pwned); }
    return found;
}"""


def assert_harmless(page: Page, where: str) -> None:
    assert page.evaluate(INJECTED) == [], where
    assert nothing_ran(page) == {}, where
    # The text is shown as text, and the page is not covered or hidden by it.
    assert page.evaluate("getComputedStyle(document.body).display") != "none", where


def test_hostile_text_is_shown_as_text_everywhere_and_never_runs(browser, live_server):
    reader = new_page(browser.new_context())
    moderator = new_page(browser.new_context())
    try:
        # The reader comments, quoting words, and suggests a correction.
        reader.goto(live_server(ARTICLE))
        select_text(reader, "what-happened", "190 rescues")
        reader.get_by_role("toolbar", name="Selected words").get_by_role(
            "button", name="Comment on this"
        ).click()
        section = reader.locator("#s-what-happened")
        section.get_by_label("Your name").fill(NAME)
        section.get_by_label("Your comment", exact=True).fill(COMMENT)
        section.get_by_role("button", name="Post comment").click()
        expect(reader.get_by_text("awaiting moderation").first).to_be_visible()
        mine = reader.locator("#s-what-happened .comment--pending")
        expect(mine.locator(".comment-author")).to_have_text(NAME)
        expect(mine.locator(".comment-body")).to_contain_text("window.__pwned = 'script'")
        assert_harmless(reader, "the reader's pending comment")

        reader.goto(live_server(ARTICLE))
        select_text(reader, "what-happened", "190 rescues")
        reader.get_by_role("toolbar", name="Selected words").get_by_role(
            "button", name="Suggest a correction"
        ).click()
        reader.get_by_label("What it should say").fill(PROPOSED)
        reader.get_by_label("Why (optional)").fill(EXPLANATION)
        reader.get_by_label("Source link 1").fill(LINK)
        reader.get_by_label("Your name").fill(NAME)
        reader.get_by_role("button", name="Send the correction").click()
        expect(reader).to_have_url(re.compile(r"/c/[\w-]+$"))
        tracking = reader.url
        expect(reader.locator(".correction-text").first).to_have_text(PROPOSED)
        assert_harmless(reader, "the tracking page, pending")

        # The moderator sees both in the queue, approves the comment, accepts the correction.
        sign_in(moderator, live_server, MODERATOR)
        moderator.goto(live_server("/moderate?tab=comments"))
        item = moderator.locator(".mq-item", has_text="window.__pwned = 'script'")
        expect(item).to_contain_text(NAME)
        assert_harmless(moderator, "the queue's comments")
        item.get_by_role("button", name=re.compile("^Approve")).click()
        expect(moderator.get_by_text(re.compile(r"Comment #\d+ approved\."))).to_be_visible()

        moderator.goto(live_server("/moderate"))
        expect(moderator.locator(".mq-item").first).to_contain_text(PROPOSED)
        assert_harmless(moderator, "the queue's corrections")
        moderator.get_by_role("link", name=re.compile("^Open the correction")).first.click()
        expect(moderator.locator("main")).to_contain_text(EXPLANATION)
        assert_harmless(moderator, "the correction's page")
        text = moderator.locator("#update_text")
        text.fill(text.input_value() + " " + PROPOSED)
        moderator.locator("#apply_text").check()
        moderator.get_by_role("button", name="Accept and publish").click()
        expect(
            moderator.get_by_text("Accepted: Update 1 is published in version 2.")
        ).to_be_visible()
        assert_harmless(moderator, "the accepted correction's page")
        moderator.goto(live_server("/moderate/log"))
        assert_harmless(moderator, "the moderation log")

        # Everyone reads it where it is published.
        for page in (reader, moderator):
            page.goto(live_server(ARTICLE))
            expect(page.locator("#update-1")).to_contain_text(PROPOSED)
            expect(page.locator("#s-what-happened")).to_contain_text(PROPOSED)  # applied
            published = page.locator("#s-what-happened .comment", has_text="__pwned")
            expect(published.locator(".comment-body")).to_contain_text("<svg onload=")
            assert_harmless(page, "the thread and the article")
            for path in ("/corrections", "/diff/1..2", "/history", "/v/1"):
                page.goto(live_server(ARTICLE + path))
                assert_harmless(page, path)
            page.goto(live_server(ARTICLE + "/updates.atom"))
            expect(page.locator("body")).to_contain_text("alert('proposed')")
            assert_harmless(page, "the feed")
        reader.goto(tracking)
        expect(reader.locator(".correction-status")).to_contain_text("Accepted in Update 1")
        assert_harmless(reader, "the tracking page, accepted")
    finally:
        reader.context.close()
        moderator.context.close()
