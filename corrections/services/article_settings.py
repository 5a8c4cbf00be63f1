"""An article's own settings, set by its authors (and admins): how its comments are moderated.

``Article.moderation_mode`` overrides the site's ``CORRECTIONS_MODERATION_MODE`` for new
comments on that article: ``pre`` holds every one for a moderator, ``post`` publishes at once,
``first-time`` holds only guests and accounts without an approved comment. ``None`` follows
the site. Every change is written to the moderation log in the same transaction.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrections.config import MODERATION_MODES
from corrections.db import begin_write
from corrections.i18n import _, _l
from corrections.models import Article, Role, User
from corrections.services.audit import record_action
from corrections.services.errors import Invalid, NotFound
from corrections.services.users import require_role

DEFAULT = "default"  # how forms and the command line say "follow the site's setting"
MODE_WORDS = {
    "pre": _l("every new comment waits for a moderator"),
    "post": _l("new comments are published at once"),
    "first-time": _l("new comments from guests and first-time commenters wait for a moderator"),
}


def describe(mode: str) -> str:
    return str(MODE_WORDS[mode])


def parse_mode(text: str | None) -> str | None:
    """``"default"`` (or nothing) -> None; a mode -> itself; anything else is refused."""
    value = (text or "").strip().lower()
    if value in ("", DEFAULT):
        return None
    if value not in MODERATION_MODES:
        choices = ", ".join((*MODERATION_MODES, DEFAULT))
        raise Invalid(
            _(
                "%(mode)s is not a moderation mode; choose one of %(choices)s.",
                mode=repr(text),
                choices=choices,
            ),
            fields={"mode": [_("Choose one of %(choices)s.", choices=choices)]},
        )
    return value


def set_moderation_mode(
    session: Session,
    actor: User | None,
    slug: str,
    mode: str | None,
    *,
    system: bool = False,
) -> Article:
    """Set (or with ``None`` clear) the article's moderation mode; logged when it changes.

    Authors and admins only, unless ``system`` (the operator's command line, which logs no
    account). Setting the mode it already has changes nothing and logs nothing.
    """
    if not system:
        actor = require_role(actor, Role.AUTHOR)
    if mode is not None and mode not in MODERATION_MODES:
        raise Invalid(
            _("%(mode)s is not a moderation mode.", mode=repr(mode)),
            fields={"mode": [_("Choose a mode.")]},
        )
    begin_write(session)
    try:
        article = session.scalars(
            select(Article)
            .where(Article.slug == slug)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).one_or_none()
        if article is None:
            raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
        old = article.moderation_mode
        if old != mode:
            article.moderation_mode = mode
            record_action(
                session,
                actor=actor if not system else None,
                action="set_moderation_mode",
                target_type="article",
                target_id=article.id,
                old_status=old or DEFAULT,
                new_status=mode or DEFAULT,
                reason="From the command line" if system else None,
                article_id=article.id,
            )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return article
