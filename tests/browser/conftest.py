"""Browser tests: the real app served on a free local port, driven by Playwright in Debian's
Chromium (``/usr/bin/chromium``; Playwright cannot download its own browser here).

Every test here is marked ``browser``; ``make test`` runs them in the SQLite pass. Where
Chromium is not installed they skip with that reason, except under CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from corrections.cli import DEMO_SLUG
from tests.browser.helpers import new_page
from tests.browser.live import LiveServer, serve

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def chromium_path() -> str:
    if shutil.which(CHROMIUM) is None and not Path(CHROMIUM).exists():
        message = f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture(scope="session")
def browser(chromium_path: str):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def live_server(tmp_path: Path) -> Iterator[LiveServer]:
    """A server of this test's own: it may change anything."""
    with serve(tmp_path) as server:
        yield server


@pytest.fixture(scope="module")
def reading_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """A server shared by a module's tests that only read (audits, screenshots)."""
    with serve(tmp_path_factory.mktemp("reading")) as server:
        yield server


@pytest.fixture
def page(browser, live_server):
    """A fresh browser context per test; dialogs, console errors and page errors are recorded
    (helpers.watch), since a dialog opening means a script ran that should not have."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    yield new_page(context)
    context.close()


@pytest.fixture
def demo_url(live_server: LiveServer) -> str:
    return live_server(f"/a/{DEMO_SLUG}")
