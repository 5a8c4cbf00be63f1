"""The moderators' queue at ``/moderate``: tabs with counts, filters, and the decisions on
comments, one at a time, selected in bulk, or all from one author.

Moderators, authors and admins only: signed-out visitors are sent to sign in, readers get a
403 page. Bans, word lists and the log are in ``moderation_lists`` (same blueprint).
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.datastructures import MultiDict

from corrections.db import database_int, utcnow
from corrections.extensions import db, login_manager
from corrections.i18n import _, ngettext
from corrections.models import Role
from corrections.services import moderation, moderation_queue
from corrections.services.errors import Conflict, Forbidden, Invalid
from corrections.services.users import require_role
from corrections.web.auth import me
from corrections.web.filters import count
from corrections.web.moderation_forms import ACTIONS, REASONS, AuthorForm, BulkForm, RejectForm
from corrections.web.queue_parts import QueueParts

bp = Blueprint("moderation", __name__, url_prefix="/moderate")
log = logging.getLogger(__name__)


@bp.before_request
def moderators_only() -> ResponseReturnValue | None:
    """Signed out: to the sign-in page. Signed in below moderator: 403."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    require_role(me(), Role.MODERATOR)  # the services check again, inside their transaction
    return None


def pending_label() -> str:
    """The count beside "Moderate" in the header ("12", "1,000+"; "1.000+" in German)."""
    try:
        return count(moderation_queue.pending_total(db.session, me()))
    except Forbidden:  # the header offers the count to staff only; never a page's error
        return ""
    except SQLAlchemyError:  # the header must not turn an error page into a crash
        log.warning("could not count the moderation queue", exc_info=True)
        return ""


