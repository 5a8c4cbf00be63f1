"""Suggesting a correction to a section, and the reporter's private tracking page.

The tracking token reaches the reporter twice after a submit: in a signed, HttpOnly cookie
scoped to ``/c/<public_id>``, and once as a private link on the tracking page to keep for
other devices. A token arriving in the query string is moved into the cookie at once, so it
does not stay in the address bar, the history or a Referer.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.wrappers import Response
from flask_login import current_user

from corrections.extensions import csrf, db, limiter
from corrections.i18n import _
from corrections.services import corrections
from corrections.services.anchors import latest_section
from corrections.services.errors import Invalid
from corrections.text.anchoring import CONTEXT_CHARS, MAX_QUOTE_CHARS
from corrections.web import tracking_cookie
from corrections.web.correction_forms import (
    CorrectionForm,
    ReplyForm,
    WithdrawForm,
    field_errors,
)
from corrections.web.protection import client_submitter, idempotency_key

bp = Blueprint("corrections", __name__)
TRACKING_ENDPOINTS = {"corrections.track", "corrections.withdraw", "corrections.reply"}


def correction_limit() -> str:
    return current_app.config["RATELIMIT_CORRECTIONS"]


# The form and the API share one budget per client. A refusal for a field error (422) is
# not counted, so a reader fixing a mistyped quote is not locked out.
submission_limit = limiter.shared_limit(
    correction_limit,
    scope="correction-submissions",
    deduct_when=lambda response: response.status_code != 422,
)


@bp.after_request
def _private(response: Response) -> Response:
    # Never send the address of a correction page on to a source link or anywhere else.
    response.headers["Referrer-Policy"] = "no-referrer"
    if request.endpoint in TRACKING_ENDPOINTS:
        response.headers["Cache-Control"] = "no-store"
    return response


def _render_form(slug: str, key: str, form: CorrectionForm, error: Invalid | None = None):
    target = latest_section(db.session, slug, key)
    errors = field_errors(error.fields) if error else {}
    html = render_template(
        "corrections/suggest.html", target=target, form=form.prepare(), error=error, errors=errors
    )
    return html, 422 if error else 200


@bp.get("/a/<slug>/s/<key>/correct")
def suggest(slug: str, key: str):
    args = request.args
    form = CorrectionForm(
        quote=args.get("quote", "")[:MAX_QUOTE_CHARS],
        quote_prefix=args.get("prefix", "")[-CONTEXT_CHARS:],
        quote_suffix=args.get("suffix", "")[:CONTEXT_CHARS],
        kind="correction",
        name=current_user.display_name if current_user.is_authenticated else "",
    )
    return _render_form(slug, key, form)


@bp.post("/a/<slug>/s/<key>/correct")
@submission_limit
@csrf.exempt  # checked by form.validate() instead, so an expired form keeps what was typed
def submit(slug: str, key: str):
    form = CorrectionForm()
    try:
        if not form.validate():
            raise Invalid(_("This form had expired; it is renewed now, please send it again."))
        form.check()
        result = corrections.submit_correction(
            db.session, slug=slug, section_key=key, quote=form.quote_input(),
            kind=form.kind.data or "", proposed_text=form.proposed_text.data or "",
            explanation=form.explanation.data or "", links=form.source_links(),
            submitter=client_submitter(form.name.data or "", form.email.data or None),
            idempotency_key=idempotency_key("correction", form.form_token.data),
        )  # fmt: skip
    except Invalid as error:
        return _render_form(slug, key, form, error)
    if not result.created or result.tracking_token is None:
        return render_template("corrections/repeat.html", correction=result.correction)
    public_id = result.correction.public_id
    response = redirect(url_for(".track", public_id=public_id), 303)
    tracking_cookie.remember(response, public_id, result.tracking_token, fresh=True)
    return response


@bp.get("/c/<public_id>")
def track(public_id: str):
    if query_token := request.args.get("token"):
        corrections.get_tracked(db.session, public_id, query_token)  # a wrong token is a 404
        response = redirect(url_for(".track", public_id=public_id), 303)
        tracking_cookie.remember(response, public_id, query_token)
        return response
    token, fresh = tracking_cookie.read(public_id)
    response = make_response(_render_tracking(public_id, token, show_token=fresh))
    if fresh and token:
        tracking_cookie.remember(response, public_id, token)  # the link is shown only once
    return response


def _render_tracking(
    public_id: str, token: str | None, *, show_token: bool = False, reply_form=None, error=None
):
    tracked = corrections.tracking_view(db.session, public_id, token)
    private_link = url_for(".track", public_id=public_id, token=token, _external=True)
    html = render_template(
        "corrections/track.html",
        tracked=tracked,
        private_link=private_link if show_token else None,
        reply_form=reply_form or ReplyForm(),
        withdraw_form=WithdrawForm(),
        error=error,
    )
    return html, 422 if error else 200


@bp.post("/c/<public_id>/withdraw")
def withdraw(public_id: str):
    if not WithdrawForm().validate():
        raise Invalid(_("This form has expired; please reload the page and try again."))
    token, _fresh = tracking_cookie.read(public_id)
    corrections.withdraw(db.session, public_id, token)
    flash(_("You withdrew your correction. The moderators will not review it."))
    return redirect(url_for(".track", public_id=public_id), 303)


@bp.post("/c/<public_id>/reply")
def reply(public_id: str):
    form = ReplyForm()
    token, _fresh = tracking_cookie.read(public_id)
    try:
        if not form.validate():
            raise Invalid(_("This form has expired; please send it again."))
        corrections.answer_info_request(db.session, public_id, token, form.reply.data or "")
    except Invalid as error:
        return _render_tracking(public_id, token, reply_form=form, error=error)
    flash(_("Thank you. Your answer was sent to the moderators, who will look at it again."))
    return redirect(url_for(".track", public_id=public_id), 303)
