"""The real app on a fresh SQLite file with the demo article and accounts, served on a free
local port in a thread: for the browser tests and for ``make screenshots``."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.serving import make_server

from corrections import create_app
from corrections.cli import demo_passwords, load_demo
from corrections.extensions import db


class LiveServer:
    def __init__(self, app: Flask, url: str, passwords: dict[str, str]) -> None:
        self.app = app
        self.url = url
        self.passwords = passwords

    def __call__(self, path: str = "/") -> str:
        return self.url + path


def closing_bodies(app: Flask):
    """The app, with each response body closed as soon as it has been iterated.

    Werkzeug's development server closes a body only after draining the socket, and skips
    that when the browser has already dropped the connection (a favicon request cut short by
    the next page): the static file is then closed by the garbage collector, and pytest's
    "warnings are errors" turns that ResourceWarning into a failure of whichever test runs.
    """

    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            if hasattr(body, "close"):
                body.close()

    return wsgi


@contextmanager
def serve(tmp_path: Path, config: Mapping[str, Any] | None = None) -> Iterator[LiveServer]:
    """The app on a fresh SQLite file with the demo article and accounts, on a free port.

    Rate limits are off and forms may be sent at once, unless ``config`` says otherwise."""
    instance = tmp_path / "instance"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'browser.db'}",
            "RATELIMIT_ENABLED": False,
            "FORM_MIN_SECONDS": 0,
            **(config or {}),
        },
        instance_path=str(instance),
    )
    with app.app_context():
        db.create_all()
        load_demo(app)
        passwords, _ = demo_passwords(app.instance_path)
        db.session.remove()
    server = make_server("127.0.0.1", 0, closing_bodies(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield LiveServer(app, f"http://127.0.0.1:{server.server_port}", passwords)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()
