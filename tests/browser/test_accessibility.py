"""axe-core on every page type, in light and dark mode, with the article in a realistic state
(tests/browser/scenes.py): no serious or critical violations. Then what axe cannot judge:
errors tied to their fields and announced, motion reduced when asked, and threads read in
order (a section, then its comments)."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from corrections.cli import DEMO_SLUG
from corrections.extensions import db
from corrections.models import Role
from corrections.services import users
from tests.browser.helpers import new_page, sign_in
from tests.browser.live import LiveServer, serve
from tests.browser.scenes import AUTHOR, MODERATOR, Scene, build

ADMIN = "admin@demo.invalid"
ADMIN_PASSWORD = "an admin's long password"
LIGHT_AND_DARK = ["light", "dark"]
ARTICLE = f"/a/{DEMO_SLUG}"
AXE = Axe()


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[LiveServer, Scene]]:
    """One server for the module, in the scene's state, with an admin account; flags are
    limited to one a minute so that a second one is answered with the 429 page."""
    config = {"RATELIMIT_ENABLED": True, "RATELIMIT_COMMENTS": "1 per minute"}
    with serve(tmp_path_factory.mktemp("audited"), config) as server:
        scene = build(server.app)
        with server.app.app_context():
            users.create_user(
                db.session, ADMIN, ADMIN_PASSWORD, role=Role.ADMIN, display_name="Ada", system=True
            )
            db.session.remove()
        server.passwords[ADMIN] = ADMIN_PASSWORD
        yield server, scene


def serious_violations(page: Page) -> list[str]:
    results = AXE.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def all_violations(page: Page) -> list[str]:
    return [f"{v['id']} ({v['impact']})" for v in AXE.run(page).response["violations"]]


def reader_pages(scene: Scene) -> dict[str, str]:
    return {
        "the list of articles": "/",
        "the article": ARTICLE,
        "an old version": f"{ARTICLE}/v/1",
        "the diff": f"{ARTICLE}/diff/1..2",
        "the history": f"{ARTICLE}/history",
        "the corrections log": f"{ARTICLE}/corrections",
        "a thread's page": f"{ARTICLE}/s/what-happened/comments",
        "the reply page": f"{ARTICLE}/s/what-happened/reply/{scene.quoted_comment}",
        "the flag page": f"/comments/{scene.quoted_comment}/flag",
        "the correction form": f"{ARTICLE}/s/what-happened/correct",
        "the tracking page": f"/c/{scene.accepted_public_id}?token={scene.accepted_token}",
        "sign-in": "/signin",
        "the 404 page": "/a/nope",
    }


STAFF_PAGES = {
    MODERATOR: {
        "the queue": "/moderate",
        "the queue's comments": "/moderate?tab=comments",
        "the flagged comments": "/moderate?tab=flagged",
        "the decided items": "/moderate?tab=decided",
        "the bans": "/moderate/bans",
        "the word lists": "/moderate/words",
        "the moderation log": "/moderate/log",
        "adding an update": f"/moderate/articles/{DEMO_SLUG}/updates/new",
        "the account page": "/account",
        "the 403 page": "/admin/users",
    },
    AUTHOR: {
        "the editor": f"/author/{DEMO_SLUG}",
        "the preview": f"/author/{DEMO_SLUG}/preview",
        "the history, as its author": f"{ARTICLE}/history",
    },
    ADMIN: {"the users": "/admin/users"},
}


@pytest.mark.parametrize("scheme", LIGHT_AND_DARK)
def test_reader_pages_have_no_serious_accessibility_violations(browser, audited, scheme):
    server, scene = audited
    context = browser.new_context(color_scheme=scheme)
    page = new_page(context)
    found = {}
    try:
        for name, path in reader_pages(scene).items():
            answered = page.goto(server(path))
            assert answered.status == (404 if "404" in name else 200), name
            if violations := serious_violations(page):
                found[name] = violations
    finally:
        context.close()
    assert found == {}


@pytest.mark.parametrize("scheme", LIGHT_AND_DARK)
@pytest.mark.parametrize("email", list(STAFF_PAGES))
def test_staff_pages_have_no_serious_accessibility_violations(browser, audited, email, scheme):
    server, scene = audited
    context = browser.new_context(color_scheme=scheme)
    page = new_page(context)
    pages = dict(STAFF_PAGES[email])
    if email == MODERATOR:
        pages["a correction's page"] = f"/moderate/corrections/{scene.pending_correction}"
        pages["an accepted correction's page"] = (
            f"/moderate/corrections/{scene.accepted_correction}"
        )
        pages["the ban form of a comment"] = f"/moderate/bans?comment={scene.held_comment}"
    found = {}
    try:
        sign_in(page, server, email)
        for name, path in pages.items():
            answered = page.goto(server(path))
            assert answered.status == (403 if "403" in name else 200), name
            if violations := serious_violations(page):
                found[name] = violations
    finally:
        context.close()
    assert found == {}


@pytest.mark.parametrize("scheme", LIGHT_AND_DARK)
def test_the_429_page_has_no_serious_accessibility_violations(browser, audited, scheme):
    server, scene = audited
    context = browser.new_context(color_scheme=scheme)
    page = new_page(context)
    try:
        for _ in range(2):  # a flag without a reason counts; the second is over the limit
            page.goto(server(f"/comments/{scene.quoted_comment}/flag"))
            page.locator("main form button[type=submit]").click()
        expect(page.get_by_role("heading", name="Slow down")).to_be_visible()
        assert serious_violations(page) == []
    finally:
        context.close()


@pytest.mark.parametrize("scheme", LIGHT_AND_DARK)
@pytest.mark.parametrize("width", [1280, 390])
def test_the_article_page_has_no_accessibility_violations_at_all(browser, audited, width, scheme):
    """Not even a moderate one, such as a heading out of order (the introduction has no
    heading, so its thread's "N comments" would start at the level of a section's heading),
    on a wide screen and on a phone, where the threads sit on a panel of their own colour."""
    server, _ = audited
    context = browser.new_context(viewport={"width": width, "height": 844}, color_scheme=scheme)
    page = new_page(context)
    try:
        page.goto(server(ARTICLE))
        assert all_violations(page) == []
        page.goto(server(f"{ARTICLE}/v/1"))
        assert all_violations(page) == []
    finally:
        context.close()


def described_by(page: Page, field) -> str:
    ids = (field.get_attribute("aria-describedby") or "").split()
    return " ".join(page.locator(f"[id='{i}']").inner_text() for i in ids)


def announced(page: Page, text: str) -> bool:
    """Whether ``text`` is inside an element that screen readers announce when it appears."""
    return page.evaluate(
        """text => [...document.querySelectorAll('[role=alert], [aria-live], [role=status]')]
            .some(el => el.innerText.includes(text))""",
        text,
    )


def test_errors_of_the_correction_form_are_tied_to_their_fields_and_announced(browser, audited):
    server, _ = audited
    context = browser.new_context()
    page = new_page(context)
    try:
        page.goto(server(f"{ARTICLE}/s/what-happened/correct"))
        page.locator("#links-0").fill("ftp://example.org/file")
        page.get_by_role("button", name="Send the correction").click()
        summary = page.locator(".error-summary")
        expect(summary).to_have_attribute("role", "alert")
        for field_id in ("quote", "proposed_text", "links-0", "name"):
            field = page.locator(f"#{field_id}")
            expect(field).to_have_attribute("aria-invalid", "true")
            error = page.locator(f"#{field_id}-err")
            expect(error).to_be_visible()
            assert error.inner_text() in described_by(page, field)
    finally:
        context.close()


def test_errors_of_the_comment_form_are_tied_to_their_fields_and_announced(browser, audited):
    server, _ = audited
    context = browser.new_context(java_script_enabled=False)
    page = new_page(context)
    try:
        page.goto(server(ARTICLE))
        section = page.locator("#s-who-was-responsible")
        section.get_by_text("Comment on this section").click()
        section.get_by_label("Your name").fill("Ann")
        section.get_by_label("Email").fill("not an email")
        section.get_by_role("button", name="Post comment").click()  # no comment: refused first
        section = page.locator("#s-who-was-responsible")
        body = section.get_by_label("Your comment", exact=True)
        expect(section.get_by_role("alert")).to_have_text("Write something first.")
        expect(body).to_have_attribute("aria-invalid", "true")
        assert "Write your comment." in described_by(page, body)
        assert "Markdown" in described_by(page, body)  # the hint is kept

        body.fill("The wall was raised in 2010, not 2009.")
        section.get_by_role("button", name="Post comment").click()  # then the email
        section = page.locator("#s-who-was-responsible")
        email = section.get_by_label("Email")
        expect(section.get_by_role("alert")).to_be_visible()
        expect(email).to_have_attribute("aria-invalid", "true")
        assert "Enter an email address." in described_by(page, email)
        expect(section.get_by_label("Your comment", exact=True)).to_have_value(
            "The wall was raised in 2010, not 2009."
        )
    finally:
        context.close()


def test_a_wrong_password_is_announced_and_tied_to_the_fields(browser, audited):
    server, _ = audited
    context = browser.new_context()
    page = new_page(context)
    try:
        page.goto(server("/signin"))
        page.get_by_label("Email").fill(MODERATOR)
        page.get_by_label("Password").fill("not the password")
        page.get_by_role("button", name="Sign in").click()
        password = page.get_by_label("Password")
        expect(password).to_have_attribute("aria-invalid", "true")
        message = described_by(page, password)
        assert message and announced(page, message.split(".")[0])
    finally:
        context.close()


def test_the_editor_announces_a_refused_publish_and_ties_it_to_the_summary(browser, audited):
    server, _ = audited
    context = browser.new_context()
    page = new_page(context)
    try:
        sign_in(page, server, AUTHOR)
        page.goto(server(f"/author/{DEMO_SLUG}"))
        page.locator("#text-0").fill("A changed introduction.")
        page.get_by_role("button", name=re.compile("^Publish version")).click()
        summary = page.locator("#summary")
        expect(summary).to_have_attribute("aria-invalid", "true")
        message = described_by(page, summary)
        assert "what changed" in message and announced(page, message)
    finally:
        context.close()


def test_motion_is_reduced_when_the_reader_asks(browser, audited):
    server, _ = audited
    context = browser.new_context(reduced_motion="reduce")
    page = new_page(context)
    try:
        page.goto(server(ARTICLE))
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
        durations = page.evaluate(
            """() => [...document.querySelectorAll('*')].map(el => getComputedStyle(el))
                .flatMap(s => [s.transitionDuration, s.animationDuration])
                .filter(d => d.split(',').some(v => parseFloat(v) > 0.01))"""
        )
        assert durations == []
    finally:
        context.close()
    context = browser.new_context(reduced_motion="no-preference")
    page = new_page(context)
    try:
        page.goto(server(ARTICLE))
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == (
            "smooth"
        )
    finally:
        context.close()


def reading_order(page: Page) -> list[str]:
    """The article as a screen reader reads it: headings, comment authors and the form of
    each thread, in the order of the document."""
    return page.evaluate(
        """() => [...document.querySelectorAll(
                '.section h2, .section .thread-title, .comment-author, .comment-form')]
            .map(el => el.matches('h2') ? 'section ' + el.textContent.trim()
                 : el.matches('.thread-title') ? 'thread ' + el.textContent.trim()
                 : el.matches('.comment-form') ? 'form'
                 : 'comment by ' + el.textContent.trim())"""
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_screen_reader_reads_each_section_then_its_comments(browser, audited, width):
    server, _ = audited
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = new_page(context)
    try:
        page.goto(server(ARTICLE))
        order = reading_order(page)
        at = order.index("section WHAT HAPPENED")
        assert order[at : at + 5] == [
            "section WHAT HAPPENED",
            "thread 2 comments",
            "comment by Priya Natarajan",
            "comment by Tom Hale",
            "form",
        ]
        assert order[0:4] == [
            "section Introduction",  # its heading is unseen, but read
            "thread 1 comment",
            "comment by Dana Whitfield",
            "form",
        ]
        # Each thread is a complementary region named after its section, right after it.
        thread = page.get_by_role("complementary", name="Discussion of WHAT HAPPENED")
        assert thread.evaluate("el => el.previousElementSibling.querySelector('h2').id") == (
            "h-what-happened"
        )
    finally:
        context.close()
