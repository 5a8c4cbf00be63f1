"""What we tell a commenter who left an email when a moderator decides their held comment.

Written to the outbox in the decision's transaction (plain text; the link is absolute,
under ``PUBLIC_URL``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrections.models import Article, Comment, CommentStatus
from corrections.services.notifications import public_link
from corrections.services.outbox import enqueue


def comment_decided(
    session: Session, comment: Comment, new: CommentStatus, reason: str | None
) -> None:
    """Tell a commenter who left an email what became of their held comment."""
    if new not in (CommentStatus.PUBLISHED, CommentStatus.REJECTED) or not comment.author_email:
        return
    article = session.get(Article, comment.article_id)
    assert article is not None  # noqa: S101 - a comment's article is a foreign key
    link = public_link(f"/a/{article.slug}#c-{comment.id}")
    if new is CommentStatus.PUBLISHED:
        subject = f"Your comment on “{article.title}” is published"
        middle = (
            f"Your comment on “{article.title}” has been approved and is now published:\n{link}"
        )
    else:
        subject = f"Your comment on “{article.title}” was not published"
        middle = (
            f"Your comment on “{article.title}” was not published.\n"
            f"The moderators' reason: {reason}.\n\nThe article: {link}"
        )
    body = f"Hello {comment.author_name},\n\n{middle}\n\nThank you for taking part.\n"
    enqueue(session, comment.author_email, subject, body)
