"""Reading and writing an author's draft row: the helpers every draft service shares.

Every write is a compare-and-set on the draft's ``version``, so a save from another tab
since the author loaded the page is refused instead of overwritten.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from corrections.db import utcnow
from corrections.i18n import _
from corrections.models import Article, Draft, Revision, User
from corrections.services.articles import ArticleView
from corrections.services.draft_rules import DraftSection, Look
from corrections.services.errors import Conflict, Invalid, NotFound

MAX_SUMMARY_CHARS = 500


def sections_of(draft: Draft) -> list[DraftSection]:
    return [DraftSection.from_dict(s) for s in draft.sections]


def view_sections(view: ArticleView) -> list[DraftSection]:
    return [DraftSection(s.key, s.heading, s.kind, s.text) for s in view.sections]


def dump_sections(sections: Sequence[DraftSection]) -> str:
    return json.dumps([s.as_dict() for s in sections], ensure_ascii=False)


def looks_of(draft: Draft) -> list[Look]:
    return [Look.from_dict(item) for item in draft.looks]


def dump_looks(looks: Sequence[Look]) -> str:
    return json.dumps([look.as_dict() for look in looks], ensure_ascii=False)


def keep_looks(kept: Sequence[Look], new: Sequence[Look]) -> list[Look]:
    """What still needs a look after another rebase: the new findings, and the earlier ones
    of other sections the author has not marked checked yet."""
    earlier = {look.key: look for look in kept}
    fresh = {look.key for look in new}
    combined = []
    for look in new:
        before = earlier.get(look.key)
        if before is not None and before.reason == look.reason:
            passages = before.passages + tuple(p for p in look.passages if p not in before.passages)
            look = Look(look.key, look.label, look.reason, passages, look.version)
        combined.append(look)
    return [*(look for look in kept if look.key not in fresh), *combined]


def clean_summary(summary: str | None, *, required: bool) -> str:
    summary = " ".join((summary or "").split())
    if required and not summary:
        raise Invalid(
            _("Say in a few words what changed in this version (shown in its history)."),
            fields={"summary": [_("Write a summary of the changes.")]},
        )
    if len(summary) > MAX_SUMMARY_CHARS:
        raise Invalid(
            _("The summary can be at most %(count)s characters.", count=MAX_SUMMARY_CHARS),
            fields={"summary": [_("At most %(count)s characters.", count=MAX_SUMMARY_CHARS)]},
        )
    return summary


def article_id_of(session: Session, slug: str) -> int:
    found = session.scalar(select(Article.id).where(Article.slug == slug))
    if found is None:
        raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
    return found


def find_draft(session: Session, user: User, article_id: int) -> Draft | None:
    return session.scalars(
        select(Draft)
        .where(Draft.user_id == user.id, Draft.article_id == article_id)
        .execution_options(populate_existing=True)
    ).one_or_none()


def own_draft(session: Session, user: User, article_id: int) -> Draft:
    draft = find_draft(session, user, article_id)
    if draft is None:
        raise NotFound(_("You have no draft of this article open; open the editor to start one."))
    return draft


def base_revision(session: Session, draft: Draft) -> Revision:
    revision = session.get(Revision, draft.base_revision_id)
    if revision is None:  # the foreign key cascades; this keeps the type checker honest
        raise NotFound(_("The version this draft started from no longer exists."))
    return revision


def saved_elsewhere() -> Conflict:
    return Conflict(
        _(
            "This draft was saved from another tab or window since you loaded it. "
            "Reload the editor to see the latest draft; this change was not saved."
        )
    )


def write_draft(session: Session, draft: Draft, expected_version: int, **values: Any) -> None:
    """Compare-and-set the draft's columns; Conflict when saved since ``expected_version``."""
    result = session.execute(
        update(Draft)
        .where(Draft.id == draft.id, Draft.version == expected_version)
        .values(updated_at=utcnow(), version=Draft.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        raise saved_elsewhere()


def commit_and_reload(session: Session, draft: Draft) -> Draft:
    session.commit()
    session.refresh(draft)
    return draft
