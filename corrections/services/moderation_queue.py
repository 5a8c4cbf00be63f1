"""What moderators read: the queue's tabs and their counts. No writes.

Every list is a keyset page by id (``id > after``, oldest first; ``id < after`` newest first)
served by an index: ``ix_comments_status_id`` and ``ix_comments_thread`` for comments,
``ix_corrections_status_id`` for corrections, ``ix_flags_open`` for flags, and the primary
key of ``moderation_actions`` for the history. Counts stop at ``COUNT_CAP`` (``SELECT
count(*) FROM (SELECT id ... LIMIT 1001)``) and read "1,000+", so they stay cheap at
100,000 pending comments.

The "decided" tab is the audit log (``moderation_log``) of comments and corrections, newest
first: it needs no extra index and shows who decided what, when and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, or_, select
from sqlalchemy.orm import Session

from corrections.i18n import _, _l
from corrections.models import (
    Anchor,
    Article,
    Comment,
    CommentStatus,
    Correction,
    CorrectionLink,
    CorrectionStatus,
    Flag,
    ModerationAction,
    Role,
    Section,
    User,
)
from corrections.services.errors import Invalid
from corrections.services.moderation_log import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    QueuePage,
    keyset,
    log_entry,
    log_query,
    paged,
)
from corrections.services.users import require_role

TABS = ("corrections", "needs-info", "comments", "flagged", "decided")
TAB_LABELS = {
    "corrections": _l("Corrections"),
    "needs-info": _l("Needs information"),
    "comments": _l("Comments"),
    "flagged": _l("Flagged"),
    "decided": _l("Decided"),
}
COUNT_CAP = 1000


@dataclass(frozen=True)
class Count:
    value: int
    capped: bool = False

    def __str__(self) -> str:
        return f"{COUNT_CAP:,}+" if self.capped else f"{self.value:,}"


@dataclass
class OpenFlag:
    reason: str
    note: str | None
    created_at: datetime


@dataclass
class QueueComment:
    id: int
    status: CommentStatus
    article_slug: str
    article_title: str
    section_key: str
    author_name: str
    has_account: bool
    email_domain: str | None
    hold_reason: str | None
    html: str
    quote: str | None
    created_at: datetime
    parent_id: int | None
    flags: list[OpenFlag] = field(default_factory=list)
    type: str = "comment"


@dataclass
class QueueCorrection:
    id: int
    public_id: str
    status: CorrectionStatus
    article_slug: str
    article_title: str
    section_key: str
    kind: str
    quote: str
    proposed_text: str
    explanation: str
    reporter_name: str
    links: int
    created_at: datetime
    info_request: str | None
    reporter_reply: str | None
    type: str = "correction"


@dataclass
class QueueScreen:
    tab: str
    page: QueuePage
    counts: dict[str, Count]
    articles: list[tuple[int, str]]
    sections: list[tuple[int, str]]


# The rows a page of comments or corrections reads: columns, not entities (a page needs a
# dozen values, not 50 tracked objects), in statements built once at import.
_COMMENT_ROWS = (
    select(
        Comment.id,
        Comment.status,
        Comment.author_name,
        Comment.user_id,
        Comment.author_email,
        Comment.hold_reason,
        Comment.body_html,
        Comment.created_at,
        Comment.parent_id,
        Article.slug,
        Article.title,
        Section.key,
        Anchor.exact,
    )
    .join(Article, Article.id == Comment.article_id)
    .join(Section, Section.id == Comment.section_id)
    .outerjoin(Anchor, Anchor.id == Comment.anchor_id)
)
_LINK_COUNT = (
    select(func.count())
    .where(CorrectionLink.correction_id == Correction.id)
    .correlate(Correction)
    .scalar_subquery()
)
_CORRECTION_ROWS = (
    select(
        Correction.id,
        Correction.public_id,
        Correction.status,
        Correction.kind,
        Correction.proposed_text,
        Correction.explanation,
        Correction.reporter_name,
        Correction.created_at,
        Correction.info_request,
        Correction.reporter_reply,
        Article.slug,
        Article.title,
        Section.key,
        Anchor.exact,
        _LINK_COUNT,
    )
    .join(Article, Article.id == Correction.article_id)
    .join(Section, Section.id == Correction.section_id)
    .join(Anchor, Anchor.id == Correction.anchor_id)
)


def _open_flagged():
    return select(Flag.comment_id).where(Flag.resolved_at.is_(None))


def _conditions(
    tab: str, article_id: int | None, section_id: int | None
) -> tuple[Any, list[ColumnElement[bool]]]:
    """The id column a tab pages by, and the rows it shows (one table per tab)."""
    if tab in ("comments", "flagged"):
        if tab == "comments":
            where = [Comment.status == CommentStatus.PENDING]
        else:
            where = [Comment.status == CommentStatus.PUBLISHED, Comment.id.in_(_open_flagged())]
        if article_id is not None:
            where.append(Comment.article_id == article_id)
        if section_id is not None:
            where.append(Comment.section_id == section_id)
        return Comment.id, where
    if tab in ("corrections", "needs-info"):
        status = CorrectionStatus.PENDING if tab == "corrections" else CorrectionStatus.NEEDS_INFO
        where = [Correction.status == status]
        if article_id is not None:
            where.append(Correction.article_id == article_id)
        if section_id is not None:
            where.append(Correction.section_id == section_id)
        return Correction.id, where
    if tab == "decided":
        where = [ModerationAction.target_type.in_(("comment", "correction"))]
        if article_id is not None:
            where.append(ModerationAction.article_id == article_id)
        if section_id is not None:
            in_section = or_(
                and_(
                    ModerationAction.target_type == "comment",
                    ModerationAction.target_id.in_(
                        select(Comment.id).where(Comment.section_id == section_id)
                    ),
                ),
                and_(
                    ModerationAction.target_type == "correction",
                    ModerationAction.target_id.in_(
                        select(Correction.id).where(Correction.section_id == section_id)
                    ),
                ),
            )
            where.append(in_section)
        return ModerationAction.id, where
    raise Invalid(
        _("There is no tab %(tab)s.", tab=repr(tab)),
        fields={"tab": [_("One of %(tabs)s.", tabs=", ".join(TABS))]},
    )


def capped_count(session: Session, id_column: Any, where: list[ColumnElement[bool]]) -> Count:
    inner = select(id_column).where(*where).limit(COUNT_CAP + 1).subquery()
    value = session.scalar(select(func.count()).select_from(inner)) or 0
    return Count(min(value, COUNT_CAP), capped=value > COUNT_CAP)


def tab_counts(
    session: Session,
    actor: User | None,
    *,
    article_id: int | None = None,
    section_id: int | None = None,
) -> dict[str, Count]:
    require_role(actor, Role.MODERATOR)
    return {tab: capped_count(session, *_conditions(tab, article_id, section_id)) for tab in TABS}


def pending_total(session: Session, actor: User | None) -> Count:
    """Comments and corrections waiting, for the "Moderate" link in the header."""
    require_role(actor, Role.MODERATOR)
    comments = capped_count(session, *_conditions("comments", None, None))
    corrections = capped_count(session, *_conditions("corrections", None, None))
    total = comments.value + corrections.value
    return Count(
        min(total, COUNT_CAP), capped=comments.capped or corrections.capped or total > COUNT_CAP
    )


def queue(
    session: Session,
    actor: User | None,
    *,
    tab: str,
    article_id: int | None = None,
    section_id: int | None = None,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    newest_first: bool | None = None,
) -> QueuePage:
    """One page of a tab. ``newest_first`` None means the tab's own order: the work tabs
    oldest first (first come, first served), the "decided" history newest first.

    Moderators and above only (``Forbidden`` otherwise), whoever calls: the site or the API.
    """
    require_role(actor, Role.MODERATOR)
    limit = max(1, min(limit, MAX_PAGE_SIZE))
    newest = (tab == "decided") if newest_first is None else newest_first
    id_column, where = _conditions(tab, article_id, section_id)
    if tab in ("comments", "flagged"):
        return paged(_comments(session, where, after, limit, newest), limit)
    if tab in ("corrections", "needs-info"):
        return paged(_corrections(session, where, after, limit, newest), limit)
    query = keyset(log_query().where(*where), id_column, after, limit, newest)
    return paged([log_entry(row) for row in session.execute(query)], limit)


def _comments(session, where, after, limit, newest) -> list[QueueComment]:
    query = _COMMENT_ROWS.where(*where)
    items = []
    # Unpacked, not ``row.name``: 650 named lookups on Rows cost about 0.2 ms a page.
    for (
        comment_id,
        status,
        author_name,
        user_id,
        email,
        hold_reason,
        html,
        created_at,
        parent_id,
        slug,
        title,
        key,
        quote,
    ) in session.execute(keyset(query, Comment.id, after, limit, newest)):
        items.append(
            QueueComment(
                id=comment_id,
                status=status,
                article_slug=slug,
                article_title=title,
                section_key=key,
                author_name=author_name,
                has_account=user_id is not None,
                email_domain=email.rpartition("@")[2] if email else None,
                hold_reason=hold_reason,
                html=html,
                quote=quote,
                created_at=created_at,
                parent_id=parent_id,
            )
        )
    by_id = {item.id: item for item in items}
    if by_id:
        flags = session.execute(
            select(Flag.comment_id, Flag.reason, Flag.note, Flag.created_at)
            .where(Flag.comment_id.in_(list(by_id)), Flag.resolved_at.is_(None))
            .order_by(Flag.id)
        )
        for comment_id, reason, note, created_at in flags:
            by_id[comment_id].flags.append(OpenFlag(reason.value, note, created_at))
    return items


def _corrections(session, where, after, limit, newest) -> list[QueueCorrection]:
    query = _CORRECTION_ROWS.where(*where)
    items = []
    for (
        correction_id,
        public_id,
        status,
        kind,
        proposed_text,
        explanation,
        reporter_name,
        created_at,
        info_request,
        reporter_reply,
        slug,
        title,
        key,
        quote,
        link_count,
    ) in session.execute(keyset(query, Correction.id, after, limit, newest)):
        items.append(
            QueueCorrection(
                id=correction_id,
                public_id=public_id,
                status=status,
                article_slug=slug,
                article_title=title,
                section_key=key,
                kind=kind.value,
                quote=quote,
                proposed_text=proposed_text,
                explanation=explanation,
                reporter_name=reporter_name,
                links=link_count,
                created_at=created_at,
                info_request=info_request,
                reporter_reply=reporter_reply,
            )
        )
    return items


def queue_screen(
    session: Session,
    actor: User | None,
    *,
    tab: str,
    article_id: int | None = None,
    section_id: int | None = None,
    after: int | None = None,
    newest_first: bool | None = None,
) -> QueueScreen:
    """Everything the queue page shows: the tab's page, every tab's count, the filters."""
    require_role(actor, Role.MODERATOR)
    page = queue(
        session,
        actor,
        tab=tab,
        article_id=article_id,
        section_id=section_id,
        after=after,
        newest_first=newest_first,
    )
    articles = session.execute(select(Article.id, Article.title).order_by(Article.title)).all()
    sections: list[tuple[int, str]] = []
    if article_id is not None:
        sections = [
            (section_id_, key)
            for section_id_, key in session.execute(
                select(Section.id, Section.key)
                .where(Section.article_id == article_id)
                .order_by(Section.id)
            )
        ]
    counts = tab_counts(session, actor, article_id=article_id, section_id=section_id)
    return QueueScreen(tab, page, counts, [(i, t) for i, t in articles], sections)
