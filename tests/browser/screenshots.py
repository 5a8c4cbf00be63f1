"""``make screenshots``: the app with the demo article in a realistic state (tests/browser/
scenes.py), photographed in Chromium at 1280 and 390 pixels wide, light and dark, into
docs/screenshots/ (``python -m tests.browser.screenshots [OUT_DIR]``).

Each picture is one screen high (a section and its thread for "thread"), so the files stay
small.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import Browser, Page, sync_playwright

from corrections.cli import DEMO_SLUG
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.browser.helpers import new_page, nothing_ran, sign_in
from tests.browser.live import LiveServer, serve
from tests.browser.scenes import MODERATOR, Scene, build

WIDTHS = {1280: 800, 390: 844}  # width: height of the screen
SCHEMES = ("light", "dark")
ARTICLE = f"/a/{DEMO_SLUG}"


NAMES = ("article", "thread", "correction-form", "queue", "correction", "diff", "history")


def shots(scene: Scene) -> list[tuple[str, str, str | None, bool]]:
    """(name, path, element to photograph or None for the screen, signed in as moderator)."""
    quote = urlencode({"quote": "190 rescues", "prefix": "carried out ", "suffix": " by boat"})
    pages = [
        ("article", ARTICLE, None, False),
        ("thread", ARTICLE, "#s-what-happened", False),
        ("correction-form", f"{ARTICLE}/s/what-happened/correct?{quote}", None, False),
        ("queue", "/moderate", None, True),
        ("correction", f"/moderate/corrections/{scene.pending_correction}", None, True),
        ("diff", f"{ARTICLE}/diff/1..2", None, False),
        ("history", f"{ARTICLE}/history", None, False),
    ]
    assert tuple(name for name, *_ in pages) == NAMES
    return pages


def photograph(page: Page, server: LiveServer, path: str, element: str | None, out: Path):
    answered = page.goto(server(path))
    if answered is None or answered.status != 200:
        raise RuntimeError(f"{path} answered {answered and answered.status}, not 200")
    page.evaluate("document.fonts.ready")
    if element is None:
        page.screenshot(path=str(out))
    else:  # the element's height, the page's width, with a margin above and below
        found = page.locator(element).bounding_box()
        assert found is not None, element
        top = max(0, found["y"] + page.evaluate("window.scrollY") - 16)
        clip = {
            "x": 0,
            "y": top,
            "width": page.viewport_size["width"],
            "height": found["height"] + 32,
        }
        page.screenshot(path=str(out), clip=clip, full_page=True)


def main(
    out_dir: Path,
    widths: dict[int, int] = WIDTHS,
    schemes: tuple[str, ...] = SCHEMES,
    browser: Browser | None = None,
) -> list[Path]:
    """Photograph every page of ``shots`` at each width (and its screen height) and scheme,
    in ``browser`` or in a Chromium of its own."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, serve(Path(tmp)) as server:
        scene = build(server.app)
        if browser is not None:
            return _photograph_all(browser, server, scene, out_dir, widths, schemes)
        with sync_playwright() as playwright:
            own = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                return _photograph_all(own, server, scene, out_dir, widths, schemes)
            finally:
                own.close()


def _photograph_all(browser, server, scene, out_dir, widths, schemes) -> list[Path]:
    written: list[Path] = []
    for width, height in widths.items():
        for scheme in schemes:
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme, locale="en-GB"
            )
            page = new_page(context)
            try:
                signed_in = False
                for name, path, element, moderator in shots(scene):
                    if moderator and not signed_in:
                        sign_in(page, server, MODERATOR)
                        signed_in = True
                    out = out_dir / f"{name}-{width}-{scheme}.png"
                    photograph(page, server, path, element, out)
                    written.append(out)
                if ran := nothing_ran(page):
                    raise RuntimeError(f"a script failed or a dialog opened: {ran}")
            finally:
                context.close()
    return written


if __name__ == "__main__":
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")
    for path in main(target):
        print(f"{path} ({os.path.getsize(path) // 1024} KB)")
