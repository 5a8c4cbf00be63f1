"""Template filters: section text as paragraphs whose page text reads like the stored text."""

from __future__ import annotations

import re

from corrections.text.anchoring import find_quote
from corrections.web.filters import paragraphs


def page_text(html: str) -> str:
    """What a reader's selection of the whole element gives (``Range.toString()``)."""
    return re.sub(r"<[^>]+>", "", html)


def test_paragraphs_are_escaped_and_separated_by_whitespace():
    html = paragraphs("One <b>&\n\nTwo\nthree")
    assert html == "<p>One &lt;b&gt;&amp;</p>\n<p>Two<br>\nthree</p>"


def test_a_quote_selected_across_paragraphs_and_lines_is_found_in_the_stored_text():
    text = "The river rose in 1971.\n\nThe Mill Street wall\nwas overtopped."
    selected = " ".join(page_text(paragraphs(text)).split())
    assert selected == "The river rose in 1971. The Mill Street wall was overtopped."
    found = find_quote(text, "in 1971. The Mill Street wall was")
    assert text[found.start : found.end] == "in 1971.\n\nThe Mill Street wall\nwas"
