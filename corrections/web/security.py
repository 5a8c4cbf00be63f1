"""What every request and response goes through: no NUL characters in, strict headers out."""

from __future__ import annotations

from flask import Flask, Response, request

from corrections.errors import error_response
from corrections.i18n import _l

NUL_MESSAGE = _l(
    "The address or the form holds a NUL character (%00), which no address or text here may "
    "contain. Remove it and send it again."
)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors {frame_ancestors}"
)


def refuse_nul() -> Response | None:
    """PostgreSQL cannot store NUL in text, and no person types one: refuse the request
    before any service sees it (JSON bodies: ``corrections.api.parsing``)."""
    if "\x00" in request.path or b"%00" in request.query_string:
        return error_response(400, NUL_MESSAGE)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        if any("\x00" in key or "\x00" in value for key, value in request.form.items(multi=True)):
            return error_response(400, NUL_MESSAGE)
    return None


def register(app: Flask) -> None:
    ancestors = app.config["FRAME_ANCESTORS"]
    csp = CSP.format(frame_ancestors=ancestors)

    def add_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", csp)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if ancestors == "'none'":  # old browsers' version of frame-ancestors 'none'
            headers.setdefault("X-Frame-Options", "DENY")
        return response

    app.before_request(refuse_nul)
    app.after_request(add_headers)
    if app.config["CORRECTIONS_ENV"] == "production":

        @app.after_request
        def _hsts(response: Response) -> Response:
            response.headers.setdefault(
                "Strict-Transport-Security", "max-age=31536000; includeSubDomains"
            )
            return response
