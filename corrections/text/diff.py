"""Word-level diffs between revisions of an article, for showing readers what changed.

`char_opcodes` is the diff engine: it also drives anchor carry-forward
(`corrections.text.anchoring`), so "what changed" means the same thing in both places.
Words are atomic: a word is either equal or changed as a whole, never partly matched.
"""

from __future__ import annotations

import bisect
import difflib
import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, chain
from typing import Literal

from markupsafe import Markup, escape

# (tag, old_start, old_end, new_start, new_end) in character offsets, like difflib.
Opcode = tuple[str, int, int, int, int]
SectionStatus = Literal["unchanged", "changed", "added", "removed"]

# SequenceMatcher without autojunk costs about sum(count_old(t) * count_new(t)) per pass;
# past this budget we let difflib ignore very frequent tokens rather than stall a request.
_EXACT_BUDGET = 400_000
# Largest replaced region (old tokens * new tokens) refined into whitespace/punctuation.
_REFINE_BUDGET = 250_000


# Python's \w excludes combining marks, which would split NFD or Indic words in two. Rather
# than a huge (slow to compile) character class, marks and modifiers are mapped onto one
# representative mark (U+0300) in a same-length shadow copy that the regexes scan.
_WORD = r"[\w\u0300][\w\u0300\u200d]*"
_SYMBOL = r"[^\w\s](?:\u0300|\u200d[^\w\s])*"  # keeps emoji modifier/ZWJ sequences whole
_FINE = re.compile(rf"{_WORD}|{_SYMBOL}|\s+")
# A coarse token is a word with the punctuation and spacing after it. Diffing these first
# is fast (few very frequent tokens) and aligns words, never stray commas or spaces.
_COARSE = re.compile(rf"{_WORD}[^\w\u0300]*|[^\w\u0300]+")


@functools.cache
def _shadow_table() -> dict[int, int]:
    planes = chain(range(0x300, 0x20000), range(0xE0100, 0xE01F0))
    table = {cp: 0x300 for cp in planes if unicodedata.category(chr(cp))[0] == "M"}
    table.update(dict.fromkeys([0x200C, *range(0x1F3FB, 0x1F400)], 0x300))
    return table


def _split(pattern: re.Pattern[str], text: str) -> list[str]:
    shadow = text if text.isascii() else text.translate(_shadow_table())
    return [text[m.start() : m.end()] for m in pattern.finditer(shadow)]


def tokenize(text: str) -> list[str]:
    """Split text into words, whitespace runs and single punctuation/symbols."""
    return _split(_FINE, text)


def char_opcodes(old: str, new: str) -> list[Opcode]:
    """Diff two texts; opcodes alternate between "equal" and a change.

    Words with their trailing punctuation and spacing are diffed first, then each
    replaced region is re-diffed with words, whitespace and punctuation apart, so
    "133 deaths," -> "137 deaths." changes only "133" and ",".
    """
    if old == new:
        return [("equal", 0, len(old), 0, len(new))] if old else []
    ops: list[Opcode] = []
    for op in _diff_tokens(_split(_COARSE, old), _split(_COARSE, new), 0, 0):
        tag, i1, i2, j1, j2 = op
        if tag == "replace":
            a, b = tokenize(old[i1:i2]), tokenize(new[j1:j2])
            if len(a) * len(b) <= _REFINE_BUDGET:
                ops.extend(_diff_tokens(a, b, i1, j1))
                continue
        ops.append(op)
    return _canonical(ops)


def _diff_tokens(a: list[str], b: list[str], a0: int, b0: int) -> list[Opcode]:
    a_pos = list(accumulate(map(len, a), initial=a0))
    b_pos = list(accumulate(map(len, b), initial=b0))
    # Edits are usually local: trimming the common ends keeps difflib's input small.
    limit = min(len(a), len(b))
    head = 0
    while head < limit and a[head] == b[head]:
        head += 1
    tail = 0
    while tail < limit - head and a[-1 - tail] == b[-1 - tail]:
        tail += 1
    mid_a, mid_b = a[head : len(a) - tail], b[head : len(b) - tail]
    counts = Counter(mid_b)
    cost = sum(counts[t] for t in mid_a if t in counts)
    matcher = difflib.SequenceMatcher(None, mid_a, mid_b, autojunk=cost > _EXACT_BUDGET)
    ops: list[Opcode] = [("equal", a_pos[0], a_pos[head], b_pos[0], b_pos[head])]
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        i1, i2, j1, j2 = i1 + head, i2 + head, j1 + head, j2 + head
        ops.append((tag, a_pos[i1], a_pos[i2], b_pos[j1], b_pos[j2]))
    ops.append(("equal", a_pos[len(a) - tail], a_pos[-1], b_pos[len(b) - tail], b_pos[-1]))
    return ops


