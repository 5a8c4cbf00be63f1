"""Bans: refusing new comments from an email, an account or a network, for a while or for good.

Only the keyed hash of the banned value is stored (the same hashes ``abuse.active_ban``
checks when a comment or a correction arrives), with a label moderators can read that does
not give the value away: "a***@example.org", "account #12 (Ann)", "the network of comment
#345". The network is what ``hashing.network_hash`` encodes: the /24 of an IPv4 address,
the /48 of an IPv6 one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, or_, select, update
from sqlalchemy.orm import Session

from corrections.db import begin_write, utcnow
from corrections.i18n import _
from corrections.models import Ban, BanKind, Comment, CommentStatus, Role, User
from corrections.services.abuse import account_ban_hash, email_ban_hash
from corrections.services.audit import record_action
from corrections.services.errors import Conflict, Invalid, NotFound
from corrections.services.moderation import CommentAction, Decision, apply_many
from corrections.services.users import normalize_email, require_role

MAX_REASON_CHARS = 500
MAX_LISTED = 200
REJECT_CHUNK = 500  # pending comments rejected per statement with a ban


@dataclass(frozen=True)
class BanResult:
    ban: Ban
    rejected: int  # pending comments rejected with it


@dataclass(frozen=True)
class BanEntry:
    ban: Ban
    state: str  # "active", "expired" or "lifted"
    created_by: str | None


@dataclass(frozen=True)
class BanList:
    active: list[BanEntry]
    past: list[BanEntry]


@dataclass(frozen=True)
class _Target:
    value_hash: str
    label: str
    pending: ColumnElement[bool]  # which comments are theirs


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


def _active(now: datetime) -> ColumnElement[bool]:
    return (Ban.lifted_at.is_(None)) & or_(Ban.expires_at.is_(None), Ban.expires_at > now)


def ban(
    session: Session,
    actor: User | None,
    *,
    kind: BanKind | str,
    secret: str,
    comment_id: int | None = None,
    user_id: int | None = None,
    email: str | None = None,
    duration: timedelta | None = None,
    reason: str | None = None,
    reject_pending: bool = False,
) -> BanResult:
    """Ban the email, account or network of a comment (or an email / account given directly).

    ``duration`` None is forever. With ``reject_pending`` their held comments are rejected in
    the same transaction (without a notification: a banned sender gets no mail from us).
    """
    try:
        kind = BanKind(kind)
    except ValueError as exc:
        raise Invalid(
            _("Choose email, account or network."), fields={"kind": [_("Choose one.")]}
        ) from exc
    reason = " ".join((reason or "").split()) or None
    if reason and len(reason) > MAX_REASON_CHARS:
        raise Invalid(
            _("The reason is too long."),
            fields={"reason": [_("At most %(count)s characters.", count=MAX_REASON_CHARS)]},
        )
    if duration is not None and duration <= timedelta(0):
        raise Invalid(
            _("A ban lasts a positive time, or forever."), fields={"duration": [_("Choose.")]}
        )
    begin_write(session)
    try:
        moderator = require_role(actor, Role.MODERATOR)
        target = _target(session, moderator, kind, secret, comment_id, user_id, email)
        now = utcnow()
        existing = session.scalars(
            select(Ban).where(Ban.kind == kind, Ban.value_hash == target.value_hash, _active(now))
        ).first()
        if existing is not None:
            raise Conflict(
                _("%(who)s is already banned (ban #%(id)s).", who=target.label, id=existing.id)
            )
        row = Ban(
            kind=kind,
            value_hash=target.value_hash,
            label=target.label,
            reason=reason,
            expires_at=now + duration if duration is not None else None,
            created_by_id=moderator.id,
            created_at=now,
        )
        session.add(row)
        session.flush()
        until = f"until {row.expires_at:%Y-%m-%d %H:%M} UTC" if row.expires_at else "forever"
        record_action(
            session,
            actor=moderator,
            action="ban_created",
            target_type="ban",
            target_id=row.id,
            new_status="active",
            reason=f"{kind.value} ban of {target.label}, {until}"
            + (f": {reason}" if reason else ""),
        )
        rejected = 0
        if reject_pending:
            why = f"from a banned {kind.value}" + (f": {reason}" if reason else "")
            chosen = Decision(CommentAction.REJECT, why[:MAX_REASON_CHARS], notify=False)
            rejected = _reject_pending(session, moderator, target, chosen)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return BanResult(row, rejected)


def _reject_pending(session: Session, moderator: User, target: _Target, chosen: Decision) -> int:
    """Reject every pending comment of the target, ``REJECT_CHUNK`` at a time by keyset.

    A prolific spammer may have thousands waiting: each chunk is one bounded ``IN (...)``,
    and every comment still gets its own audit row, as a single decision would.
    """
    rejected, last = 0, 0
    while True:
        ids = list(
            session.scalars(
                select(Comment.id)
                .where(Comment.status == CommentStatus.PENDING, target.pending, Comment.id > last)
                .order_by(Comment.id)
                .limit(REJECT_CHUNK)
            )
        )
        if not ids:
            return rejected
        rejected += apply_many(session, moderator, ids, chosen).changed
        session.flush()
        last = ids[-1]


def _target(
    session: Session,
    moderator: User,
    kind: BanKind,
    secret: str,
    comment_id: int | None,
    user_id: int | None,
    email: str | None,
) -> _Target:
    comment = None
    if comment_id is not None:
        comment = session.get(Comment, comment_id)
        if comment is None:
            raise NotFound(_("There is no such comment."))
    if kind is BanKind.EMAIL:
        address = (email or "").strip() or (comment.author_email if comment else None)
        if not address:
            raise Invalid(
                _("This comment has no email address; ban its account or network instead.")
                if comment
                else _("No email address given; ban its account or network instead."),
                fields={"email": [_("Enter the email address to ban.")]},
            )
        address = normalize_email(address)
        return _Target(
            email_ban_hash(secret, address), mask_email(address), Comment.author_email == address
        )
    if kind is BanKind.ACCOUNT:
        uid = user_id if user_id is not None else (comment.user_id if comment else None)
        if uid is None:
            raise Invalid(_("This comment was written by a guest; ban its email or network."))
        user = session.get(User, uid)
        if user is None:
            raise NotFound(_("There is no such account."))
        if user.id == moderator.id or user.role.at_least(Role.MODERATOR):
            raise Invalid(
                _(
                    "Staff accounts cannot be banned; "
                    "an admin can change their role or disable them."
                )
            )
        label = f"account #{user.id} ({user.display_name})"
        return _Target(account_ban_hash(secret, user.id), label, Comment.user_id == user.id)
    if comment is None or not comment.network_hash:
        raise Invalid(_("A network is banned from one of its comments; this one has no network."))
    return _Target(
        comment.network_hash,
        f"the network of comment #{comment.id}",
        Comment.network_hash == comment.network_hash,
    )


def lift_ban(
    session: Session, actor: User | None, ban_id: int, *, reason: str | None = None
) -> Ban:
    """End an active ban now. Lifting one already lifted or expired is a Conflict."""
    reason = " ".join((reason or "").split())[:MAX_REASON_CHARS] or None
    begin_write(session)
    try:
        moderator = require_role(actor, Role.MODERATOR)
        now = utcnow()
        result = session.execute(
            update(Ban)
            .where(Ban.id == ban_id, _active(now))
            .values(lifted_at=now)
            .execution_options(synchronize_session=False)
        )
        row = session.get(Ban, ban_id, populate_existing=True)
        if row is None:
            raise NotFound(_("There is no such ban."))
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise Conflict(
                _(
                    "The ban of %(who)s is no longer active; nothing was changed.",
                    who=row.label,
                )
            )
        record_action(
            session,
            actor=moderator,
            action="ban_lifted",
            target_type="ban",
            target_id=row.id,
            old_status="active",
            new_status="lifted",
            reason=f"{row.label}" + (f": {reason}" if reason else ""),
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return row


def list_bans(session: Session, actor: User | None) -> BanList:
    """Active bans (newest first), then the latest lifted or expired ones."""
    require_role(actor, Role.MODERATOR)
    now = utcnow()
    query = select(Ban, User.display_name).outerjoin(User, User.id == Ban.created_by_id)
    active = session.execute(
        query.where(_active(now)).order_by(Ban.id.desc()).limit(MAX_LISTED)
    ).all()
    past = session.execute(
        query.where(~_active(now)).order_by(Ban.id.desc()).limit(MAX_LISTED)
    ).all()

    def entry(ban_row: Ban, name: str | None) -> BanEntry:
        if ban_row.lifted_at is not None:
            state = "lifted"
        elif ban_row.expires_at is not None and ban_row.expires_at <= now:
            state = "expired"
        else:
            state = "active"
        return BanEntry(ban_row, state, name)

    return BanList([entry(*r) for r in active], [entry(*r) for r in past])


@dataclass(frozen=True)
class BanSubject:
    """What a moderator may ban from one comment, as the ban form offers it."""

    comment_id: int
    author_name: str
    email_label: str | None
    account_label: str | None
    has_network: bool


@dataclass(frozen=True)
class BanScreen:
    bans: BanList
    subject: BanSubject | None


def ban_screen(session: Session, actor: User | None, comment_id: int | None = None) -> BanScreen:
    """The bans page: every ban, and what can be banned from ``comment_id`` when given."""
    listed = list_bans(session, actor)
    if comment_id is None:
        return BanScreen(listed, None)
    comment = session.get(Comment, comment_id)
    if comment is None:
        raise NotFound(_("There is no such comment."))
    user = session.get(User, comment.user_id) if comment.user_id is not None else None
    subject = BanSubject(
        comment_id=comment.id,
        author_name=comment.author_name,
        email_label=mask_email(comment.author_email) if comment.author_email else None,
        account_label=f"account #{user.id} ({user.display_name})" if user else None,
        has_network=bool(comment.network_hash),
    )
    return BanScreen(listed, subject)
