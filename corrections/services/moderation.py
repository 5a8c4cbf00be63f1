"""Moderators' decisions on comments: approve, reject, mark as spam, delete; one or many.

Every decision is a compare-and-set on the comment's status
(``UPDATE comments ... WHERE id = :id AND status = :seen``), taken under the write lock
(``begin_write``; ``SELECT ... FOR UPDATE`` on PostgreSQL), and commits together with its
audit row, the resolution of the comment's open flags and, for a held comment, the
commenter's notification. The pages send the status the moderator saw (``expected``), so a
comment another moderator decided in the meantime is never decided again on top of that.

Two moderators deciding the same comment at the same moment: the first wins; the second
gets ``Conflict`` saying what already happened ("This comment has already been approved"),
and nothing is applied twice. We chose Conflict over a silent no-op so that a moderator
never believes their own decision (say, a rejection) took effect when another one did.
In bulk, comments that are no longer open to the action are *skipped* and counted instead.

Approving a *published* comment (from the "flagged" tab) keeps it published and dismisses
its open flags.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from sqlalchemy import func, or_, select, update
from sqlalchemy.orm import Session

from corrections.db import DB_INT_MAX, begin_write, utcnow
from corrections.i18n import _, _l
from corrections.models import Comment, CommentStatus, Flag, Role, User
from corrections.services.audit import record_action
from corrections.services.comment_notices import comment_decided
from corrections.services.errors import Conflict, Invalid, NotFound
from corrections.services.users import require_role

MAX_BULK = 500
T = TypeVar("T")
Expected = CommentStatus | str | None  # the status a moderator saw, when they say
MAX_NOTE_CHARS = 400


class CommentAction(enum.StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"
    DELETE = "delete"


# Why a comment is rejected: the code forms and the API send, and the English reason the
# comment and the log keep with it (people read ``services.words``, in their language).
REJECT_REASONS = {
    "off_topic": "off topic",
    "abusive": "abusive",
    "spam": "spam",
    "duplicate": "duplicate",
    "other": "other",
}

_NEW_STATUS = {
    CommentAction.APPROVE: CommentStatus.PUBLISHED,
    CommentAction.REJECT: CommentStatus.REJECTED,
    CommentAction.SPAM: CommentStatus.SPAM,
    CommentAction.DELETE: CommentStatus.DELETED,
}
_OPEN = (CommentStatus.PENDING, CommentStatus.PUBLISHED)
_LOGGED_AS = {
    CommentAction.APPROVE: "comment_approved",
    CommentAction.REJECT: "comment_rejected",
    CommentAction.SPAM: "comment_spam",
    CommentAction.DELETE: "comment_deleted",
}
_DONE = {
    CommentStatus.PUBLISHED: _l("This comment has already been approved"),
    CommentStatus.REJECTED: _l("This comment has already been rejected"),
    CommentStatus.SPAM: _l("This comment has already been marked as spam"),
    CommentStatus.DELETED: _l("This comment has already been deleted"),
}


@dataclass(frozen=True)
class Decision:
    """What to do to comments, with the reason the comment and the log keep."""

    action: CommentAction
    reason: str | None = None
    # The status the moderator saw (pending in the queue, published under "flagged"); a
    # comment that has moved on since is not touched. None: any status open to the action.
    expected: CommentStatus | None = None
    notify: bool = True  # tell the commenter (held comments, approve and reject only)
    # What the commenter's email says (in the site's language): the reason code and note.
    code: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class BulkResult:
    changed: int
    skipped: int


def _expected(status: Expected) -> CommentStatus | None:
    if status is None or status == "":
        return None
    try:
        seen = CommentStatus(status)
    except ValueError as exc:
        raise Invalid(
            _("Reload the queue and try again."), fields={"seen": [_("Unknown.")]}
        ) from exc
    if seen not in _OPEN:
        raise Invalid(_("Only pending and published comments can be decided."))
    return seen


def decision(
    action: str,
    reason: str | None = None,
    note: str | None = None,
    expected: Expected = None,
) -> Decision:
    """Check an action and, for a rejection, its reason code and optional note."""
    try:
        chosen = CommentAction(action)
    except ValueError as exc:
        raise Invalid(
            _("Choose approve, reject, spam or delete."),
            fields={"action": [_("Choose an action.")]},
        ) from exc
    note = " ".join((note or "").split())
    if len(note) > MAX_NOTE_CHARS:
        raise Invalid(
            _("The note can be at most %(count)s characters.", count=MAX_NOTE_CHARS),
            fields={"note": [_("At most %(count)s characters.", count=MAX_NOTE_CHARS)]},
        )
    seen = _expected(expected)
    if chosen is CommentAction.REJECT:
        if reason not in REJECT_REASONS:
            raise Invalid(
                _("Choose why the comment is rejected."),
                fields={"reason": [_("Choose a reason.")]},
            )
        label = REJECT_REASONS[reason]
        return Decision(
            chosen, f"{label}: {note}" if note else label, seen, code=reason, note=note or None
        )
    return Decision(chosen, note or None, seen)


def decide_comment(
    session: Session,
    actor: User | None,
    comment_id: int,
    action: str,
    reason: str | None = None,
    note: str | None = None,
    *,
    expected: Expected = None,
) -> Comment:
    """One decision by name ("approve", "reject", "spam", "delete"), for forms and the API.

    ``expected`` is the status the moderator saw; when the comment has moved on since
    (another moderator decided it), this is a Conflict and nothing changes.
    """
    return _decide_one(session, actor, comment_id, decision(action, reason, note, expected))


def approve_comment(
    session: Session, actor: User | None, comment_id: int, *, expected: Expected = None
) -> Comment:
    return decide_comment(session, actor, comment_id, "approve", expected=expected)


def reject_comment(
    session: Session,
    actor: User | None,
    comment_id: int,
    reason: str,
    note: str | None = None,
    *,
    expected: Expected = None,
) -> Comment:
    return decide_comment(session, actor, comment_id, "reject", reason, note, expected=expected)


def mark_spam(
    session: Session,
    actor: User | None,
    comment_id: int,
    note: str | None = None,
    *,
    expected: Expected = None,
) -> Comment:
    return decide_comment(session, actor, comment_id, "spam", note=note, expected=expected)


def delete_comment(
    session: Session,
    actor: User | None,
    comment_id: int,
    note: str | None = None,
    *,
    expected: Expected = None,
) -> Comment:
    """A moderator's delete: replies stay under a "comment deleted" placeholder."""
    return decide_comment(session, actor, comment_id, "delete", note=note, expected=expected)


