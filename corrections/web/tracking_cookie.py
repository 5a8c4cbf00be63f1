"""The reporter's tracking token, kept in a signed cookie that only its tracking page sees.

The cookie is HttpOnly, SameSite=Lax and scoped to ``/c/<public_id>``, so each correction
has its own and no other page receives it. ``fresh`` marks a token not yet shown: the first
view of the tracking page shows the private link once, then the cookie is rewritten.
"""

from __future__ import annotations

from flask import current_app, request
from flask.wrappers import Response
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "corrections_tracking"
MAX_AGE_SECONDS = 365 * 24 * 3600


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="correction-tracking")


def path_for(public_id: str) -> str:
    return f"/c/{public_id}"


def remember(response: Response, public_id: str, token: str, *, fresh: bool = False) -> None:
    response.set_cookie(
        COOKIE,
        _serializer().dumps({"id": public_id, "token": token, "fresh": fresh}),
        max_age=MAX_AGE_SECONDS,
        path=path_for(public_id),
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )


def read(public_id: str) -> tuple[str | None, bool]:
    """The token for ``public_id`` (or None) and whether it has not been shown yet."""
    try:
        data = _serializer().loads(request.cookies.get(COOKIE) or "")
    except BadSignature:
        return None, False
    if not isinstance(data, dict) or data.get("id") != public_id:
        return None, False
    token = data.get("token")
    return (token, bool(data.get("fresh"))) if isinstance(token, str) else (None, False)
