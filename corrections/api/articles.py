"""Reading articles and their revisions."""

from __future__ import annotations

from typing import Any

from corrections.api.parsing import Blueprint
from corrections.api.record_schemas import DiffQuerySchema, DiffSchema
from corrections.api.schemas import (
    ArticleListSchema,
    ArticleSchema,
    ErrorSchema,
    RevisionListSchema,
)
from corrections.extensions import db
from corrections.services import articles, record
from corrections.services.articles import ArticleView, UpdateView
from corrections.services.record import Comparison

blp = Blueprint(
    "articles", __name__, url_prefix="/api/v1", description="Articles and their versions"
)


def article_payload(view: ArticleView) -> dict[str, Any]:
    return {
        "slug": view.article.slug,
        "title": view.article.title,
        "revision": view.revision.number,
        "latest_revision": view.latest_number,
        "published_at": view.revision.created_at,
        "sections": [
            {"key": s.key, "heading": s.heading, "kind": s.kind.value, "text": s.text}
            for s in view.sections
        ],
        "updates": [
            {
                "number": u.number,
                "body": u.body,
                "published_at": u.published_at,
                "revision": u.revision_number,
            }
            for u in view.updates
        ],
    }


@blp.get("/articles")
@blp.response(200, ArticleListSchema)
def list_articles():
    """Every article with its latest version number."""
    return {
        "articles": [
            {"slug": a.slug, "title": a.title, "revision": a.current_revision.number}
            for a in articles.list_articles(db.session)
            if a.current_revision is not None
        ]
    }


@blp.get("/articles/<slug>")
@blp.response(200, ArticleSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_article(slug: str):
    """The latest version of an article."""
    return article_payload(articles.read_article(db.session, slug))


@blp.get("/articles/<slug>/revisions")
@blp.response(200, RevisionListSchema)
@blp.alt_response(404, schema=ErrorSchema)
def list_revisions(slug: str):
    """Every revision, newest first."""
    return {
        "revisions": [
            {
                "number": r.number,
                "kind": r.kind.value,
                "summary": r.summary,
                "published_at": r.created_at,
                "minor": r.is_minor,
            }
            for r in articles.list_revisions(db.session, slug)
        ]
    }


@blp.get("/articles/<slug>/revisions/<int:number>")
@blp.response(200, ArticleSchema)
@blp.alt_response(404, schema=ErrorSchema)
def get_revision(slug: str, number: int):
    """The article as of revision ``number``."""
    return article_payload(articles.read_article(db.session, slug, number))


@blp.get("/articles/<slug>/diff")
@blp.arguments(DiffQuerySchema, location="query", as_kwargs=True)
@blp.response(200, DiffSchema)
@blp.alt_response(404, schema=ErrorSchema)
@blp.alt_response(422, schema=ErrorSchema)
def diff(slug: str, from_: int, to: int):
    """Word-level differences between versions ``from`` and ``to``, section by section."""
    return diff_payload(record.compare(db.session, slug, from_, to))


def diff_payload(comparison: Comparison) -> dict[str, Any]:
    def updates(views: list[UpdateView]) -> list[dict[str, Any]]:
        return [
            {
                "number": u.number,
                "body": u.body,
                "published_at": u.published_at,
                "revision": u.revision_number,
            }
            for u in views
        ]

    return {
        "from_": comparison.old.number,
        "to": comparison.new.number,
        "sections": [
            {
                "key": s.key,
                "status": s.status,
                "renamed": s.renamed,
                "moved": s.moved,
                "old_heading": s.old_heading,
                "new_heading": s.new_heading,
                "ops": [list(op) for op in s.ops],
            }
            for s in comparison.sections
        ],
        "updates_added": updates(comparison.updates_added),
        "updates_removed": updates(comparison.updates_removed),
    }