def bulk_decide(
    session: Session,
    actor: User | None,
    comment_ids: Iterable[int],
    action: str,
    reason: str | None = None,
    note: str | None = None,
    *,
    expected: Expected = None,
) -> BulkResult:
    """Apply one decision to many comments in one transaction; the decided are skipped.

    An id no comment can have (below 1, or beyond the ``INTEGER`` column) is refused before
    any SQL, rather than skipped: it is a malformed request, not a comment decided meanwhile.
    """
    ids = sorted({int(i) for i in comment_ids})
    if not ids:
        raise Invalid(_("Select at least one comment."), fields={"ids": [_("Select a comment.")]})
    if len(ids) > MAX_BULK:
        raise Invalid(
            _("Decide at most %(count)s comments at once.", count=MAX_BULK),
            fields={"ids": [_("At most %(count)s.", count=MAX_BULK)]},
        )
    if ids[0] < 1 or ids[-1] > DB_INT_MAX:
        raise Invalid(
            _("Select comments from the queue; that is not a comment number."),
            fields={"ids": [_("Comment numbers are from 1 to %(max)s.", max=DB_INT_MAX)]},
        )
    chosen = decision(action, reason, note, expected)
    return _in_write(session, actor, lambda moderator: apply_many(session, moderator, ids, chosen))


def decide_all_from_author(
    session: Session,
    actor: User | None,
    comment_id: int,
    action: str,
    reason: str | None = None,
    note: str | None = None,
) -> BulkResult:
    """Apply a decision to every pending comment of the author of ``comment_id``."""
    chosen = decision(action, reason, note, CommentStatus.PENDING)

    def run(moderator: User) -> BulkResult:
        return apply_many(session, moderator, comment_ids_by_author(session, comment_id), chosen)

    return _in_write(session, actor, run)


def comment_ids_by_author(session: Session, comment_id: int) -> list[int]:
    """Pending comments of the same account, the same email or the same network hash.

    The network is the keyed hash of a /24 (IPv4) or /48 (IPv6): on a shared network it can
    take in other people, which moderators see in the queue before they use it.
    """
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("There is no such comment."))
    same = [Comment.id == comment.id]
    if comment.user_id is not None:
        same.append(Comment.user_id == comment.user_id)
    if comment.author_email:
        same.append(Comment.author_email == comment.author_email)
    if comment.network_hash:
        same.append(Comment.network_hash == comment.network_hash)
    query = (
        select(Comment.id)
        .where(Comment.status == CommentStatus.PENDING, or_(*same))
        .order_by(Comment.id)
        .limit(MAX_BULK)
    )
    return list(session.scalars(query))


