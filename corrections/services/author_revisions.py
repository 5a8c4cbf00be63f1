"""The author's other ways with revisions: hide a trivial one from the public history, and
publish the next one from an uploaded file."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrections.db import begin_write
from corrections.i18n import _
from corrections.models import Revision, Role, Update, User
from corrections.services.articles import ImportResult, import_article
from corrections.services.audit import record_action
from corrections.services.draft_store import article_id_of, clean_summary
from corrections.services.errors import Invalid, NotFound
from corrections.services.users import require_role
from corrections.text.article_format import ArticleFormatError, decode_article_file


def set_minor(
    session: Session, actor: User | None, slug: str, number: int, minor: bool
) -> Revision:
    """Mark revision ``number`` minor (hidden from the public history) or not; audited.

    A minor revision stays readable at its own address; only ``is_minor`` ever changes on a
    published revision. Setting the mark it already has changes nothing and logs nothing.
    A revision that published an update (a correction's, or one added by hand) is never
    hidden: readers follow the update to its version in the history and the feed.
    """
    author = require_role(actor, Role.AUTHOR)
    begin_write(session)
    try:
        article_id = article_id_of(session, slug)
        revision = session.scalars(
            select(Revision)
            .where(Revision.article_id == article_id, Revision.number == number)
            .execution_options(populate_existing=True)
        ).one_or_none()
        if revision is None:
            raise NotFound(_("This article has no version %(number)s.", number=number))
        if minor and not revision.is_minor:
            published = session.scalars(
                select(Update.number)
                .where(Update.revision_id == revision.id)
                .order_by(Update.number)
            ).all()
            if published:
                listed = ", ".join(str(n) for n in published)
                raise Invalid(
                    _(
                        "Version %(number)s published Update %(updates)s; a version that "
                        "publishes an update stays in the public history, so it cannot be "
                        "marked minor.",
                        number=number,
                        updates=listed,
                    )
                )
        if revision.is_minor != minor:
            revision.is_minor = minor
            record_action(
                session,
                actor=author,
                action="mark_minor" if minor else "unmark_minor",
                target_type="revision",
                target_id=revision.id,
                old_status="listed" if minor else "minor",
                new_status="minor" if minor else "listed",
                reason=f"Version {number}",
                article_id=article_id,
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return revision


def upload_revision(
    session: Session,
    actor: User | None,
    slug: str,
    data: bytes,
    summary: str | None,
    *,
    confirm_undo: bool = False,
) -> ImportResult:
    """Publish the article's next revision from a file in the article format.

    A bad file (over 1 MB, not UTF-8, empty, no text) is refused with a one-line reason
    before anything is written; sections are matched by key, as ``corrections import
    --new-revision`` does. A file that would undo an accepted correction's words is refused
    with ``UndoesCorrection`` unless ``confirm_undo``.
    """
    author = require_role(actor, Role.AUTHOR)
    summary = clean_summary(summary, required=False)
    try:
        text = decode_article_file(data)
    except ArticleFormatError as exc:
        raise Invalid(str(exc), fields={"file": [str(exc)]}) from exc
    article_id_of(session, slug)  # a new revision of an article that exists, never a new one
    return import_article(
        session,
        text,
        slug=slug,
        new_revision=True,
        actor=author,
        summary=summary or None,
        confirm_undo=confirm_undo,
    )
