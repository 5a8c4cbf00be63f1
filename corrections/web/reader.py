"""Reader pages: the list of articles, an article at any version, and its history."""

from __future__ import annotations

from flask import Blueprint, render_template

from corrections.extensions import db
from corrections.services import articles

bp = Blueprint("reader", __name__)


@bp.get("/")
def index():
    return render_template("reader/index.html", articles=articles.list_articles(db.session))


@bp.get("/a/<slug>")
def article(slug: str):
    view = articles.read_article(db.session, slug)
    return render_template("reader/article.html", view=view)


@bp.get("/a/<slug>/v/<int:number>")
def version(slug: str, number: int):
    view = articles.read_article(db.session, slug, number)
    return render_template("reader/article.html", view=view)


@bp.get("/a/<slug>/history")
def history(slug: str):
    article = articles.get_article(db.session, slug)
    revisions = articles.list_revisions(db.session, slug)
    return render_template("reader/history.html", article=article, revisions=revisions)
