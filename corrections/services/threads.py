"""Reading threads: the comments beside each section, in pages of 50, replies under parents.

The article page reads every section's first page in one query (a window function per
section) and the counts in another, so its query count does not grow with comments.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session, aliased

from corrections.db import utcnow
from corrections.models import Anchor, AnchorState, Comment, CommentStatus, Revision
from corrections.services.comments import EDIT_WINDOW

PAGE_SIZE = 50
MAX_INDENT = 3


@dataclass(frozen=True)
class QuotePosition:
    """Where a comment's quote lies: as made (``revision_id``, ``start``, ``end``, with the
    words and their context), and in the latest text while ``state`` is current."""

    anchor_id: int
    revision_id: int
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    state: AnchorState
    current_start: int
    current_end: int


@dataclass
class ThreadComment:
    id: int
    parent_id: int | None
    author_name: str
    html: str
    status: CommentStatus
    created_at: datetime
    edited_at: datetime | None
    depth: int
    quote: str | None = None
    quote_state: AnchorState | None = None
    quote_revision: int | None = None
    quote_position: QuotePosition | None = None
    section_id: int | None = None
    in_reply_to: str | None = None  # shown when the parent is not just above, or too deep
    indent: int = 0
    mine: bool = False

    @property
    def is_placeholder(self) -> bool:
        return self.status == CommentStatus.DELETED

    @property
    def editable(self) -> bool:
        """The viewer wrote it and may still change it (for EDIT_WINDOW after posting)."""
        return self.mine and utcnow() - self.created_at <= EDIT_WINDOW


@dataclass
class Thread:
    section_id: int
    count: int = 0
    comments: list[ThreadComment] = field(default_factory=list)
    next_after: int | None = None


@dataclass(frozen=True)
class Viewer:
    """Whose held comments to show them: an account, and ids proven by guest secrets."""

    user_id: int | None = None
    own_ids: Collection[int] = ()


def _visible(viewer: Viewer):
    own = [Comment.status == CommentStatus.PUBLISHED, Comment.status == CommentStatus.DELETED]
    if viewer.user_id is not None:
        own.append(and_(Comment.status == CommentStatus.PENDING, Comment.user_id == viewer.user_id))
    if viewer.own_ids:
        own.append(
            and_(Comment.status == CommentStatus.PENDING, Comment.id.in_(list(viewer.own_ids)))
        )
    return or_(*own)


def _columns():
    parent = aliased(Comment)
    quote_revision = aliased(Revision)
    return (
        parent,
        quote_revision,
        (
            Comment,
            parent.author_name.label("parent_name"),
            Anchor.exact,
            Anchor.state,
            quote_revision.number.label("quote_revision"),
            Anchor.id.label("anchor_id"),
            Anchor.revision_id.label("anchor_revision_id"),
            Anchor.start.label("anchor_start"),
            Anchor.end.label("anchor_end"),
            Anchor.prefix.label("anchor_prefix"),
            Anchor.suffix.label("anchor_suffix"),
            Anchor.current_start,
            Anchor.current_end,
        ),
    )


def _position(row) -> QuotePosition | None:
    if row.anchor_id is None:
        return None
    return QuotePosition(
        anchor_id=row.anchor_id,
        revision_id=row.anchor_revision_id,
        start=row.anchor_start,
        end=row.anchor_end,
        exact=row.exact,
        prefix=row.anchor_prefix,
        suffix=row.anchor_suffix,
        state=row.state,
        current_start=row.current_start,
        current_end=row.current_end,
    )


def _row_to_comment(row, viewer: Viewer) -> ThreadComment:
    c: Comment = row.Comment
    return ThreadComment(
        id=c.id,
        parent_id=c.parent_id,
        author_name=c.author_name,
        html=c.body_html,
        status=c.status,
        created_at=c.created_at,
        edited_at=c.edited_at,
        depth=c.depth,
        quote=row.exact,
        quote_state=row.state,
        quote_revision=row.quote_revision,
        quote_position=_position(row),
        section_id=c.section_id,
        in_reply_to=row.parent_name,
        mine=c.status == CommentStatus.PENDING
        or (viewer.user_id is not None and c.user_id == viewer.user_id)
        or c.id in viewer.own_ids,
    )


def arrange(rows: list[ThreadComment]) -> list[ThreadComment]:
    """Replies under their parents, oldest first; deleted comments only above replies."""
    by_parent: dict[int | None, list[ThreadComment]] = {}
    ids = {c.id for c in rows}
    for c in rows:
        by_parent.setdefault(c.parent_id if c.parent_id in ids else None, []).append(c)
    ordered: list[ThreadComment] = []

    def walk(parent_id: int | None, level: int, parent_name: str | None) -> None:
        for c in by_parent.get(parent_id, []):
            children = by_parent.get(c.id, [])
            if c.is_placeholder and not children:
                continue
            c.indent = min(level, MAX_INDENT)
            # Say whom it answers when indentation cannot: too deep, or parent on another page.
            if c.parent_id is None:
                c.in_reply_to = None
            elif parent_id is not None and level <= MAX_INDENT:
                c.in_reply_to = None
            elif parent_id is not None:
                c.in_reply_to = parent_name
            ordered.append(c)
            walk(c.id, level + 1, c.author_name)

    walk(None, 0, None)
    return ordered


def article_threads(
    session: Session, article_id: int, section_ids: list[int], viewer: Viewer
) -> dict[int, Thread]:
    """The first page of every section's thread, and the published count of each."""
    threads = {sid: Thread(section_id=sid) for sid in section_ids}
    parent, quote_revision, columns = _columns()
    ranked = (
        select(
            Comment.id,
            func.row_number()
            .over(partition_by=Comment.section_id, order_by=Comment.id)
            .label("rn"),
        )
        .where(Comment.article_id == article_id, _visible(viewer))
        .subquery()
    )
    rows = session.execute(
        select(*columns)
        .join(ranked, ranked.c.id == Comment.id)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .outerjoin(Anchor, Anchor.id == Comment.anchor_id)
        .outerjoin(quote_revision, quote_revision.id == Anchor.revision_id)
        .where(ranked.c.rn <= PAGE_SIZE + 1)
        .order_by(Comment.section_id, Comment.id)
    ).all()
    grouped: dict[int, list[ThreadComment]] = {}
    for row in rows:
        grouped.setdefault(row.Comment.section_id, []).append(_row_to_comment(row, viewer))
    for sid, comments in grouped.items():
        thread = threads.setdefault(sid, Thread(section_id=sid))
        if len(comments) > PAGE_SIZE:
            comments = comments[:PAGE_SIZE]
            thread.next_after = comments[-1].id
        thread.comments = arrange(comments)
    for sid, count in session.execute(
        select(Comment.section_id, func.count())
        .where(Comment.article_id == article_id, Comment.status == CommentStatus.PUBLISHED)
        .group_by(Comment.section_id)
    ):
        threads.setdefault(sid, Thread(section_id=sid)).count = count
    return threads


