"""What a moderator reads before adding an update by hand: which articles, and the one chosen.

The update itself is ``decisions.add_update``; these only read, for moderators and above.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrections.models import Article, Role, User
from corrections.services.articles import get_article, list_articles
from corrections.services.users import require_role


def articles_to_update(session: Session, actor: User | None) -> list[Article]:
    """Every published article, by title, each with its current version."""
    require_role(actor, Role.MODERATOR)
    return [a for a in list_articles(session) if a.current_revision is not None]


def article_to_update(session: Session, actor: User | None, slug: str) -> Article:
    """The article an update by hand will go to; ``NotFound`` for an unknown slug."""
    require_role(actor, Role.MODERATOR)
    return get_article(session, slug)
