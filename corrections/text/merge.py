"""Three-way merge of two edits of one text, word by word.

When an author's draft and a version published meanwhile both changed a section, each side's
changes are the word diff (``corrections.text.diff.char_opcodes``, the engine of the reader's
diffs and of anchor carrying) from the text both started from. Changes that touch different
words are all applied; where both sides changed the same words differently, the draft's words
are kept and the passage is reported, so nothing is lost without a word. Pure: no database.
"""

from __future__ import annotations

from dataclasses import dataclass

from corrections.text.diff import char_opcodes


@dataclass(frozen=True)
class Overlap:
    """A passage both sides changed differently: as it was, as the draft has it (kept), and
    as the other side has it."""

    base: str
    mine: str
    theirs: str


@dataclass(frozen=True)
class Merged:
    text: str
    overlaps: list[Overlap]

    @property
    def clean(self) -> bool:
        return not self.overlaps


@dataclass(frozen=True)
class _Hunk:
    start: int  # [start, end) of the base text, replaced by ``text``
    end: int
    text: str
    side: int  # 0: mine, 1: theirs


def _hunks(base: str, other: str, side: int) -> list[_Hunk]:
    return [
        _Hunk(i1, i2, other[j1:j2], side)
        for tag, i1, i2, j1, j2 in char_opcodes(base, other)
        if tag != "equal"
    ]


def _apply(base: str, start: int, end: int, hunks: list[_Hunk]) -> str:
    """``base[start:end]`` with one side's hunks (all inside it) applied."""
    out, at = [], start
    for hunk in hunks:
        out += [base[at : hunk.start], hunk.text]
        at = hunk.end
    out.append(base[at:end])
    return "".join(out)


def _touches(cluster_start: int, cluster_end: int, hunk: _Hunk) -> bool:
    """Whether a hunk must be decided together with the cluster of hunks before it: it starts
    inside the cluster's words, or both insert at the very same place."""
    if hunk.start < cluster_end:
        return True
    return hunk.start == hunk.end == cluster_start == cluster_end


def merge3(base: str, mine: str, theirs: str) -> Merged:
    """Merge ``mine`` and ``theirs``, two edits of ``base``.

    Hunks of the two sides that change different words (an unchanged word between them, or
    one inserting right before or after words the other replaces) are both applied. Hunks
    that change the same words form a cluster: if both sides made it read the same, that is
    taken; otherwise the draft's (``mine``) is kept and the cluster is an ``Overlap``.
    """
    if mine == theirs or theirs == base:
        return Merged(mine, [])
    if mine == base:
        return Merged(theirs, [])
    hunks = sorted(
        _hunks(base, mine, 0) + _hunks(base, theirs, 1),
        key=lambda h: (h.start, h.end, h.side),
    )
    out: list[str] = []
    overlaps: list[Overlap] = []
    at = 0
    index = 0
    while index < len(hunks):
        cluster = [hunks[index]]
        start, end = cluster[0].start, cluster[0].end
        index += 1
        while index < len(hunks) and _touches(start, end, hunks[index]):
            end = max(end, hunks[index].end)
            cluster.append(hunks[index])
            index += 1
        out.append(base[at:start])
        sides = [[h for h in cluster if h.side == side] for side in (0, 1)]
        ours = _apply(base, start, end, sides[0])
        if not sides[1]:
            out.append(ours)
        elif not sides[0]:
            out.append(_apply(base, start, end, sides[1]))
        else:
            theirs_here = _apply(base, start, end, sides[1])
            out.append(ours)
            if ours != theirs_here:
                overlaps.append(Overlap(base[start:end], ours, theirs_here))
        at = end
    out.append(base[at:])
    return Merged("".join(out), overlaps)
