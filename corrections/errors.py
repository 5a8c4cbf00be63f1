"""Central error handlers: an HTML page for the site, the JSON error shape under /api.

Every error reaches the person as a sentence they understand, in their language (the API's
too: ``Accept-Language``); the API's ``code`` is stable.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, render_template, request
from flask_wtf.csrf import CSRFError
from markupsafe import escape
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError

from corrections.api.field_messages import translated
from corrections.extensions import db, login_manager
from corrections.i18n import _, _l
from corrections.services.errors import ServiceError

log = logging.getLogger(__name__)

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "internal_error",
    503: "unavailable",
}

FRIENDLY = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in first."),
    403: _l("You are not allowed to do that."),
    404: _l(
        "There is nothing here. The address may be mistyped, or the page may never have existed."
    ),
    405: _l("That method is not allowed here."),
    413: _l("What you sent is too large."),
    429: _l("Too many requests. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Nothing you sent was lost; please try again."),
    503: _l("The service is briefly unavailable. Please try again in a moment."),
}


def wants_json() -> bool:
    return request.path.startswith("/api/")


def error_response(
    status: int,
    message: object,
    *,
    code: str | None = None,
    fields: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    code = code or HTTP_CODES.get(status, "error")
    message = str(message)  # a lazy message is read now, in the request's language
    if wants_json():
        body: dict[str, Any] = {"code": code, "message": message}
        if fields:
            body["fields"] = fields
        response = jsonify({"error": body})
    else:
        response = Response(error_page(status, message), mimetype="text/html")
    response.status_code = status
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_page(status: int, message: str) -> str:
    """The site's error page; a bare one when the page itself cannot be drawn (an error
    page must never become a crash of its own)."""
    try:
        return render_template("errors/error.html", status=status, message=message)
    except Exception:
        log.exception("the error page could not be rendered")
        return (
            '<!doctype html>\n<html lang="en"><meta charset="utf-8">'
            f"<title>{status} · corrections</title><p>{escape(message)}</p></html>\n"
        )


def rollback_quietly() -> None:
    """End the failed transaction; the rollback itself may fail when the connection is gone."""
    try:
        db.session.rollback()
    except Exception:
        log.warning("rollback after a database error failed", exc_info=True)


def handle_service_error(error: ServiceError) -> Response:
    rollback_quietly()
    return error_response(error.status, error.message, code=error.code, fields=error.fields)


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    fields = data.get("messages") or data.get("errors")
    if status == 422 and isinstance(fields, dict):
        # webargs nests messages by location ("json", "query"); people need the field names.
        flat: dict[str, Any] = {}
        for value in fields.values():
            if isinstance(value, dict):
                flat.update(value)
        fields = translated(flat or fields)
        message = _("Some fields are missing or invalid.")
    elif status == 429:
        message = _(
            "Too many requests: the limit is %(limit)s. Please wait and try again.",
            limit=error.description,
        )
    else:
        message = data.get("message") or FRIENDLY.get(status) or error.description or error.name
    headers = dict(data.get("headers") or {})
    if status == 405 and error.get_response().headers.get("Allow"):
        headers["Allow"] = error.get_response().headers["Allow"]
    if status == 429:
        retry = error.get_response().headers.get("Retry-After")
        headers["Retry-After"] = retry or "60"
    return error_response(
        status, message, fields=fields if status == 422 else None, headers=headers
    )


def handle_csrf_error(error: CSRFError) -> Response:
    return error_response(
        400,
        _(
            "This form has expired or did not come from this site. "
            "Please go back, reload the page and send it again; nothing was saved."
        ),
        code="csrf_failed",
    )


def handle_database_unavailable(error: DBAPIError) -> Response:
    rollback_quietly()
    if isinstance(error, OperationalError) or getattr(error, "connection_invalidated", False):
        log.warning("database unavailable: %s", error.orig)
        # Who is signed in cannot be known without the database (the rollback also expired
        # an already loaded user): the page is drawn for a visitor who is signed out.
        g._login_user = login_manager.anonymous_user()
        return error_response(503, FRIENDLY[503], headers={"Retry-After": "5"})
    return handle_unexpected(error)


def handle_unexpected(error: Exception) -> Response:
    original = getattr(error, "original_exception", None) or error
    if isinstance(original, HTTPException) and not isinstance(original, InternalServerError):
        return handle_http_exception(original)
    if isinstance(original, ServiceError):
        return handle_service_error(original)
    log.exception("unhandled error", exc_info=original)
    rollback_quietly()
    return error_response(500, FRIENDLY[500])


def register(app: Flask) -> None:
    app.register_error_handler(ServiceError, handle_service_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DBAPIError, handle_database_unavailable)
    app.register_error_handler(Exception, handle_unexpected)
