"""HTTP validators: answer ``304 Not Modified`` before rendering when nothing changed.

A validator is a hash of everything that decides what the reader sees: the article's state
(its revision and a fingerprint of its visible comments) and, for pages that carry forms,
who is looking (account and session version, their own held comments, their CSRF secret).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime

from flask import Response, request, session
from flask_login import current_user
from werkzeug.http import quote_etag

from corrections.i18n import current_locale
from corrections.web import own_comments


def etag_of(parts: Iterable[object]) -> str:
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode()).hexdigest()
    return digest[:32]


def viewer_parts() -> list[object]:
    """What makes a page personal: without these, one reader's forms could reach another, or
    a page cached in one language be shown in another."""
    user = (
        f"{current_user.id}:{current_user.session_version}"
        if current_user.is_authenticated
        else "-"
    )
    return [
        current_locale(),
        user,
        sorted(own_comments.read()),
        session.get("csrf_token", ""),
        # Forms carry a timestamp good for a day; a day-old page is rendered afresh.
        datetime.now(UTC).date().isoformat(),
    ]


def not_modified(etag: str, *, private: bool) -> Response | None:
    """A 304 when the client already has this version, else None (render it)."""
    if session.get("_flashes"):
        return None  # a message waits to be shown once
    if etag in request.if_none_match:
        response = Response(status=304)
        stamp(response, etag, private=private)
        return response
    return None


def validator_headers(etag: str, *, private: bool) -> dict[str, str]:
    """The headers of a response that carries ``etag``: revalidate every time (cheap with
    the validator, and never stale)."""
    return {
        "ETag": quote_etag(etag),
        "Cache-Control": ("private" if private else "public") + ", no-cache",
        "Vary": "Cookie",
    }


def stamp(response: Response, etag: str, *, private: bool) -> Response:
    headers = validator_headers(etag, private=private)
    response.vary.add(headers.pop("Vary"))
    response.headers.update(headers)
    return response
