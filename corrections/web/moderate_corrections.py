"""A correction's page for moderators, and their decisions on it."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from corrections.db import database_int
from corrections.extensions import db
from corrections.i18n import _
from corrections.services import decisions, moderation_updates, review
from corrections.services.errors import Conflict, Invalid, ServiceError
from corrections.services.words import CORRECTION_STATUS_WORDS
from corrections.web.decision_forms import (
    AcceptForm,
    AddUpdateForm,
    DuplicateForm,
    NeedsInfoForm,
    RejectForm,
    ReopenForm,
)

bp = Blueprint("moderate_corrections", __name__, url_prefix="/moderate")

FORMS = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "duplicate": DuplicateForm,
    "needs-info": NeedsInfoForm,
    "reopen": ReopenForm,
}


def render_review(correction_id: int, *, error: ServiceError | None = None, active=None):
    """The page, with fresh forms, or the one the moderator sent back when it failed."""
    found = review.review(db.session, current_user, correction_id)
    forms = {name: cls(formdata=None) for name, cls in FORMS.items()}
    for form in forms.values():
        form.version.data = str(found.correction.version)
    forms["accept"].update_text.data = found.suggested_update
    if active is not None:
        forms[active[0]] = active[1]
        active[1].version.data = str(found.correction.version)
    status = error.status if error else 200
    return render_template(
        "moderation/correction.html",
        r=found,
        forms=forms,
        error=error,
        error_form=active[0] if active else None,
        outcome=CORRECTION_STATUS_WORDS,
    ), status


@bp.get("/corrections/<int:correction_id>")
@login_required
def show(correction_id: int):
    return render_review(correction_id)


def _version(form) -> int:
    try:
        return database_int(form.version.data or "")
    except ValueError:
        raise Invalid(_("This form is missing its version; reload the page.")) from None


def _decide(correction_id: int, name: str, call):
    form = FORMS[name]()
    if not form.validate_on_submit():
        problems = [m for field, ms in form.errors.items() if field != "csrf_token" for m in ms]
        if not problems:
            return render_review(correction_id, error=Invalid(_("This form expired; try again.")))
        return render_review(
            correction_id, error=Invalid(" ".join(str(m) for m in problems)), active=(name, form)
        )
    try:
        message = call(form)
    except (Invalid, Conflict) as error:
        db.session.rollback()
        return render_review(correction_id, error=error, active=(name, form))
    flash(message)
    return redirect(url_for("moderate_corrections.show", correction_id=correction_id), 303)


@bp.post("/corrections/<int:correction_id>/accept")
@login_required
def accept(correction_id: int):
    def call(form: AcceptForm) -> str:
        published = decisions.accept(
            db.session,
            current_user,
            correction_id,
            update_text=form.update_text.data or "",
            apply_text=bool(form.apply_text.data),
            expected_version=_version(form),
        )
        return _(
            "Accepted: Update %(update)s is published in version %(version)s.",
            update=published.update.number,
            version=published.revision.number,
        )

    return _decide(correction_id, "accept", call)


@bp.post("/corrections/<int:correction_id>/reject")
@login_required
def reject(correction_id: int):
    def call(form: RejectForm) -> str:
        decisions.reject(
            db.session,
            current_user,
            correction_id,
            reason=form.reason.data or "",
            note=form.note.data or "",
            expected_version=_version(form),
        )
        return _("Rejected. The reporter will see your reason.")

    return _decide(correction_id, "reject", call)


@bp.post("/corrections/<int:correction_id>/duplicate")
@login_required
def duplicate(correction_id: int):
    def call(form: DuplicateForm) -> str:
        decisions.mark_duplicate(
            db.session,
            current_user,
            correction_id,
            duplicate_of=form.duplicate_of.data or 0,
            expected_version=_version(form),
        )
        return _("Marked as a duplicate.")

    return _decide(correction_id, "duplicate", call)


@bp.post("/corrections/<int:correction_id>/needs-info")
@login_required
def needs_info(correction_id: int):
    def call(form: NeedsInfoForm) -> str:
        decisions.ask_for_info(
            db.session,
            current_user,
            correction_id,
            message=form.message.data or "",
            expected_version=_version(form),
        )
        return _("Asked the reporter for more information.")

    return _decide(correction_id, "needs-info", call)


@bp.post("/corrections/<int:correction_id>/reopen")
@login_required
def reopen(correction_id: int):
    def call(form: ReopenForm) -> str:
        decisions.reopen(
            db.session,
            current_user,
            correction_id,
            expected_version=_version(form),
            reason=form.reason.data or "",
        )
        return _("Reopened: the correction is pending again.")

    return _decide(correction_id, "reopen", call)


@bp.get("/updates/new")
@login_required
def choose_article():
    """Which article an update by hand goes to (linked from the moderation navigation)."""
    found = moderation_updates.articles_to_update(db.session, current_user)
    return render_template("moderation/updates.html", articles=found)


@bp.route("/articles/<slug>/updates/new", methods=["GET", "POST"])
@login_required
def add_update(slug: str):
    article = moderation_updates.article_to_update(db.session, current_user, slug)
    form = AddUpdateForm()
    error = None
    if request.method == "POST" and form.validate_on_submit():
        try:
            published = decisions.add_update(db.session, current_user, slug, form.update_text.data)
        except (Invalid, Conflict) as exc:
            error = exc
        else:
            flash(
                _(
                    "Update %(update)s is published in version %(version)s.",
                    update=published.update.number,
                    version=published.revision.number,
                )
            )
            return redirect(
                url_for("reader.article", slug=slug, _anchor=f"update-{published.update.number}"),
                303,
            )
    status = error.status if error else 200
    page = render_template("moderation/add_update.html", article=article, form=form, error=error)
    return page, status
