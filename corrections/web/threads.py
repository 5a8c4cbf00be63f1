"""The thread beside each section: posting, replying, editing, deleting, flagging."""

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
from flask_login import current_user
from werkzeug.exceptions import HTTPException

from corrections.db import database_int
from corrections.errors import handle_http_exception
from corrections.extensions import db, limiter
from corrections.i18n import _, _l
from corrections.models import CommentStatus
from corrections.services import comments, threads
from corrections.services.anchors import QuoteInput, latest_section, readable_section
from corrections.services.errors import Conflict, Invalid, ServiceError
from corrections.web import caching, own_comments
from corrections.web.protection import client_submitter, idempotency_key, reporter_key
from corrections.web.reader import render_article
from corrections.web.thread_forms import CommentForm, DeleteForm, EditForm, FlagForm

bp = Blueprint("threads", __name__)


# What the author is told after sending; a repeat of the same form finds the first comment
# as it is now, which may since have been deleted or refused.
POSTED = {
    CommentStatus.PENDING: _l(
        "Thank you. Your comment is awaiting moderation; only you can see it for now."
    ),
    CommentStatus.PUBLISHED: _l("Your comment is published."),
    CommentStatus.DELETED: _l("You deleted this comment before; it was not posted again."),
    CommentStatus.REJECTED: _l(
        "You sent this comment before and the moderators did not publish it; "
        "it was not posted again."
    ),
    CommentStatus.SPAM: _l(
        "You sent this comment before and the moderators did not publish it; "
        "it was not posted again."
    ),
}


def comment_limit() -> str:
    return current_app.config["RATELIMIT_COMMENTS"]


# The form and the API share one budget per client address. A refusal for a field error
# (422) is not counted, so a reader fixing a missing name is not locked out.
comment_submission_limit = limiter.shared_limit(
    comment_limit,
    scope="comment-submissions",
    deduct_when=lambda response: response.status_code != 422,
)


def viewer() -> threads.Viewer:
    user_id = current_user.id if current_user.is_authenticated else None
    return threads.Viewer(user_id=user_id, own_ids=tuple(own_comments.read()))


def comment_url(comment_id: int) -> str:
    slug, _key = comments.locate(db.session, comment_id)
    return url_for("reader.article", slug=slug, _anchor=f"c-{comment_id}")


def quote_of(form: CommentForm) -> QuoteInput:
    return QuoteInput(
        form.quote.data or "", form.quote_prefix.data or "", form.quote_suffix.data or ""
    )


def _user():
    return current_user if current_user.is_authenticated else None


def parent_of(form: CommentForm) -> int | None:
    """The comment a reply answers, from the form's hidden field (empty: not a reply)."""
    raw = (form.parent_id.data or "").strip()
    if not raw:
        return None
    try:
        return database_int(raw)
    except ValueError as exc:
        # "²" is a digit to str.isdigit() but not to int(); 2**63 fits no id column.
        raise Invalid(_("The comment you are replying to is not in this thread.")) from exc


@bp.post("/a/<slug>/s/<key>/comments")
@comment_submission_limit
def post(slug: str, key: str):
    form = CommentForm()
    try:
        if not form.validate():
            raise Invalid(_("This form has expired; please send it again."))
        form.check()
        result = comments.post_comment(
            db.session,
            slug=slug,
            section_key=key,
            body=form.body.data or "",
            submitter=client_submitter(form.author_name.data or "", form.author_email.data),
            site_mode=current_app.config["CORRECTIONS_MODERATION_MODE"],
            parent_id=parent_of(form),
            quote=quote_of(form),
            idempotency_key=idempotency_key("comment", form.form_token.data),
        )
    except Invalid as error:
        return render_article(slug, form_state=(key, form, error), status=422)
    comment = result.comment
    flash(str(POSTED[comment.status]))
    shown = comment.status in (CommentStatus.PENDING, CommentStatus.PUBLISHED)
    place = f"c-{comment.id}" if shown else f"s-{key}"
    response = redirect(url_for("reader.article", slug=slug, _anchor=place), 303)
    if result.edit_secret:
        own_comments.remember(response, comment.id, result.edit_secret)
    return response


