"""Template filters: dates and numbers for the reader's language, paragraphs of plain text."""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask
from markupsafe import Markup

from corrections.i18n import long_date, number
from corrections.services.moderation_queue import COUNT_CAP, Count
from corrections.text.highlight import Mark, marked_paragraphs


def count(value: Count | int) -> str:
    """A count for people: "1,000" / "1.000"; a capped count reads "1,000+"."""
    if isinstance(value, Count):
        return number(COUNT_CAP) + "+" if value.capped else number(value.value)
    return number(value)


def paragraphs(text: str, marks: Iterable[Mark] = ()) -> Markup:
    """Plain section text to escaped <p> elements; single newlines become <br>; ``marks``
    (quoted words) wrapped in <mark> (see ``corrections.text.highlight``).

    A newline stays between paragraphs and after each <br>, so the page's text (what a
    reader's selection gives, ``Range.toString()``) has whitespace where the stored text
    has it: "1971.\n\nThe Mill" reads "1971.\nThe Mill", not "1971.The Mill", and the
    server's quote finding, which folds whitespace runs, finds it."""
    return marked_paragraphs(text, marks)


def first_upper(text: object) -> str:
    """The first letter in capitals, the rest as it is (Jinja's ``capitalize`` lowers the
    rest, which spoils names and other languages' nouns)."""
    text = str(text)
    return text[:1].upper() + text[1:]


def register(app: Flask) -> None:
    app.add_template_filter(first_upper)
    app.add_template_filter(long_date)
    app.add_template_filter(number)
    app.add_template_filter(count)
    app.add_template_filter(paragraphs)
    # Lets templates link to an area only when it is installed ("x" in url_endpoints).
    app.context_processor(lambda: {"url_endpoints": app.view_functions})