def apply_many(session: Session, moderator: User, ids: list[int], chosen: Decision) -> BulkResult:
    """Inside the caller's write transaction: lock the comments in id order, decide each."""
    if not ids:
        return BulkResult(0, 0)
    rows = session.scalars(
        select(Comment)
        .where(Comment.id.in_(ids))
        .order_by(Comment.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).all()
    now = utcnow()
    changed = sum(_apply(session, moderator, comment, chosen, now) for comment in rows)
    return BulkResult(changed, len(ids) - changed)


def _in_write(session: Session, actor: User | None, run: Callable[[User], T]) -> T:
    """One write transaction: the write lock, the actor's role as the database says, commit."""
    begin_write(session)
    try:
        result = run(require_role(actor, Role.MODERATOR))
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return result


def _decide_one(session: Session, actor: User | None, comment_id: int, chosen: Decision) -> Comment:
    def run(moderator: User) -> Comment:
        comment = session.scalars(
            select(Comment)
            .where(Comment.id == comment_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if comment is None:
            raise NotFound(_("There is no such comment."))
        if not _apply(session, moderator, comment, chosen, utcnow()):
            raise _not_open(session, comment_id, chosen)
        return comment

    comment = _in_write(session, actor, run)
    session.refresh(comment)
    return comment


def _not_open(session: Session, comment_id: int, chosen: Decision) -> Conflict:
    # Read again: under READ COMMITTED this sees what the winning moderator committed.
    row = session.execute(
        select(Comment.status, Comment.decision_reason).where(Comment.id == comment_id)
    ).one()
    if row.status == CommentStatus.PENDING:
        return Conflict(
            _(
                "This comment went back to the queue (its author edited it); "
                "reload the page to read it again."
            )
        )
    if row.status == CommentStatus.PUBLISHED and chosen.expected in (None, row.status):
        return Conflict(_("This comment is already published and has no open flags."))
    if row.status == CommentStatus.DELETED and row.decision_reason == "deleted by its author":
        return Conflict(_("Its author has deleted this comment; there is nothing to decide."))
    done = _DONE.get(row.status) or _(
        "This comment has already been %(status)s", status=row.status.value
    )
    return Conflict(
        _(
            "%(done)s (by another moderator, or an earlier click); "
            "nothing was changed. Reload the queue to see what is left.",
            done=done,
        )
    )


def _apply(
    session: Session, moderator: User, comment: Comment, chosen: Decision, now: datetime
) -> bool:
    """Decide one locked comment; False when it is not open to this action."""
    old = comment.status
    if old not in _OPEN or chosen.expected not in (None, old):
        return False
    if chosen.action is CommentAction.APPROVE and old is CommentStatus.PUBLISHED:
        dismissed = _resolve_flags(session, comment.id, now)
        if dismissed:
            why = f"{dismissed} flag(s) dismissed; the comment stays published"
            _log(session, moderator, comment, "comment_flags_dismissed", old, old, why)
        return dismissed > 0
    new = _NEW_STATUS[chosen.action]
    values: dict[str, object] = {"status": new}
    if chosen.reason is not None or chosen.action is not CommentAction.APPROVE:
        values["decision_reason"] = chosen.reason
    if new is CommentStatus.PUBLISHED:
        # An edit sends a comment back to review; re-approving keeps its first publication.
        values["published_at"] = func.coalesce(Comment.published_at, now)
    result = session.execute(
        update(Comment)
        .where(Comment.id == comment.id, Comment.status == old)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.expire(comment, ["status", "decision_reason", "published_at"])  # reread when used
    _resolve_flags(session, comment.id, now)
    _log(session, moderator, comment, _LOGGED_AS[chosen.action], old, new, chosen.reason)
    if chosen.notify and old is CommentStatus.PENDING:
        comment_decided(session, comment, new, chosen.code, chosen.note)
    return True


def _resolve_flags(session: Session, comment_id: int, now: datetime) -> int:
    result = session.execute(
        update(Flag)
        .where(Flag.comment_id == comment_id, Flag.resolved_at.is_(None))
        .values(resolved_at=now)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount  # type: ignore[attr-defined]


def _log(
    session: Session,
    moderator: User,
    comment: Comment,
    action: str,
    old: CommentStatus,
    new: CommentStatus,
    reason: str | None,
) -> None:
    record_action(
        session,
        actor=moderator,
        action=action,
        target_type="comment",
        target_id=comment.id,
        old_status=old.value,
        new_status=new.value,
        reason=reason,
        article_id=comment.article_id,
    )
