"""How the pages look, measured in Chromium: threads beside their sections on a wide screen and
under them on a phone, nothing wider than a phone's screen, dark mode, the states a reader and
a moderator must tell apart, the print stylesheet, and ``make screenshots`` itself."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from corrections.cli import DEMO_SLUG
from tests.browser import screenshots
from tests.browser.helpers import new_page, sign_in
from tests.browser.live import LiveServer, serve
from tests.browser.scenes import MODERATOR, Scene, build

ARTICLE = f"/a/{DEMO_SLUG}"


@pytest.fixture(scope="module")
def shown(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Scene]]:
    with serve(tmp_path_factory.mktemp("look")) as server:
        yield server, build(server.app)


def box(page: Page, selector: str) -> dict:
    found = page.locator(selector).first.bounding_box()
    assert found is not None, selector
    return found


def test_a_thread_is_beside_its_section_on_a_wide_screen_and_under_it_on_a_phone(browser, shown):
    server, _ = shown
    for width, beside in ((1280, True), (390, False)):
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = new_page(context)
        try:
            page.goto(server(ARTICLE))
            text = box(page, "#s-what-happened .section-text")
            thread = box(page, "#t-what-happened")
            if beside:
                assert thread["x"] >= text["x"] + text["width"] + 16  # a clear gutter
                assert abs(thread["y"] - text["y"]) < 40  # level with its section
                assert text["width"] <= 42 * 18 + 1  # a readable measure: 42rem at most
            else:
                assert thread["y"] >= text["y"] + text["height"]  # folded under its section
                next_section = box(page, "#s-who-was-responsible")
                assert thread["y"] + thread["height"] <= next_section["y"]
        finally:
            context.close()


def test_no_page_is_wider_than_a_phone(browser, shown):
    server, scene = shown
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = new_page(context)
    wider = {}
    try:
        sign_in(page, server, MODERATOR)
        for path in (
            ARTICLE,
            f"{ARTICLE}/history",
            f"{ARTICLE}/diff/1..2",
            f"{ARTICLE}/corrections",
            f"{ARTICLE}/s/what-happened/correct",
            f"/c/{scene.accepted_public_id}?token={scene.accepted_token}",
            "/moderate",
            "/moderate?tab=comments",
            "/moderate/bans",
            "/moderate/log",
            f"/moderate/corrections/{scene.pending_correction}",
        ):
            page.goto(server(path))
            width = page.evaluate("document.documentElement.scrollWidth")
            if width > 390:
                wider[path] = width
    finally:
        context.close()
    assert wider == {}


def test_dark_mode_is_dark_and_light_mode_is_light(browser, shown):
    server, _ = shown
    brightness = {}
    for scheme in ("light", "dark"):
        context = browser.new_context(color_scheme=scheme)
        page = new_page(context)
        try:
            page.goto(server(ARTICLE))
            brightness[scheme] = page.evaluate(
                """() => {
                    const [r, g, b] = getComputedStyle(document.body).backgroundColor
                        .match(/\\d+/g).map(Number);
                    return (r + g + b) / 3;
                }"""
            )
        finally:
            context.close()
    assert brightness["light"] > 200 and brightness["dark"] < 50


def test_pending_orphaned_and_accepted_look_different_from_the_usual(browser, shown):
    server, scene = shown
    context = browser.new_context()
    page = new_page(context)
    style = """el => {
        const s = getComputedStyle(el);
        return [s.borderLeftStyle, s.borderLeftColor, s.backgroundColor].join(' ');
    }"""
    try:
        page.goto(server(ARTICLE))
        # Quoted words a later version replaced: the quote says so and looks it.
        orphaned = page.locator("#s-introduction .comment-quote").first
        assert "earlier version" in orphaned.inner_text()
        usual = page.locator("#s-what-happened .comment-quote").first
        assert orphaned.evaluate(style) != usual.evaluate(style)

        pending = f"/c/{scene.pending_public_id}?token={scene.pending_token}"
        accepted = f"/c/{scene.accepted_public_id}?token={scene.accepted_token}"
        page.goto(server(pending))
        looks_pending = page.locator(".correction-status").evaluate(style)
        page.goto(server(accepted))
        looks_accepted = page.locator(".correction-status").evaluate(style)
        assert looks_pending != looks_accepted

        # A comment waiting for a moderator, as its author sees it.
        page.goto(server(ARTICLE))
        section = page.locator("#s-what-now")
        section.get_by_text("Comment on this section").click()
        section.get_by_label("Your name").fill("Ann")
        section.get_by_label("Your comment", exact=True).fill("Which streets?")
        section.get_by_role("button", name="Post comment").click()
        mine = page.locator("#s-what-now .comment--pending")
        assert mine.get_by_text("awaiting moderation").is_visible()
        published = page.locator("#s-what-happened .comment").first
        assert mine.evaluate(style) != published.evaluate(style)
    finally:
        context.close()


def test_printed_the_article_has_its_text_and_updates_but_no_threads_forms_or_navigation(
    browser, shown
):
    server, _ = shown
    context = browser.new_context()
    page = new_page(context)
    try:
        page.goto(server(ARTICLE))
        page.emulate_media(media="print")
        for hidden in (".site-header", ".site-footer", ".thread", "form", ".section-actions"):
            assert page.locator(hidden).evaluate_all(
                "els => els.every(el => !el.checkVisibility())"
            ), hidden
        for shown_ in ("#article-title", "#s-what-happened .section-words", "#update-1"):
            assert page.locator(shown_).is_visible(), shown_
        assert page.evaluate(
            "getComputedStyle(document.querySelector('#s-what-happened')).display"
        ) == ("block")
    finally:
        context.close()


def test_make_screenshots_writes_every_page_as_a_png(browser, tmp_path):
    written = screenshots.main(tmp_path, widths={390: 844}, schemes=("dark",), browser=browser)
    names = sorted(path.name for path in written)
    assert names == sorted(f"{name}-390-dark.png" for name in screenshots.NAMES)
    for path in written:
        head = path.read_bytes()[:24]
        assert head[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(head[16:20], "big") == 390  # the width in the PNG's header
