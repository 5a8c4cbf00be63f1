"""The static floor: the least a WSGI app can do under the same gunicorn settings."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = b"hello"


def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "5")])
    return [BODY]
