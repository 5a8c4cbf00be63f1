"""Which words of an article page are marked as quoted by a comment, for the version shown.

On the latest version a current anchor marks its current words (carried forward through
the author's edits). On an earlier version an anchor marks the words it was made against
where that version shows them at the same place with the same context, so the link of an
orphaned quote ("about an earlier version") reaches its words there. Only published
comments' quotes are marked: marks are public, like the comments they lead to. Nothing here
queries the database; the comments are those the page already read.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from corrections.models import AnchorState, CommentStatus
from corrections.services.articles import SectionView
from corrections.services.threads import QuotePosition, ThreadComment


@dataclass(frozen=True)
class QuotedWords:
    """``text[start:end]`` of a section as shown, quoted by a comment."""

    anchor_id: int
    comment_id: int
    author_name: str
    start: int
    end: int


def place(position: QuotePosition, text: str, *, latest: bool) -> tuple[int, int] | None:
    """Where the quote lies in ``text`` (a section as shown), or None if it is not there."""
    if latest:
        if position.state != AnchorState.CURRENT:
            return None  # its words are gone from the latest version
        start, end = position.current_start, position.current_end
        return (start, end) if 0 <= start < end <= len(text) else None
    start, end = position.start, position.end
    before = start - len(position.prefix)
    if (
        before < 0
        or text[start:end] != position.exact
        or text[before:start] != position.prefix
        or text[end : end + len(position.suffix)] != position.suffix
    ):
        return None
    return start, end


def section_marks(
    sections: Iterable[SectionView], comments: Iterable[ThreadComment], *, latest: bool
) -> dict[int, list[QuotedWords]]:
    """The quoted words of each section (by section id), in the order of the comments."""
    texts = {s.section_id: s.text for s in sections if s.kind.value != "updates"}
    marks: dict[int, list[QuotedWords]] = {}
    for comment in comments:
        position = comment.quote_position
        text = texts.get(comment.section_id or 0)
        if position is None or text is None or comment.status != CommentStatus.PUBLISHED:
            continue
        found = place(position, text, latest=latest)
        if found is not None:
            marks.setdefault(comment.section_id or 0, []).append(
                QuotedWords(position.anchor_id, comment.id, comment.author_name, *found)
            )
    return marks
