"""Reader pages: the list of articles, an article at any version with its threads, history."""

from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask_login import current_user

from corrections.db import database_int
from corrections.extensions import db
from corrections.services import articles, record, threads
from corrections.services.errors import ServiceError
from corrections.services.former_sections import former_sections
from corrections.web import caching, own_comments, quote_links
from corrections.web.thread_forms import CommentForm

bp = Blueprint("reader", __name__)

FormState = tuple[str, CommentForm, ServiceError]


@bp.get("/")
def index():
    return render_template("reader/index.html", articles=articles.list_articles(db.session))


def render_article(
    slug: str, number: int | None = None, *, form_state: FormState | None = None, status: int = 200
):
    """The article with every section's thread; ``form_state`` re-shows a refused form.

    A GET whose validator matches is answered 304 before anything is rendered.
    """
    linked_anchor = request.args.get("q", type=database_int)  # ?q=: mark that quote's words
    viewer = threads.Viewer(
        user_id=current_user.id if current_user.is_authenticated else None,
        own_ids=tuple(own_comments.read()),
    )
    state: list[object] | None = None
    if form_state is None:
        # The validator reads ids and counts only (articles.article_state), not the text.
        found = articles.article_state(db.session, slug, number)
        state = ["article", found.article_id, found.revision_id, found.latest_number]
        state.append(found.is_minor)  # the banner says "a minor revision"
        state.append(linked_anchor)
        state += threads.thread_state(db.session, article_id=found.article_id)
        # Their "Edit or delete" links go when the 15 minutes do.
        state += threads.still_editable(db.session, found.article_id, viewer)
        etag = caching.etag_of(state + caching.viewer_parts())
        unchanged = caching.not_modified(etag, private=True)
        if unchanged is not None:
            return unchanged
    view = articles.read_article(db.session, slug, number)
    shown = [s.section_id for s in view.sections]
    # The latest page also lists the threads of sections no longer in the article.
    former = former_sections(db.session, view.article.id, shown) if view.is_latest else []
    by_section = threads.article_threads(
        db.session, view.article.id, shown + [f.section_id for f in former], viewer
    )
    marks = quote_links.page_marks(db.session, view, by_section, linked_anchor)
    forms = {}
    if view.is_latest:
        for section in view.sections:
            forms[section.key] = CommentForm(formdata=None).prepare()
    error_key, error = None, None
    if form_state is not None:
        error_key, form, error = form_state
        forms[error_key] = form.prepare()
    response = make_response(
        render_template(
            "reader/article.html",
            view=view,
            threads=by_section,
            marks=marks,
            former_sections=former,
            forms=forms,
            error_key=error_key,
            error=error,
        ),
        status,
    )
    if state is not None:
        # Rendering may have started the session (the forms' CSRF secret), so the viewer's
        # part is read again: the next request will present exactly this.
        caching.stamp(response, caching.etag_of(state + caching.viewer_parts()), private=True)
    return response


@bp.get("/a/<slug>")
def article(slug: str):
    return render_article(slug)


@bp.get("/a/<slug>/v/<int:number>")
def version(slug: str, number: int):
    return render_article(slug, number)


@bp.get("/a/<slug>/history")
def history(slug: str):
    show_minor = request.args.get("minor") == "1"
    found = record.history(db.session, slug, include_minor=show_minor)
    return render_template(
        "reader/history.html", h=found, show_minor=show_minor, kind_words=record.KIND_WORDS
    )
