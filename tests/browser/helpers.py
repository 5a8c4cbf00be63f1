"""Steps the browser tests share: watching a page for scripts that should not run, signing
in, selecting words as a mouse would, and checking where the keyboard focus is."""

from __future__ import annotations

from playwright.sync_api import BrowserContext, Page, expect

TIMEOUT_MS = 20_000  # generous: CI machines are small and busy; slow is not a failure here


def watch(page: Page) -> Page:
    """Record dialogs (dismissed), console errors and uncaught page errors on ``page``: any of
    them means a script ran, or broke, that should not have."""
    page.dialogs = []  # type: ignore[attr-defined]
    page.console_errors = []  # type: ignore[attr-defined]
    page.page_errors = []  # type: ignore[attr-defined]

    def on_dialog(dialog) -> None:
        page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    def on_console(message) -> None:
        # Where no page names the icon (the feed's XML view), Chromium asks for /favicon.ico.
        if message.type == "error" and not message.location.get("url", "").endswith("/favicon.ico"):
            page.console_errors.append(message.text)  # type: ignore[attr-defined]

    page.on("dialog", on_dialog)
    page.on("console", on_console)
    page.on("pageerror", lambda error: page.page_errors.append(str(error)))  # type: ignore[attr-defined]
    return page


def nothing_ran(page: Page) -> dict[str, list[str]]:
    """What ``watch`` saw; ``{}`` when no dialog opened and no script failed."""
    seen = {
        "dialogs": page.dialogs,  # type: ignore[attr-defined]
        "console errors": page.console_errors,  # type: ignore[attr-defined]
        "page errors": page.page_errors,  # type: ignore[attr-defined]
    }
    return {kind: found for kind, found in seen.items() if found}


def new_page(context: BrowserContext) -> Page:
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    return watch(context.new_page())


def sign_in(page: Page, live_server, email: str) -> None:
    page.goto(live_server("/signin"))
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(live_server.passwords[email])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def select_text(page: Page, section_key: str, words: str) -> None:
    """Select ``words`` inside a section's text, as a reader dragging the mouse would."""
    page.evaluate(
        """([key, words]) => {
            const root = document.querySelector(`#s-${key} [data-quote-root]`);
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(words);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + words.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    return;
                }
            }
            throw new Error("words not found: " + words);
        }""",
        [section_key, words],
    )


# The focused element, and whether a ring is drawn around it: an outline or a box-shadow
# (on it, or on the list item the queue draws its ring on).
FOCUS = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) { return null; }
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
    const shadow = style.boxShadow && style.boxShadow !== "none";
    const rect = el.getBoundingClientRect();
    return {
        tag: el.tagName.toLowerCase(),
        id: el.id,
        text: (el.innerText || el.value || el.getAttribute("aria-label") || "").slice(0, 40),
        visible: outline || shadow,
        onscreen: rect.width > 0 && rect.height > 0,
        focusVisible: el.matches(":focus-visible"),
    };
}"""


def focused(page: Page) -> dict | None:
    return page.evaluate(FOCUS)


def tab_through(page: Page, limit: int = 400) -> list[dict]:
    """Press Tab until the focus leaves the page's last element and comes back round to the
    first one again; every stop is returned. Fails when it never comes round (a trap)."""
    stops: list[dict] = []
    first = None
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now is None:  # past the last element: the browser's own UI has the focus
            if stops:
                return stops
            continue
        key = (now["tag"], now["id"], now["text"])
        if first is None:
            first = key
        elif key == first:
            return stops
        stops.append(now)
    raise AssertionError(f"Tab never came round in {limit} presses: a trap near {stops[-3:]}")