@bp.app_template_filter("queue_age")
def queue_age(moment: datetime) -> str:
    """How long an item has waited, roughly: "5 minutes", "3 hours", "2 days" (the queue says
    "waiting 5 minutes"; the German catalog gives the forms that follow "seit")."""
    seconds = max(0, int((utcnow() - moment).total_seconds()))
    if seconds >= 86_400:
        return ngettext("%(num)d day", "%(num)d days", seconds // 86_400)
    if seconds >= 3_600:
        return ngettext("%(num)d hour", "%(num)d hours", seconds // 3_600)
    if seconds >= 60:
        return ngettext("%(num)d minute", "%(num)d minutes", seconds // 60)
    return _("under a minute")


@bp.app_context_processor
def _moderation_helpers() -> dict[str, object]:
    return {"moderation_pending": pending_label}


@dataclass(frozen=True)
class QueueArgs:
    """Which view of the queue: tab, filters, order and page, read from a query string."""

    tab: str = moderation_queue.TABS[0]
    article: int | None = None
    section: int | None = None
    order: str | None = None  # "newest" or "oldest"; None is the tab's own order
    after: int | None = None

    @classmethod
    def parse(cls, args: MultiDict) -> QueueArgs:
        tab = args.get("tab", "")
        order = args.get("order")
        return cls(
            tab=tab if tab in moderation_queue.TABS else cls.tab,
            article=args.get("article", type=database_int),
            section=args.get("section", type=database_int),
            order=order if order in ("newest", "oldest") else None,
            after=args.get("after", type=database_int),
        )

    @classmethod
    def from_back(cls, back: str | None) -> QueueArgs:
        return cls.parse(MultiDict(parse_qsl(back or "")))

    def query(self, **changes: object) -> dict[str, object]:
        values = {**asdict(self), **changes}
        return {k: v for k, v in values.items() if v is not None}

    @property
    def newest_first(self) -> bool | None:
        return None if self.order is None else self.order == "newest"


def render_queue(
    args: QueueArgs, *, error: str | None = None, status: int = 200
) -> ResponseReturnValue:
    screen = moderation_queue.queue_screen(
        db.session,
        me(),
        tab=args.tab,
        article_id=args.article,
        section_id=args.section,
        after=args.after,
        newest_first=args.newest_first,
    )
    page = render_template(
        "moderation/queue.html",
        screen=screen,
        args=args,
        back=urlencode(args.query()),
        tabs=moderation_queue.TAB_LABELS,
        reasons=REASONS,
        actions=ACTIONS,
        parts=QueueParts(),
        error=error,
    )
    return page, status


def back_to(args: QueueArgs) -> ResponseReturnValue:
    return redirect(url_for("moderation.queue", **args.query()), 303)


def form_problem(form: RejectForm) -> str:
    messages = [m for errors in form.errors.values() for m in errors]
    return _("Please check the form: %(problems)s", problems=" ".join(str(m) for m in messages))


@bp.get("")
def queue() -> ResponseReturnValue:
    return render_queue(QueueArgs.parse(request.args))


@bp.post("/comments/<int:comment_id>/<any(approve, reject, spam, delete):action>")
def decide(comment_id: int, action: str) -> ResponseReturnValue:
    form = RejectForm()
    args = QueueArgs.from_back(form.back.data)
    if not form.validate():
        return render_queue(args, error=form_problem(form), status=422)
    try:
        moderation.decide_comment(
            db.session,
            me(),
            comment_id,
            action,
            form.reason.data,
            form.note.data,
            expected=form.seen.data,
        )
    except (Invalid, Conflict) as exc:
        return render_queue(args, error=exc.message, status=exc.status)
    flash(done_one(action, comment_id), "info")
    return back_to(args)


@bp.post("/comments/bulk")
def bulk() -> ResponseReturnValue:
    form = BulkForm()
    args = QueueArgs.from_back(form.back.data)
    if not form.validate():
        return render_queue(args, error=form_problem(form), status=422)
    try:
        result = moderation.bulk_decide(
            db.session,
            me(),
            form.ids.data or [],
            form.action.data or "",
            form.reason.data,
            form.note.data,
            expected=form.seen.data,
        )
    except (Invalid, Conflict) as exc:
        return render_queue(args, error=exc.message, status=exc.status)
    flash(summary(form.action.data or "", result), "info")
    return back_to(args)


@bp.post("/comments/<int:comment_id>/author")
def all_from_author(comment_id: int) -> ResponseReturnValue:
    form = AuthorForm()
    args = QueueArgs.from_back(form.back.data)
    if not form.validate():
        return render_queue(args, error=form_problem(form), status=422)
    try:
        result = moderation.decide_all_from_author(
            db.session, me(), comment_id, form.action.data or "", form.reason.data, form.note.data
        )
    except (Invalid, Conflict) as exc:
        return render_queue(args, error=exc.message, status=exc.status)
    flash(summary(form.action.data or "", result, from_author=True), "info")
    return back_to(args)


def done_one(action: str, comment_id: int) -> str:
    """What a moderator is told after deciding one comment."""
    messages = {
        "approve": _("Comment #%(id)s approved.", id=comment_id),
        "reject": _("Comment #%(id)s rejected.", id=comment_id),
        "spam": _("Comment #%(id)s marked as spam.", id=comment_id),
        "delete": _("Comment #%(id)s deleted.", id=comment_id),
    }
    return messages[action]


def _done_many(action: str, n: int, from_author: bool) -> str:
    if from_author:
        if action == "approve":
            return ngettext(
                "%(num)d comment from this author approved",
                "%(num)d comments from this author approved",
                n,
            )
        if action == "reject":
            return ngettext(
                "%(num)d comment from this author rejected",
                "%(num)d comments from this author rejected",
                n,
            )
        if action == "spam":
            return ngettext(
                "%(num)d comment from this author marked as spam",
                "%(num)d comments from this author marked as spam",
                n,
            )
        return ngettext(
            "%(num)d comment from this author deleted",
            "%(num)d comments from this author deleted",
            n,
        )
    if action == "approve":
        return ngettext("%(num)d comment approved", "%(num)d comments approved", n)
    if action == "reject":
        return ngettext("%(num)d comment rejected", "%(num)d comments rejected", n)
    if action == "spam":
        return ngettext("%(num)d comment marked as spam", "%(num)d comments marked as spam", n)
    return ngettext("%(num)d comment deleted", "%(num)d comments deleted", n)


def summary(action: str, result: moderation.BulkResult, *, from_author: bool = False) -> str:
    text = _done_many(action, result.changed, from_author)
    if result.skipped:
        text += ngettext(
            "; %(num)d skipped (already decided, or not open to this)",
            "; %(num)d skipped (already decided, or not open to this)",
            result.skipped,
        )
    return text + "."


from corrections.web import moderation_lists  # noqa: E402, F401 - its routes join this blueprint
