"""What we tell a commenter who left an email when a moderator decides their held comment.

Written to the outbox in the decision's transaction (plain text; the link is absolute,
under ``PUBLIC_URL``), in the site's default language (``CORRECTIONS_DEFAULT_LOCALE``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrections.i18n import _, site_locale
from corrections.models import Article, Comment, CommentStatus
from corrections.services.notifications import public_link
from corrections.services.outbox import enqueue
from corrections.services.words import COMMENT_REASON_WORDS


def comment_decided(
    session: Session,
    comment: Comment,
    new: CommentStatus,
    code: str | None,
    note: str | None = None,
) -> None:
    """Tell a commenter who left an email what became of their held comment (``code`` and
    ``note``: the rejection's reason code and the moderator's note)."""
    if new not in (CommentStatus.PUBLISHED, CommentStatus.REJECTED) or not comment.author_email:
        return
    article = session.get(Article, comment.article_id)
    assert article is not None  # noqa: S101 - a comment's article is a foreign key
    link = public_link(f"/a/{article.slug}#c-{comment.id}")
    title = article.title
    with site_locale():
        if new is CommentStatus.PUBLISHED:
            subject = _("Your comment on “%(title)s” is published", title=title)
            middle = _(
                "Your comment on “%(title)s” has been approved and is now published:\n%(link)s",
                title=title,
                link=link,
            )
        else:
            words = COMMENT_REASON_WORDS.get(code or "other", code or "")
            reason = f"{words}: {note}" if note else str(words)
            subject = _("Your comment on “%(title)s” was not published", title=title)
            middle = _(
                "Your comment on “%(title)s” was not published.\n"
                "The moderators' reason: %(reason)s.\n\nThe article: %(link)s",
                title=title,
                reason=reason,
                link=link,
            )
        body = _(
            "Hello %(name)s,\n\n%(middle)s\n\nThank you for taking part.\n",
            name=comment.author_name,
            middle=middle,
        )
    enqueue(session, comment.author_email, subject, body)
