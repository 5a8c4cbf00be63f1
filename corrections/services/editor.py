"""Everything the author's editor page shows, gathered in one call."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from corrections.models import Article, Draft, Revision, Update, User
from corrections.services.articles import ArticleView, list_revisions, read_article
from corrections.services.draft_conflicts import Meanwhile, meanwhile
from corrections.services.draft_rules import DraftSection, Look
from corrections.services.draft_store import base_revision, looks_of, sections_of
from corrections.services.drafts import open_draft
from corrections.services.suggestions import Suggestion, suggested_edits


@dataclass(frozen=True)
class Editor:
    draft: Draft
    sections: list[DraftSection]
    latest: ArticleView
    base_number: int
    meanwhile: Meanwhile | None  # set when someone published since the draft started
    suggestions: dict[str, list[Suggestion]]  # by section key
    revisions: list[Revision]  # newest first
    looks: list[Look]  # what a rebase asked the author to check
    published_updates: dict[int, list[int]]  # revision id -> the updates it published

    @property
    def next_number(self) -> int:
        return self.latest.latest_number + 1


def updates_by_revision(session: Session, slug: str) -> dict[int, list[int]]:
    """Which versions published which updates: those stay in the public history."""
    found: dict[int, list[int]] = {}
    for revision_id, number in session.execute(
        select(Update.revision_id, Update.number)
        .join(Article, Update.article_id == Article.id)
        .where(Article.slug == slug)
        .order_by(Update.number)
    ):
        found.setdefault(revision_id, []).append(number)
    return found


def editor(session: Session, actor: User | None, slug: str) -> Editor:
    """Open (or start) the author's draft and read what the editor shows beside it."""
    draft = open_draft(session, actor, slug)
    return Editor(
        draft=draft,
        sections=sections_of(draft),
        latest=read_article(session, slug),
        base_number=base_revision(session, draft).number,
        meanwhile=meanwhile(session, slug, draft),
        suggestions=suggested_edits(session, actor, slug),
        revisions=list_revisions(session, slug),
        looks=looks_of(draft),
        published_updates=updates_by_revision(session, slug),
    )


@dataclass(frozen=True)
class Preview:
    """The draft as the article page would show it once published."""

    latest: ArticleView
    sections: list[DraftSection]
    base_number: int

    @property
    def next_number(self) -> int:
        return self.latest.latest_number + 1


def preview(session: Session, actor: User | None, slug: str) -> Preview:
    draft = open_draft(session, actor, slug)
    return Preview(
        latest=read_article(session, slug),
        sections=sections_of(draft),
        base_number=base_revision(session, draft).number,
    )
