"""The author's editor: a server-side draft, its preview, publishing version N+1, suggested
edits, the conflict screen, minor marks and uploads. Authors and admins only.

Every button of the editor works without JavaScript: the sections form is submitted with
``op`` naming what to do, the server saves the draft, applies the op and redirects back to
the section. ``static/editor.js`` adds autosave through ``/author/<slug>/autosave``.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user

from corrections.extensions import db, login_manager
from corrections.i18n import _, _l
from corrections.models import Role
from corrections.services import article_settings, author_revisions, drafts, editor, suggestions
from corrections.services.applied_fixes import UndoesCorrection
from corrections.services.draft_conflicts import DraftConflict, RebaseResult
from corrections.services.draft_rules import OPS, DraftSection, apply_op
from corrections.services.errors import Invalid, ServiceError
from corrections.services.users import require_role
from corrections.text.diff import render_word_diff_html
from corrections.web.auth import me
from corrections.web.author_forms import (
    DiscardForm,
    EditorForm,
    MinorForm,
    ModerationModeForm,
    UploadForm,
    VersionForm,
    parse_op,
    sections_from,
    version_of,
)

bp = Blueprint("author", __name__, url_prefix="/author")

EXPIRED = Invalid(_l("This form has expired; reload the editor and try again."))


@bp.before_request
def authors_only() -> ResponseReturnValue | None:
    """Signed out: to the sign-in page. Signed in below the author role: 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_role(me(), Role.AUTHOR)  # the services check again
    return None