@bp.errorhandler(429)
def too_many(error: HTTPException):
    """A limited comment comes back in its form, with what was typed and the message."""
    slug, key = (request.view_args or {}).get("slug"), (request.view_args or {}).get("key")
    if request.endpoint != "threads.post" or not slug or not key:
        return handle_http_exception(error)
    refusal = Invalid(
        _(
            "You have sent several comments in a short time, so this one was not posted yet. "
            "Your text is kept below: please wait a minute and send it again."
        )
    )
    try:
        return render_article(slug, form_state=(key, CommentForm(), refusal), status=429)
    except ServiceError:  # no such article or section: the plain page says what happened
        return handle_http_exception(error)


@bp.get("/a/<slug>/s/<key>/comments")
def page(slug: str, key: str):
    target = readable_section(db.session, slug, key)
    after = request.args.get("after", type=database_int)
    me = viewer()
    section_id = target.section.section_id
    # As for the article page: answered 304 before the thread is read when nothing changed.
    state: list[object] = ["thread", section_id, target.revision.id, after]
    state += threads.thread_state(db.session, section_id=section_id)
    state += threads.still_editable(db.session, target.article.id, me)
    unchanged = caching.not_modified(caching.etag_of(state + caching.viewer_parts()), private=True)
    if unchanged is not None:
        return unchanged
    thread = threads.thread_page(db.session, section_id, after=after, viewer=me)
    response = make_response(
        render_template("threads/page.html", target=target, thread=thread, after=after)
    )
    return caching.stamp(response, caching.etag_of(state + caching.viewer_parts()), private=True)


@bp.get("/a/<slug>/s/<key>/reply/<int:comment_id>")
def reply(slug: str, key: str, comment_id: int):
    target = latest_section(db.session, slug, key)
    form = CommentForm(parent_id=str(comment_id)).prepare()
    parent = comments.get_published(db.session, comment_id, target.section.section_id)
    return render_template("threads/reply.html", target=target, parent=parent, form=form)


@bp.route("/comments/<int:comment_id>/edit", methods=["GET", "POST"])
def edit(comment_id: int):
    secret = own_comments.secret_for(comment_id)
    comment = comments.get_own(db.session, comment_id, user=_user(), edit_secret=secret)
    form = EditForm(body=comment.body_source)
    error = None
    if form.validate_on_submit():
        try:
            edited = comments.edit_comment(
                db.session,
                comment_id,
                form.body.data or "",
                user=_user(),
                edit_secret=secret,
                site_mode=current_app.config["CORRECTIONS_MODERATION_MODE"],
                secret=current_app.config["SECRET_KEY"],
            )
        except Invalid as exc:
            error = exc
        else:
            if edited.status.value == "pending":
                flash(_("Your comment was changed. It awaits moderation; only you can see it now."))
            else:
                flash(_("Your comment was changed."))
            return redirect(comment_url(comment_id), 303)
    status = 422 if error else 200
    return render_template("threads/edit.html", comment=comment, form=form, error=error), status


@bp.post("/comments/<int:comment_id>/delete")
def delete(comment_id: int):
    if not DeleteForm().validate():
        raise Invalid(_("This form has expired; please try again."))
    url = comment_url(comment_id)
    comments.delete_comment(
        db.session, comment_id, user=_user(), edit_secret=own_comments.secret_for(comment_id)
    )
    flash(_("Your comment was deleted."))
    return redirect(url, 303)


@bp.route("/comments/<int:comment_id>/flag", methods=["GET", "POST"])
@limiter.limit(comment_limit, methods=["POST"])
def flag(comment_id: int):
    comment = comments.get_published(db.session, comment_id)
    form = FlagForm()
    error: ServiceError | None = None
    if form.validate_on_submit():
        try:
            comments.flag_comment(
                db.session,
                comment_id,
                reason=form.reason.data or "",
                note=form.note.data or "",
                reporter_key=reporter_key(),
            )
        except (Invalid, Conflict) as exc:
            error = exc
        else:
            flash(_("Thank you. The moderators will look at this comment."))
            return redirect(comment_url(comment_id), 303)
    status = 422 if error else 200
    return render_template("threads/flag.html", comment=comment, form=form, error=error), status
