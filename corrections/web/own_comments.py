"""The guest's proof of authorship: a signed cookie of their recent comments' secrets.

It lets a guest see their own held comments and edit or delete a comment for 15 minutes,
without an account. Only the secrets' hashes are in the database.
"""

from __future__ import annotations

from flask import current_app, request
from flask.wrappers import Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "corrections_own"
MAX_ENTRIES = 20
MAX_AGE_SECONDS = 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="own-comments")


def read() -> dict[int, str]:
    raw = request.cookies.get(COOKIE)
    if not raw:
        return {}
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return {}
    if not isinstance(data, dict):
        return {}
    return {int(k): str(v) for k, v in data.items() if str(k).isdigit()}


def secret_for(comment_id: int) -> str | None:
    return read().get(comment_id)


def remember(response: Response, comment_id: int, secret: str) -> None:
    entries = read()
    entries[comment_id] = secret
    newest = dict(sorted(entries.items())[-MAX_ENTRIES:])
    response.set_cookie(
        COOKIE,
        _serializer().dumps({str(k): v for k, v in newest.items()}),
        max_age=MAX_AGE_SECONDS,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