def thread_page(
    session: Session,
    section_id: int,
    *,
    after: int | None = None,
    limit: int = PAGE_SIZE,
    viewer: Viewer | None = None,
    published_only: bool = False,
) -> Thread:
    """One page of a section's thread by keyset pagination (``id > after``)."""
    viewer = viewer or Viewer()
    limit = max(1, min(limit, 200))
    parent, quote_revision, columns = _columns()
    visible = Comment.status == CommentStatus.PUBLISHED if published_only else _visible(viewer)
    query = (
        select(*columns)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .outerjoin(Anchor, Anchor.id == Comment.anchor_id)
        .outerjoin(quote_revision, quote_revision.id == Anchor.revision_id)
        .where(Comment.section_id == section_id, visible)
        .order_by(Comment.id)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(Comment.id > after)
    comments = [_row_to_comment(row, viewer) for row in session.execute(query)]
    thread = Thread(section_id=section_id)
    if len(comments) > limit:
        comments = comments[:limit]
        thread.next_after = comments[-1].id
    thread.comments = comments if published_only else arrange(comments)
    thread.count = session.scalar(
        select(func.count())
        .select_from(Comment)
        .where(Comment.section_id == section_id, Comment.status == CommentStatus.PUBLISHED)
    )
    return thread


def quoting_comment(session: Session, article_id: int, anchor_id: int) -> ThreadComment | None:
    """The published comment of this article whose quote is anchor ``anchor_id``, if any:
    a link to its words names the anchor, and the comment may not be on the page."""
    parent, quote_revision, columns = _columns()
    row = session.execute(
        select(*columns)
        .join(Anchor, Anchor.id == Comment.anchor_id)
        .outerjoin(parent, parent.id == Comment.parent_id)
        .outerjoin(quote_revision, quote_revision.id == Anchor.revision_id)
        .where(
            Comment.article_id == article_id,
            Comment.anchor_id == anchor_id,
            Comment.status == CommentStatus.PUBLISHED,
        )
        .limit(1)
    ).first()
    return _row_to_comment(row, Viewer()) if row is not None else None


def still_editable(session: Session, article_id: int, viewer: Viewer) -> tuple[str, ...]:
    """The viewer's comments on the article they may still change, for the page validator:
    their "Edit or delete" links go when the window closes. No query for other readers."""
    if viewer.user_id is None and not viewer.own_ids:
        return ()
    mine = []
    if viewer.user_id is not None:
        mine.append(Comment.user_id == viewer.user_id)
    if viewer.own_ids:
        mine.append(Comment.id.in_(list(viewer.own_ids)))
    ids = session.scalars(
        select(Comment.id)
        .where(
            Comment.article_id == article_id,
            or_(*mine),
            Comment.created_at >= utcnow() - EDIT_WINDOW,
            Comment.status.in_([CommentStatus.PENDING, CommentStatus.PUBLISHED]),
        )
        .order_by(Comment.id)
    )
    return ("editable", *(str(i) for i in ids))


def thread_state(session: Session, *, article_id: int | None = None, section_id: int | None = None):
    """A cheap fingerprint of what readers can see of the comments of an article or section:
    it changes whenever a comment is published, edited, deleted or taken down."""
    where = [Comment.status.in_([CommentStatus.PUBLISHED, CommentStatus.DELETED])]
    if article_id is not None:
        where.append(Comment.article_id == article_id)
    if section_id is not None:
        where.append(Comment.section_id == section_id)
    row = session.execute(
        select(
            func.count(Comment.id),
            func.max(Comment.id),
            func.max(Comment.edited_at),
            func.max(Comment.published_at),
            func.sum(case((Comment.status == CommentStatus.PUBLISHED, 1), else_=0)),
        ).where(*where)
    ).one()
    return tuple(str(value) for value in row)
