"""Posting, editing, deleting and flagging comments in the thread beside a section."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrections.db import begin_write, utcnow
from corrections.i18n import _, number
from corrections.models import (
    Article,
    Comment,
    CommentEdit,
    CommentStatus,
    Flag,
    FlagReason,
    Section,
    User,
    WordKind,
)
from corrections.services import abuse
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput, anchor_row, latest_section, locate_quote
from corrections.services.errors import Conflict, Forbidden, Invalid, NotFound
from corrections.services.hashing import constant_time_equal, new_token, token_hash
from corrections.services.users import normalize_email
from corrections.text.anchoring import Anchor as TextAnchor
from corrections.text.markdown import render_markdown

MAX_BODY_CHARS = 10_000
MAX_NAME_CHARS = 80
MAX_FLAG_NOTE_CHARS = 500
EDIT_WINDOW = timedelta(minutes=15)
MODES = ("pre", "post", "first-time")


@dataclass(frozen=True)
class PostResult:
    comment: Comment
    edit_secret: str | None  # for guests: proves authorship for 15 minutes; shown to them only
    created: bool


def moderation_mode(article_mode: str | None, site_mode: str) -> str:
    return article_mode if article_mode in MODES else site_mode


def _clean_body(body: str) -> str:
    body = (body or "").strip()
    if not body:
        raise Invalid(_("Write something first."), fields={"body": [_("Write your comment.")]})
    if len(body) > MAX_BODY_CHARS:
        raise Invalid(
            _(
                "Comments can be at most %(limit)s characters; this one has %(length)s.",
                limit=number(MAX_BODY_CHARS),
                length=number(len(body)),
            ),
            fields={"body": [_("At most %(count)s characters.", count=number(MAX_BODY_CHARS))]},
        )
    return body


def _author(submitter: Submitter) -> tuple[str, str | None]:
    if submitter.user is not None:
        return submitter.user.display_name, submitter.user.email
    name = " ".join((submitter.name or "").split())
    if not name:
        raise Invalid(
            _("Tell us your name."), fields={"author_name": [_("Your name is required.")]}
        )
    if len(name) > MAX_NAME_CHARS:
        raise Invalid(
            _("Names can be at most %(count)s characters.", count=MAX_NAME_CHARS),
            fields={"author_name": [_("At most %(count)s characters.", count=MAX_NAME_CHARS)]},
        )
    email = None
    if submitter.email and submitter.email.strip():
        try:
            email = normalize_email(submitter.email)
        except Invalid as exc:
            raise Invalid(
                exc.message, fields={"author_email": [_("Enter an email address.")]}
            ) from exc
    return name, email


def post_comment(
    session: Session,
    *,
    slug: str,
    section_key: str,
    body: str,
    submitter: Submitter,
    site_mode: str,
    parent_id: int | None = None,
    quote: QuoteInput | None = None,
    idempotency_key: str | None = None,
) -> PostResult:
    """Validate, apply the abuse rules, and store a comment as published or pending.

    The work is done before the write transaction (SQLite's one write lock: two workers
    would otherwise overlap none of it); inside it, only what a concurrent request can have
    changed is checked again before the INSERT.
    """
    body = _clean_body(body)
    name, email = _author(submitter)
    if idempotency_key:
        existing = _by_key(session, idempotency_key)
        if existing is not None:
            return PostResult(existing, None, False)
    author = Submitter(submitter.secret, submitter.user, name, email, submitter.network_hash)

    def prepare() -> _Prepared:
        return _prepare(session, slug, section_key, body, author, parent_id, quote)

    try:
        prepared = prepare()
        begin_write(session)
        if not _still_current(session, prepared):
            prepared = prepare()  # an author published, or the mode changed, meanwhile
        result = _store(session, prepared, site_mode, idempotency_key)
        session.commit()
    except (IntegrityError, Invalid):
        # A repeat sent while the first was being saved: the first is found by its key,
        # either as a unique-key violation or by the check against posting the same text.
        session.rollback()
        existing = _by_key(session, idempotency_key) if idempotency_key else None
        if existing is None:
            raise
        return PostResult(existing, None, False)
    except BaseException:
        session.rollback()
        raise
    return result


def _by_key(session: Session, key: str) -> Comment | None:
    return session.scalars(select(Comment).where(Comment.idempotency_key == key)).one_or_none()


@dataclass(frozen=True)
class _Prepared:
    """A post as far as it can go without the write lock: plain values, for the ORM objects
    read on the way are expired when the write transaction begins."""

    author: Submitter
    body: str
    body_html: str
    article_id: int
    article_mode: str | None  # the article's own moderation mode, if it has one
    revision_id: int  # the latest when prepared, the revision ``quoted`` is found in
    section_id: int
    parent_id: int | None
    quoted: TextAnchor | None
    content_hold: str | None  # why its words alone would hold it (links, a watched word)


def _prepare(
    session: Session,
    slug: str,
    section_key: str,
    body: str,
    author: Submitter,
    parent_id: int | None,
    quote: QuoteInput | None,
) -> _Prepared:
    """Find the section and the quote, render the text, and refuse what the rules refuse,
    in the order they always have; ``_store`` checks again what a concurrent request can
    change. Reads only, so it runs in an ordinary read transaction."""
    target = latest_section(session, slug, section_key)
    abuse.refuse_if_banned(session, author)
    words = abuse.matching_words(session, body)
    abuse.refuse_blocked_words(words)
    abuse.refuse_repeat(session, author, body)
    _parent(session, parent_id, target.section.section_id)
    quoted = locate_quote(target, quote) if quote and quote.exact.strip() else None
    return _Prepared(
        author=author,
        body=body,
        body_html=render_markdown(body),
        article_id=target.article.id,
        article_mode=target.article.moderation_mode,
        revision_id=target.revision.id,
        section_id=target.section.section_id,
        parent_id=parent_id,
        quoted=quoted,
        content_hold=abuse.content_hold_reason(body, words.get(WordKind.WATCHED, [])),
    )


def _still_current(session: Session, prepared: _Prepared) -> bool:
    """Inside the write transaction: the article still has the revision and the mode the
    post was prepared with. An anchor must be made on the latest revision, for publishing
    carries anchors forward from it only then; on PostgreSQL the row is kept (``FOR SHARE``)
    until commit, so a publish waits for this post rather than passing it by."""
    now = session.execute(
        select(Article.current_revision_id, Article.moderation_mode)
        .where(Article.id == prepared.article_id)
        .with_for_update(read=True)
    ).one_or_none()
    return now is not None and tuple(now) == (prepared.revision_id, prepared.article_mode)


def _parent(session: Session, parent_id: int | None, section_id: int) -> Comment | None:
    if parent_id is None:
        return None
    parent = session.get(Comment, parent_id)
    if (
        parent is None
        or parent.section_id != section_id
        or parent.status != CommentStatus.PUBLISHED
    ):
        raise Invalid(_("The comment you are replying to is not in this thread."))
    return parent


def _store(
    session: Session, prepared: _Prepared, site_mode: str, idempotency_key: str | None
) -> PostResult:
    """Inside the write transaction: check again what a moderator or a concurrent post can
    have changed since ``_prepare`` (a ban, the parent's status, a twin of a double submit
    stored first, the submitter's standing), then add the comment (not committed)."""
    author = prepared.author
    abuse.refuse_if_banned(session, author)
    abuse.refuse_repeat(session, author, prepared.body)
    parent = _parent(session, prepared.parent_id, prepared.section_id)
    held = abuse.hold_reason(
        session,
        author,
        mode=moderation_mode(prepared.article_mode, site_mode),
        content_reason=prepared.content_hold,
        section_id=prepared.section_id,
    )
    anchor = None
    if prepared.quoted is not None:
        anchor = anchor_row(prepared.section_id, prepared.revision_id, prepared.quoted)
    secret = new_token("cmt_", 24) if author.user is None else None
    now = utcnow()
    comment = Comment(
        article_id=prepared.article_id,
        section_id=prepared.section_id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        user_id=author.user.id if author.user else None,
        author_name=author.name,
        author_email=author.email,
        body_source=prepared.body,
        body_html=prepared.body_html,
        anchor=anchor,
        status=CommentStatus.PENDING if held else CommentStatus.PUBLISHED,
        hold_reason=held,
        network_hash=author.network_hash,
        edit_secret_hash=token_hash(secret) if secret else None,
        idempotency_key=idempotency_key,
        created_at=now,
        published_at=None if held else now,
    )
    session.add(comment)
    session.flush()
    return PostResult(comment, secret, True)


def _owned(
    session: Session, comment_id: int, user: User | None, edit_secret: str | None
) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.status == CommentStatus.DELETED:
        raise NotFound(_("There is no such comment."))
    if user is not None and comment.user_id == user.id:
        return comment
    if (
        comment.user_id is None
        and edit_secret
        and comment.edit_secret_hash
        and constant_time_equal(comment.edit_secret_hash, token_hash(edit_secret))
    ):
        return comment
    raise Forbidden(_("Only the person who wrote this comment can change it."))


def get_published(session: Session, comment_id: int, section_id: int | None = None) -> Comment:
    comment = session.get(Comment, comment_id)
    if comment is None or comment.status != CommentStatus.PUBLISHED:
        raise NotFound(_("There is no such comment."))
    if section_id is not None and comment.section_id != section_id:
        raise NotFound(_("There is no such comment in this thread."))
    return comment


def get_own(
    session: Session, comment_id: int, *, user: User | None, edit_secret: str | None
) -> Comment:
    """A comment its author may still change (15 minutes), or Forbidden/NotFound."""
    comment = _owned(session, comment_id, user, edit_secret)
    _within_window(comment, utcnow())
    return comment


def locate(session: Session, comment_id: int) -> tuple[str, str]:
    """The article slug and section key of a comment, for links to it."""
    row = session.execute(
        select(Article.slug, Section.key)
        .join(Comment, Comment.article_id == Article.id)
        .join(Section, Section.id == Comment.section_id)
        .where(Comment.id == comment_id)
    ).one_or_none()
    if row is None:
        raise NotFound(_("There is no such comment."))
    return row.slug, row.key


def _within_window(comment: Comment, now: datetime) -> None:
    if now - comment.created_at > EDIT_WINDOW:
        raise Forbidden(
            _("Comments can be changed for 15 minutes after posting; this one can no longer be.")
        )


def edit_comment(
    session: Session,
    comment_id: int,
    body: str,
    *,
    user: User | None,
    edit_secret: str | None,
    site_mode: str,
    secret: str,
) -> Comment:
    """Replace a comment's text, keeping the old one.

    The new words meet the rules of a new comment: a ban of the author (account, email or
    the network it was posted from) refuses the edit, and so does a blocked word; too many
    links or a watched word send it back to review whatever the mode, and so does any edit
    of a published comment when the mode holds new comments. ``secret`` keys the ban hashes.
    """
    body = _clean_body(body)
    # The new words are matched and rendered before the write lock is taken; they are
    # refused below, in the order the checks have always had.
    words = abuse.matching_words(session, body)
    body_html = render_markdown(body)
    content_hold = abuse.content_hold_reason(body, words.get(WordKind.WATCHED, []))
    begin_write(session)
    try:
        comment = _owned(session, comment_id, user, edit_secret)
        now = utcnow()
        _within_window(comment, now)
        if body == comment.body_source:
            session.rollback()
            return comment
        author = Submitter(
            secret,
            user=user if user is not None and comment.user_id == user.id else None,
            name=comment.author_name,
            email=comment.author_email,
            network_hash=comment.network_hash,
        )
        abuse.refuse_if_banned(session, author)
        abuse.refuse_blocked_words(words)
        session.add(
            CommentEdit(
                comment_id=comment.id,
                body_source=comment.body_source,
                body_html=comment.body_html,
                replaced_at=now,
            )
        )
        comment.body_source = body
        comment.body_html = body_html
        comment.edited_at = now
        held = _edit_hold_reason(session, comment, author, content_hold, site_mode)
        if held and comment.status in (CommentStatus.PUBLISHED, CommentStatus.PENDING):
            comment.status = CommentStatus.PENDING
            comment.hold_reason = held
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return comment


def _edit_hold_reason(
    session: Session,
    comment: Comment,
    author: Submitter,
    content_hold: str | None,
    site_mode: str,
) -> str | None:
    """Why an edited comment must be reviewed (again), or None to leave its status be;
    ``content_hold`` is ``abuse.content_hold_reason`` of the new words."""
    if abuse.is_staff(author.user):
        return None
    if content_hold is not None:
        return f"edited: {content_hold}"
    if comment.status == CommentStatus.PUBLISHED:
        mode = moderation_mode(comment_article_mode(session, comment), site_mode)
        if mode in ("pre", "first-time"):
            return "edited after publication"
    return None


def comment_article_mode(session: Session, comment: Comment) -> str | None:
    return session.scalar(select(Article.moderation_mode).where(Article.id == comment.article_id))


def delete_comment(
    session: Session, comment_id: int, *, user: User | None, edit_secret: str | None
) -> Comment:
    """The author deletes their comment; replies stay under a "comment deleted" placeholder."""
    begin_write(session)
    try:
        comment = _owned(session, comment_id, user, edit_secret)
        _within_window(comment, utcnow())
        comment.status = CommentStatus.DELETED
        comment.decision_reason = "deleted by its author"
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return comment


def flag_comment(
    session: Session, comment_id: int, *, reason: str, note: str, reporter_key: str
) -> Flag:
    """Any reader may flag a published comment once; flags feed the moderators' list."""
    try:
        flag_reason = FlagReason(reason)
    except ValueError as exc:
        raise Invalid(
            _("Choose why you are flagging this."), fields={"reason": [_("Choose one.")]}
        ) from exc
    note = (note or "").strip()
    if flag_reason == FlagReason.OTHER and not note:
        raise Invalid(_("Tell us what is wrong."), fields={"note": [_("Tell us what is wrong.")]})
    if len(note) > MAX_FLAG_NOTE_CHARS:
        raise Invalid(
            _("That note is too long."),
            fields={"note": [_("At most %(count)s characters.", count=MAX_FLAG_NOTE_CHARS)]},
        )
    begin_write(session)
    comment = session.get(Comment, comment_id)
    if comment is None or comment.status != CommentStatus.PUBLISHED:
        session.rollback()
        raise NotFound(_("There is no such comment."))
    flag = Flag(
        comment_id=comment.id, reason=flag_reason, note=note or None, reporter_key=reporter_key
    )
    session.add(flag)
    try:
        session.flush()
        session.execute(
            update(Comment)
            .where(Comment.id == comment.id)
            .values(flag_count=Comment.flag_count + 1)
        )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(
            _("You have flagged this comment already; the moderators will see it.")
        ) from exc
    return flag
