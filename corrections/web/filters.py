"""Template filters: dates as newsrooms write them, paragraphs of plain text."""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from markupsafe import Markup, escape

from corrections.text.article_format import format_date, split_paragraphs


def long_date(value: datetime) -> str:
    return format_date(value.date())


def paragraphs(text: str) -> Markup:
    """Plain section text to escaped <p> elements; single newlines become <br>."""
    parts = (escape(p).replace("\n", Markup("<br>")) for p in split_paragraphs(text))
    return Markup("").join(Markup("<p>{}</p>").format(p) for p in parts)


def register(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(paragraphs)
    # Lets templates link to an area only when it is installed ("x" in url_endpoints).
    app.context_processor(lambda: {"url_endpoints": app.view_functions})
