"""Section text as HTML paragraphs, with the words readers quoted wrapped in ``<mark>``.

This is where reader-influenced offsets meet page markup, so it is built to be safe by
construction: the *plain* text is cut at the marks' offsets and every piece is escaped on
its own (escaping is per character, so no entity can be split), and the markup around the
pieces is ours alone. Marks may overlap, nest or cross paragraphs; the output is flat:

- a paragraph is cut into segments at every mark boundary; a segment covered by any mark is
  one ``<mark class="quote-mark">``, so no element is ever left open across another;
- each mark's ``id`` (``q-<id>``) is on the first segment it covers (marks starting at the
  same place nest there, one ``<mark id>`` each: ids stay unique and every one exists);
- after each mark's last segment comes its way back to the comment: a link with no text of
  its own (its name is in ``aria-label``; CSS draws it), so a reader's selection of the
  section's words (``Range.toString()``) reads exactly as before: quotes still match.

A newline stays between paragraphs and after each ``<br>``, so that a selection across
them has whitespace where the stored text has it (quote finding folds whitespace runs).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

# The paragraph break of the article format (corrections.text.article_format).
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


@dataclass(frozen=True)
class Mark:
    """Quoted words ``text[start:end]``; ``id`` makes ``q-<id>``, ``href`` and ``label``
    the link back to whatever quotes them (both escaped here)."""

    id: int
    start: int
    end: int
    href: str
    label: str


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """Where each paragraph of ``split_paragraphs(text)`` lies in ``text``."""
    spans: list[tuple[int, int]] = []
    at = 0
    for found in [*_PARAGRAPH_BREAK.finditer(text), None]:
        end = found.start() if found else len(text)
        chunk = text[at:end]
        if chunk.strip():
            lead = len(chunk) - len(chunk.lstrip("\n"))
            spans.append((at + lead, at + len(chunk.rstrip("\n"))))
        if found:
            at = found.end()
    return spans


def _piece(text: str) -> Markup:
    return escape(text).replace("\n", Markup("<br>\n"))


def _usable(marks: Iterable[Mark], length: int) -> list[Mark]:
    """Marks clipped to the text, empty ones dropped, each id once (the first wins)."""
    seen: set[int] = set()
    kept = []
    for mark in marks:
        start, end = max(0, mark.start), min(length, mark.end)
        if start < end and mark.id not in seen:
            seen.add(mark.id)
            kept.append(Mark(mark.id, start, end, mark.href, mark.label))
    return kept


def _paragraph(
    text: str, lo: int, hi: int, marks: Sequence[Mark], opened: set[int], last: set[int]
) -> Markup:
    """One paragraph ``text[lo:hi]``; ``opened`` are the ids given out so far, ``last`` the
    marks whose last paragraph this is (their link back follows their last segment)."""
    inside = [m for m in marks if m.start < hi and m.end > lo]
    cuts = sorted({lo, hi, *(max(lo, m.start) for m in inside), *(min(hi, m.end) for m in inside)})
    out: list[Markup] = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = [m for m in inside if m.start <= a and m.end >= b]
        html = _piece(text[a:b])
        if covering:
            starting = [m for m in covering if m.id not in opened]
            if not starting:
                html = Markup('<mark class="quote-mark">{}</mark>').format(html)
            for mark in starting:
                opened.add(mark.id)
                html = Markup('<mark class="quote-mark" id="q-{}">{}</mark>').format(mark.id, html)
        out.append(html)
        for mark in inside:
            if mark.id in last and min(hi, mark.end) == b:
                out.append(
                    Markup('<a class="quote-ref" href="{}" aria-label="{}"></a>').format(
                        mark.href, mark.label
                    )
                )
    return Markup("").join(out)


def marked_paragraphs(text: str, marks: Iterable[Mark] = ()) -> Markup:
    """Plain text to escaped ``<p>`` elements (single newlines become ``<br>``), with
    ``marks`` wrapped in ``<mark>`` as the module says."""
    usable = _usable(marks, len(text))
    spans = paragraph_spans(text)
    last_paragraph: dict[int, int] = {}
    for index, (lo, hi) in enumerate(spans):
        for mark in usable:
            if mark.start < hi and mark.end > lo:
                last_paragraph[mark.id] = index
    opened: set[int] = set()
    return Markup("\n").join(
        Markup("<p>{}</p>").format(
            _paragraph(
                text,
                lo,
                hi,
                usable,
                opened,
                {m for m, i in last_paragraph.items() if i == index},
            )
        )
        for index, (lo, hi) in enumerate(spans)
    )
