"""The moderation pages beside the queue: bans, the word lists, and the audit log.

Routes of the "moderation" blueprint (``corrections.web.moderation``), whose before-request
check lets in moderators, authors and admins only.
"""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf import FlaskForm

from corrections.db import database_int
from corrections.extensions import db
from corrections.i18n import _, ngettext
from corrections.models import WordKind
from corrections.services import audit, bans, moderation_log, word_lists
from corrections.services.errors import Conflict, Invalid, ServiceError
from corrections.web.auth import me
from corrections.web.moderation import bp
from corrections.web.moderation_forms import DURATIONS, BanForm, LiftForm, WordForm


def mark_fields(form: FlaskForm, error: ServiceError) -> str:
    """Put a service's field messages beside the fields shown; the message goes on top."""
    for name, messages in error.fields.items():
        field = form._fields.get(name)
        if field is not None:
            field.errors = [*field.errors, *messages]
    return error.message


def render_bans(
    form: BanForm | None = None,
    *,
    comment_id: int | None = None,
    error: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    screen = bans.ban_screen(db.session, me(), comment_id)
    if form is None:
        kind = request.args.get("kind")
        form = BanForm(formdata=None, comment_id=comment_id, **({"kind": kind} if kind else {}))
    page = render_template("moderation/bans.html", screen=screen, form=form, error=error)
    return page, status


@bp.get("/bans")
def bans_page() -> ResponseReturnValue:
    return render_bans(comment_id=request.args.get("comment", type=database_int))


@bp.post("/bans")
def ban() -> ResponseReturnValue:
    form = BanForm()
    if not form.validate():
        # The comment the form was about, unless that number is what was wrong.
        about = None if form.comment_id.errors else form.comment_id.data
        return render_bans(form, comment_id=about, status=422)
    try:
        result = bans.ban(
            db.session,
            me(),
            kind=form.kind.data or "",
            secret=current_app.config["SECRET_KEY"],
            comment_id=form.comment_id.data,
            email=form.email.data,
            duration=DURATIONS[form.duration.data or "7d"][1],
            reason=form.reason.data,
            reject_pending=form.reject_pending.data,
        )
    except (Invalid, Conflict) as exc:
        error = mark_fields(form, exc)
        return render_bans(form, comment_id=form.comment_id.data, error=error, status=exc.status)
    code = form.duration.data or "7d"
    how_long = _("forever") if code == "forever" else str(DURATIONS[code][0])
    message = _("Banned %(who)s (%(duration)s).", who=result.ban.label, duration=how_long)
    if form.reject_pending.data:
        message += " " + ngettext(
            "%(num)d waiting comment(s) rejected.",
            "%(num)d waiting comment(s) rejected.",
            result.rejected,
        )
    flash(message, "info")
    return redirect(url_for("moderation.bans_page"), 303)


@bp.post("/bans/<int:ban_id>/lift")
def lift(ban_id: int) -> ResponseReturnValue:
    form = LiftForm()
    if not form.validate():
        return render_bans(
            error=_("The reason is too long (%(count)s characters at most).", count=500),
            status=422,
        )
    try:
        lifted = bans.lift_ban(db.session, me(), ban_id, reason=form.reason.data)
    except Conflict as exc:
        return render_bans(error=exc.message, status=exc.status)
    flash(_("The ban of %(who)s is lifted.", who=lifted.label), "info")
    return redirect(url_for("moderation.bans_page"), 303)


def render_words(
    form: WordForm | None = None, *, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    lists = word_lists.list_words(db.session, me())
    form = form or WordForm(formdata=None)
    page = render_template("moderation/words.html", lists=lists, form=form, error=error)
    return page, status


@bp.route("/words", methods=["GET", "POST"])
def words() -> ResponseReturnValue:
    if request.method == "GET":
        return render_words()
    form = WordForm()
    if not form.validate():
        return render_words(form, status=422)
    try:
        rule = word_lists.add_word(db.session, me(), form.kind.data or "", form.word.data or "")
    except (Invalid, Conflict) as exc:
        return render_words(form, error=mark_fields(form, exc), status=exc.status)
    flash(
        _("“%(word)s” is on the blocked list.", word=rule.word)
        if rule.kind is WordKind.BLOCKED
        else _("“%(word)s” is on the watched list.", word=rule.word),
        "info",
    )
    return redirect(url_for("moderation.words"), 303)


@bp.post("/words/<int:rule_id>/remove")
def remove_word(rule_id: int) -> ResponseReturnValue:
    rule = word_lists.remove_word(db.session, me(), rule_id)
    flash(
        _("“%(word)s” is off the blocked list.", word=rule.word)
        if rule.kind is WordKind.BLOCKED
        else _("“%(word)s” is off the watched list.", word=rule.word),
        "info",
    )
    return redirect(url_for("moderation.words"), 303)


@bp.get("/log")
def log() -> ResponseReturnValue:
    filters = {
        "actor": request.args.get("actor", type=database_int),
        "target_type": request.args.get("target_type") or None,
        "action": (request.args.get("action") or "").strip() or None,
    }
    screen = moderation_log.log_screen(
        db.session,
        me(),
        actor_id=filters["actor"],
        target_type=filters["target_type"],
        action=filters["action"],
        after=request.args.get("after", type=database_int),
    )
    return render_template(
        "moderation/log.html",
        screen=screen,
        filters=filters,
        filter_query={k: v for k, v in filters.items() if v is not None},
        target_types=audit.TARGET_TYPES,
        known_actions=audit.KNOWN_ACTIONS,
    )