def _canonical(ops: list[Opcode]) -> list[Opcode]:
    """Drop empty opcodes and merge neighbours so equal and changed regions alternate."""
    out: list[Opcode] = []
    for tag, i1, i2, j1, j2 in ops:
        if i1 == i2 and j1 == j2:
            continue
        if out and (out[-1][0] == "equal") == (tag == "equal"):
            _, i1, _, j1, _ = out.pop()
        if tag != "equal":
            tag = "replace" if i1 < i2 and j1 < j2 else "delete" if i1 < i2 else "insert"
        out.append((tag, i1, i2, j1, j2))
    return out


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff as ("equal" | "delete" | "insert", text) ops.

    Joining equal+delete texts gives `old`; joining equal+insert texts gives `new`.
    Within a changed run the deleted text comes before the inserted text, and no two
    neighbouring ops have the same kind.
    """
    codes = char_opcodes(old, new)
    ops: list[tuple[str, str]] = []
    deleted = inserted = ""  # the changed run being collected
    for index, (tag, i1, i2, j1, j2) in enumerate(codes):
        text = old[i1:i2]
        # "a b" -> "x y" reads better as one replacement than as two around an equal space.
        joins_replacements = (
            deleted
            and inserted
            and index + 1 < len(codes)
            and codes[index + 1][0] == "replace"
            and text.isspace()
            and "\n" not in text
        )
        if tag != "equal" or joins_replacements:
            deleted, inserted = deleted + text, inserted + new[j1:j2]
            continue
        ops.extend((kind, run) for kind, run in (("delete", deleted), ("insert", inserted)) if run)
        deleted = inserted = ""
        ops.append(("equal", text))
    ops.extend((kind, run) for kind, run in (("delete", deleted), ("insert", inserted)) if run)
    return ops


_BREAKS = re.compile(r"(\n+)")
_BR, _PILCROW, _NOTHING = Markup("<br>"), Markup("¶"), Markup("")


def render_word_diff_html(ops: Sequence[tuple[str, str]]) -> Markup:
    """Render word_diff ops as HTML: every piece escaped, <ins>/<del> around changes.

    Line breaks become <br>; an inserted or deleted break also shows a pilcrow, since a
    bare <br> inside <ins>/<del> would be an invisible change.
    """
    parts: list[Markup] = []
    for kind, text in ops:
        if kind not in ("equal", "insert", "delete"):
            raise ValueError(f"unknown diff op kind: {kind!r}")
        if not text:
            continue
        mark = _NOTHING if kind == "equal" else _PILCROW
        body = _NOTHING.join(
            mark + _BR * len(piece) if piece.startswith("\n") else escape(piece)
            for piece in _BREAKS.split(text)
        )
        if kind == "insert":
            body = Markup("<ins>%s</ins>") % body
        elif kind == "delete":
            body = Markup("<del>%s</del>") % body
        parts.append(body)
    return _NOTHING.join(parts)


@dataclass(frozen=True)
class SectionText:
    """One section of one revision, as diffed."""

    key: str
    heading: str
    text: str


@dataclass(frozen=True)
class SectionDiff:
    """How one section changed between two revisions.

    `status` is about the body text only; a heading change sets `renamed`, and `moved`
    marks the sections a reader would describe as moved (see `diff_sections`).
    Positions are 0-based indexes into the old and new section lists.
    """

    key: str
    status: SectionStatus
    old_heading: str | None
    new_heading: str | None
    ops: list[tuple[str, str]]
    old_position: int | None
    new_position: int | None
    renamed: bool = False
    moved: bool = False


def diff_sections(
    old_sections: Sequence[SectionText], new_sections: Sequence[SectionText]
) -> list[SectionDiff]:
    """Match sections by key and diff each; returned in new order.

    A removed section is placed right after the nearest section that preceded it in the
    old revision and still exists (or first, if none did). A section is `moved` when it
    is not in the longest run of kept sections whose relative order is unchanged, so
    inserting or moving one section flags only that section.
    """
    old_at = _positions(old_sections)
    new_at = _positions(new_sections)
    unmoved = _in_order([old_at[s.key] for s in new_sections if s.key in old_at])

    removed_after: dict[str | None, list[SectionDiff]] = {}
    previous_kept: str | None = None
    for position, section in enumerate(old_sections):
        if section.key in new_at:
            previous_kept = section.key
            continue
        ops = [("delete", section.text)] if section.text else []
        removed = SectionDiff(section.key, "removed", section.heading, None, ops, position, None)
        removed_after.setdefault(previous_kept, []).append(removed)

    result = list(removed_after.get(None, []))
    for position, section in enumerate(new_sections):
        if section.key not in old_at:
            ops = [("insert", section.text)] if section.text else []
            result.append(
                SectionDiff(section.key, "added", None, section.heading, ops, None, position)
            )
            continue
        before = old_sections[old_at[section.key]]
        result.append(
            SectionDiff(
                key=section.key,
                status="unchanged" if before.text == section.text else "changed",
                old_heading=before.heading,
                new_heading=section.heading,
                ops=word_diff(before.text, section.text),
                old_position=old_at[section.key],
                new_position=position,
                renamed=before.heading != section.heading,
                moved=old_at[section.key] not in unmoved,
            )
        )
        result.extend(removed_after.get(section.key, []))
    return result


def _positions(sections: Sequence[SectionText]) -> dict[str, int]:
    positions = {section.key: index for index, section in enumerate(sections)}
    if len(positions) != len(sections):
        raise ValueError("section keys must be unique within a revision")
    return positions


def _in_order(values: list[int]) -> set[int]:
    """The values of one longest increasing subsequence (patience sorting, O(n log n))."""
    tails: list[int] = []  # tails[k]: smallest last value of an increasing run of length k+1
    parent: dict[int, int | None] = {}
    for value in values:
        k = bisect.bisect_left(tails, value)
        parent[value] = tails[k - 1] if k else None
        tails[k : k + 1] = [value]
    kept, cursor = set(), tails[-1] if tails else None
    while cursor is not None:
        kept.add(cursor)
        cursor = parent[cursor]
    return kept
