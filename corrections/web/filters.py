"""Template filters: dates as newsrooms write them, paragraphs of plain text."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from flask import Flask
from markupsafe import Markup

from corrections.text.article_format import format_date
from corrections.text.highlight import Mark, marked_paragraphs


def long_date(value: datetime) -> str:
    return format_date(value.date())


def paragraphs(text: str, marks: Iterable[Mark] = ()) -> Markup:
    """Plain section text to escaped <p> elements; single newlines become <br>; ``marks``
    (quoted words) wrapped in <mark> (see ``corrections.text.highlight``).

    A newline stays between paragraphs and after each <br>, so the page's text (what a
    reader's selection gives, ``Range.toString()``) has whitespace where the stored text
    has it: "1971.\n\nThe Mill" reads "1971.\nThe Mill", not "1971.The Mill", and the
    server's quote finding, which folds whitespace runs, finds it."""
    return marked_paragraphs(text, marks)


def register(app: Flask) -> None:
    app.add_template_filter(long_date)
    app.add_template_filter(paragraphs)
    # Lets templates link to an area only when it is installed ("x" in url_endpoints).
    app.context_processor(lambda: {"url_endpoints": app.view_functions})
