"""Browser tests: the real app served on a free local port, driven by Playwright in Debian's
Chromium (``/usr/bin/chromium``; Playwright cannot download its own browser here).

Every test here is marked ``browser``; ``make test`` runs them in the SQLite pass. Where
Chromium is not installed they skip with that reason, except under CI, where they fail.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from corrections import create_app
from corrections.cli import DEMO_SLUG, load_demo
from corrections.extensions import db

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


class LiveServer:
    def __init__(self, app: Flask, url: str, passwords: dict[str, str]) -> None:
        self.app = app
        self.url = url
        self.passwords = passwords

    def __call__(self, path: str = "/") -> str:
        return self.url + path


@contextmanager
def serve(tmp_path: Path) -> Iterator[LiveServer]:
    """The app on a fresh SQLite file with the demo article and accounts, on a free port."""
    instance = tmp_path / "instance"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
            "RATELIMIT_ENABLED": False,
            "FORM_MIN_SECONDS": 0,
        },
        instance_path=str(instance),
    )
    with app.app_context():
        db.create_all()
        load_demo(app)
        from corrections.cli import demo_passwords

        passwords, _ = demo_passwords(app.instance_path)
        db.session.remove()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", passwords)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


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
    """A fresh browser context per test; dialogs and console errors are recorded, since a
    dialog opening means a script ran that should not have."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    # Generous: CI machines are small and busy; a slow answer is not a failure here.
    context.set_default_timeout(20_000)
    expect.set_options(timeout=20_000)
    page = context.new_page()
    page.dialogs = []  # type: ignore[attr-defined]
    page.console_errors = []  # type: ignore[attr-defined]

    def on_dialog(dialog) -> None:
        page.dialogs.append(dialog.message)  # type: ignore[attr-defined]
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "console",
        lambda message: message.type == "error" and page.console_errors.append(message.text),  # type: ignore[attr-defined]
    )
    yield page
    context.close()


@pytest.fixture
def demo_url(live_server: LiveServer) -> str:
    return live_server(f"/a/{DEMO_SLUG}")
