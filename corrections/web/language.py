"""The language switch on every page: a small form that remembers the reader's choice.

It works without JavaScript (a POST answered by a redirect back to the same page) and keeps
the choice in the ``lang`` cookie, which ``corrections.i18n`` reads first.

Against cross-site requests it checks where the browser says the form came from
(``Sec-Fetch-Site``, else ``Origin``, else ``Referer``) rather than a CSRF token: a token
lives in the session, and a switch on every page would give every signed-out visitor a
session cookie on their first page. A forged POST from another site is refused.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from flask import Blueprint, Flask, current_app, redirect, request, url_for
from flask.typing import ResponseReturnValue

from corrections.extensions import csrf
from corrections.i18n import COOKIE, COOKIE_MAX_AGE, LOCALES, _l
from corrections.services.errors import Forbidden, Invalid
from corrections.web.auth import safe_next

bp = Blueprint("language", __name__)


def from_this_site() -> bool:
    """Whether the browser says this request was sent by a page of this site."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    # Browsers without Fetch Metadata: the Origin (or the Referer) must be this site's own.
    origin = request.headers.get("Origin")
    source = origin if origin and origin != "null" else request.referrer
    if not source:
        return False
    parts = urlsplit(source)
    return f"{parts.scheme}://{parts.netloc}" == request.host_url.rstrip("/")


def return_path() -> str:
    """Where the switch comes back to: this page with its query, less a ``next=`` (the
    sign-in page's own business, which must never be echoed into another form)."""
    query = [(k, v) for k, v in request.args.items(multi=True) if k != "next"]
    return request.path + (f"?{urlencode(query)}" if query else "")


@bp.record_once
def _template_helper(state) -> None:
    app: Flask = state.app
    app.jinja_env.globals["language_return_path"] = return_path


@bp.post("/language")
@csrf.exempt  # checked by from_this_site(), see the module's docstring
def choose() -> ResponseReturnValue:
    if not from_this_site():
        raise Forbidden(
            _l(
                "This form did not come from this site, so the language was not changed. "
                "Please use the switch at the top of the page."
            )
        )
    lang = request.form.get("lang")
    if lang not in LOCALES:
        raise Invalid(_l("Choose one of the languages offered."))
    response = redirect(safe_next(request.form.get("next")) or url_for("reader.index"), 303)
    response.set_cookie(
        COOKIE,
        lang,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
    )
    return response