def render_editor(
    slug: str,
    *,
    error: ServiceError | None = None,
    posted: list[DraftSection] | None = None,
    summary: str | None = None,
    upload_error: ServiceError | None = None,
    settings_error: ServiceError | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    """The editor; ``posted`` re-shows sections the author sent when they could not be saved."""
    ed = editor.editor(db.session, me(), slug)
    form = EditorForm(formdata=None)
    form.version.data = str(ed.draft.version)
    form.summary.data = ed.draft.summary if summary is None else summary
    return render_template(
        "author/editor.html",
        ed=ed,
        sections=posted if posted is not None else ed.sections,
        form=form,
        rebase_form=VersionForm(formdata=None, data={"version": str(ed.draft.version)}),
        discard_form=DiscardForm(formdata=None),
        minor_form=MinorForm(formdata=None),
        upload_form=UploadForm(formdata=None),
        moderation_form=ModerationModeForm(formdata=None),
        site_mode=current_app.config["CORRECTIONS_MODERATION_MODE"],
        mode_words=article_settings.MODE_WORDS,
        error=error,
        upload_error=upload_error,
        settings_error=settings_error,
        diff_html=render_word_diff_html,
    ), status


@bp.get("/<slug>")
def edit(slug: str) -> ResponseReturnValue:
    return render_editor(slug)


@bp.post("/<slug>")
def submit(slug: str) -> ResponseReturnValue:
    """Save what was typed, then do what the pressed button says."""
    form = EditorForm()
    if not form.validate_on_submit():
        return render_editor(slug, error=EXPIRED, status=400)
    posted, saved = sections_from(request.form), False
    checked = request.form.getlist("checked")  # "I have checked it" after a rebase
    try:
        op, argument = parse_op(request.form.get("op"))
        sections, focus = posted, None
        if op in OPS and argument is not None:
            sections, focus = apply_op(posted, op, argument)
        draft = drafts.save_draft(
            db.session,
            me(),
            slug,
            [s.as_dict() for s in sections],
            form.summary.data,
            version_of(form),
            checked=checked,
        )
        saved = True
        if op == "apply" and argument is not None:
            draft = suggestions.apply_suggestion(db.session, me(), slug, argument, draft.version)
            flash(_("The suggested text is in your draft; it is published with the draft."))
        elif op == "publish":
            revision = drafts.publish_draft(
                db.session,
                me(),
                slug,
                draft.summary,
                draft.version,
                confirm_undo=request.form.get("confirm_undo") == "1",
            )
            flash(_("Version %(number)s is published.", number=revision.number))
            return redirect(url_for("reader.article", slug=slug), 303)
        elif op == "preview":
            return redirect(url_for("author.preview", slug=slug), 303)
        elif checked:
            flash(_("Draft saved; that section is no longer listed for a look."))
        elif op == "save":
            flash(_("Draft saved."))
    except (DraftConflict, UndoesCorrection) as conflict:
        return render_editor(slug, error=conflict, status=409)
    except ServiceError as error:
        db.session.rollback()
        kept = None if saved else posted
        return render_editor(
            slug, error=error, posted=kept, summary=form.summary.data, status=error.status
        )
    anchor = f"e-{drafts.sections_of(draft)[focus].key}" if focus is not None else None
    return redirect(url_for("author.edit", slug=slug, _anchor=anchor), 303)


@bp.post("/<slug>/autosave")
def autosave(slug: str) -> ResponseReturnValue:
    """``editor.js`` saves while the author types: JSON in both directions' spirit."""
    form = EditorForm()
    try:
        if not form.validate_on_submit():
            raise EXPIRED
        draft = drafts.save_draft(
            db.session,
            me(),
            slug,
            [s.as_dict() for s in sections_from(request.form)],
            form.summary.data,
            version_of(form),
        )
    except ServiceError as error:
        db.session.rollback()
        body = {"code": error.code, "message": error.message, "fields": error.fields}
        return jsonify({"error": body}), error.status
    return jsonify(
        {
            "version": draft.version,
            "saved_at": draft.updated_at.isoformat(),
            "keys": [s.key for s in drafts.sections_of(draft)],
        }
    )


@bp.get("/<slug>/preview")
def preview(slug: str) -> ResponseReturnValue:
    return render_template("author/preview.html", p=editor.preview(db.session, me(), slug))


def _rebase_message(result: RebaseResult) -> str:
    rebased = result.rebased
    labels = {s.key: s.label for s in rebased.sections}
    parts = [_("Your draft now starts from version %(number)s.", number=result.base_number)]
    if rebased.took_newer:
        names = ", ".join(labels[k] for k in rebased.took_newer)
        parts.append(_("Took the newer text of: %(sections)s.", sections=names))
    if rebased.merged:
        names = ", ".join(labels[k] for k in rebased.merged)
        parts.append(
            _(
                "Kept your changes and the newer ones, word by word, in: %(sections)s.",
                sections=names,
            )
        )
    if rebased.added_meanwhile:
        names = ", ".join(labels[k] for k in rebased.added_meanwhile)
        parts.append(_("Added: %(sections)s.", sections=names))
    if rebased.removed_meanwhile:
        names = ", ".join(rebased.removed_meanwhile)
        parts.append(_("Removed meanwhile: %(sections)s.", sections=names))
    if rebased.looks:
        looks = ", ".join(look.label for look in rebased.looks)
        parts.append(_("Please check %(sections)s: see “Please check” below.", sections=looks))
    return " ".join(parts)


@bp.post("/<slug>/rebase")
def rebase(slug: str) -> ResponseReturnValue:
    """ "Take the newer text where I made no change"."""
    form = VersionForm()
    try:
        if not form.validate_on_submit():
            raise EXPIRED
        result = drafts.rebase_draft(db.session, me(), slug, version_of(form))
    except ServiceError as error:
        db.session.rollback()
        return render_editor(slug, error=error, status=error.status)
    flash(_rebase_message(result))
    return redirect(url_for("author.edit", slug=slug), 303)


@bp.post("/<slug>/discard")
def discard(slug: str) -> ResponseReturnValue:
    if not DiscardForm().validate_on_submit():
        return render_editor(slug, error=EXPIRED, status=400)
    drafts.discard_draft(db.session, me(), slug)
    flash(_("Your draft was discarded; the published article is unchanged."))
    return redirect(url_for("reader.article", slug=slug), 303)


@bp.post("/<slug>/revisions/<int:number>/minor")
def minor(slug: str, number: int) -> ResponseReturnValue:
    form = MinorForm()
    if not form.validate_on_submit():
        return render_editor(slug, error=EXPIRED, status=400)
    try:
        revision = author_revisions.set_minor(
            db.session, me(), slug, number, form.minor.data == "1"
        )
    except ServiceError as error:
        db.session.rollback()
        return render_editor(slug, error=error, status=error.status)
    flash(
        _("Version %(number)s is marked minor: hidden from the public history.", number=number)
        if revision.is_minor
        else _("Version %(number)s is listed in the public history again.", number=number)
    )
    return redirect(url_for("author.edit", slug=slug, _anchor="revisions"), 303)


@bp.post("/<slug>/moderation")
def moderation(slug: str) -> ResponseReturnValue:
    """The article's own moderation mode for new comments, or the site's ("default")."""
    form = ModerationModeForm()
    try:
        if not form.validate_on_submit():
            raise EXPIRED
        mode = article_settings.parse_mode(form.mode.data)
        article = article_settings.set_moderation_mode(db.session, me(), slug, mode)
    except ServiceError as error:
        db.session.rollback()
        return render_editor(slug, settings_error=error, status=error.status)
    effective = article.moderation_mode or current_app.config["CORRECTIONS_MODERATION_MODE"]
    words = article_settings.describe(effective)
    flash(
        _("On this article %(mode)s.", mode=words)
        if article.moderation_mode
        else _("On this article %(mode)s (the site's setting).", mode=words)
    )
    return redirect(url_for("author.edit", slug=slug, _anchor="moderation"), 303)


@bp.post("/<slug>/upload")
def upload(slug: str) -> ResponseReturnValue:
    """A new revision from a file; a bad file gets a one-line reason and writes nothing."""
    form = UploadForm()
    try:
        if not form.validate_on_submit():
            raise EXPIRED
        file = form.file.data
        if file is None or not file.filename:
            raise Invalid(_("Choose a file to upload."))
        result = author_revisions.upload_revision(
            db.session,
            me(),
            slug,
            file.read(),
            form.summary.data,
            confirm_undo=bool(form.confirm_undo.data),
        )
    except ServiceError as error:
        db.session.rollback()
        return render_editor(slug, upload_error=error, status=error.status)
    flash(
        _(
            "Version %(number)s is published from %(file)s.",
            number=result.revision.number,
            file=file.filename,
        )
    )
    return redirect(url_for("reader.article", slug=slug), 303)
