"""Quote anchors: finding a reader's quote in a section, and carrying anchors forward
to a new revision of that section.

An anchor is a W3C-style TextQuoteSelector (exact, prefix, suffix) plus a
TextPositionSelector (start, end), with offsets as Python str indices into the section
text. Everything here is pure: no database, no clock.
"""

from __future__ import annotations

import bisect
import difflib
import os
import unicodedata
from dataclasses import dataclass
from typing import Literal

from corrections.i18n import _, number
from corrections.text.diff import Opcode, char_opcodes

CONTEXT_CHARS = 32
MAX_QUOTE_CHARS = 2000
MIN_SIMILARITY = 0.85
# A relocated quote must bring this much of its surrounding text along (see rule 3).
_MIN_CONTEXT_AGREEMENT = 16

# Browsers, keyboards and typographers disagree about quotes; readers do not care.
_QUOTE_FOLD = str.maketrans(dict.fromkeys("‘’‚‛", "'") | dict.fromkeys("“”„‟", '"'))


class QuoteError(ValueError):
    """A quote that cannot be anchored; `message` can be shown to the reader as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class QuoteEmpty(QuoteError):
    def __init__(self) -> None:
        super().__init__(_("Select or type the words you want to quote."))


class QuoteTooLong(QuoteError):
    def __init__(self) -> None:
        super().__init__(
            _("Quotes can be at most %(count)s characters long.", count=number(MAX_QUOTE_CHARS))
        )


class QuoteNotFound(QuoteError):
    def __init__(self) -> None:
        super().__init__(
            _("We could not find these words in this section; copy them exactly as they appear.")
        )


class QuoteAmbiguous(QuoteError):
    def __init__(self, count: int) -> None:
        super().__init__(
            _(
                "These words appear %(count)s times in this section; "
                "include a few more words so we know which one you mean.",
                count=count,
            )
        )
        self.count = count


@dataclass(frozen=True)
class Anchor:
    """A quote pinned to [start, end) of a section text, with context either side."""

    start: int
    end: int
    exact: str
    prefix: str
    suffix: str

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end or self.end - self.start != len(self.exact):
            raise ValueError("an anchor needs 0 <= start < end and end - start == len(exact)")

    @classmethod
    def from_text(cls, text: str, start: int, end: int, context: int = CONTEXT_CHARS) -> Anchor:
        if not 0 <= start < end <= len(text):
            raise ValueError(f"[{start}, {end}) is not a non-empty range of the text")
        before, after = text[max(0, start - context) : start], text[end : end + context]
        return cls(start, end, text[start:end], before, after)

    def matches(self, text: str) -> bool:
        return text[self.start : self.end] == self.exact


def find_quote(text: str, quote: str, *, prefix: str = "", suffix: str = "") -> Anchor:
    """Anchor `quote` in `text`, raising a QuoteError the reader can act on.

    An exact match wins; only if there is none is the quote matched forgivingly: NFC,
    straight = curly quotes, any whitespace run = one space. Offsets and `exact` always
    refer to the original text. Among several occurrences, `prefix` and then `suffix`
    (compared just as forgivingly) keep those whose context matches, unless that would
    keep none; one occurrence must remain.
    """
    wanted = quote.strip()
    if not wanted:
        raise QuoteEmpty()
    if len(wanted) > MAX_QUOTE_CHARS:
        raise QuoteTooLong()
    spans = _occurrences(text, wanted) or _folded_occurrences(text, wanted)
    if not spans:
        raise QuoteNotFound()
    count = len(spans)
    if prefix := _fold(prefix).text.rstrip():
        before = [_fold(text[max(0, s - 2 * len(prefix) - 64) : s]).text.rstrip() for s, _ in spans]
        spans = [span for span, b in zip(spans, before, strict=True) if b.endswith(prefix)] or spans
    if suffix := _fold(suffix).text.lstrip():
        after = [_fold(text[e : e + 2 * len(suffix) + 64]).text.lstrip() for _, e in spans]
        spans = [
            span for span, a in zip(spans, after, strict=True) if a.startswith(suffix)
        ] or spans
    if len(spans) > 1:
        raise QuoteAmbiguous(count)
    return Anchor.from_text(text, *spans[0])


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    spans, at = [], text.find(needle)
    while at != -1:
        spans.append((at, at + len(needle)))
        at = text.find(needle, at + 1)  # overlapping: "aa" occurs twice in "aaa"
    return spans


@dataclass(frozen=True)
class _Folded:
    text: str
    starts: list[int]  # original offset where the source of each folded char begins
    ends: list[int]  # original offset just past it


def _fold(text: str) -> _Folded:
    """NFC, fold quote marks and collapse whitespace runs, remembering where each
    resulting character came from in `text`."""
    chars: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n, in_space = 0, len(text), False
    while i < n:
        # NFC one base character plus its marks at a time, so offsets can be mapped back.
        # Hangul vowel/final jamo (U+1160-U+11FF) compose like marks do.
        j = i + 1
        while j < n and text[j] >= "\u0300" and _attaches(text[j]):
            j += 1
        cluster = text[i:j]
        if j - i > 1 or not cluster.isascii():
            cluster = unicodedata.normalize("NFC", cluster).translate(_QUOTE_FOLD)
        for char in cluster:
            if char.isspace():
                if in_space:
                    ends[-1] = j
                    continue
                char, in_space = " ", True
            else:
                in_space = False
            chars.append(char)
            starts.append(i)
            ends.append(j)
        i = j
    return _Folded("".join(chars), starts, ends)


def _attaches(char: str) -> bool:
    return unicodedata.category(char)[0] == "M" or "\u1160" <= char <= "\u11ff"


def _folded_occurrences(text: str, quote: str) -> list[tuple[int, int]]:
    needle = _fold(quote).text.strip()
    folded = _fold(text)
    spans = {
        (folded.starts[s], folded.ends[e - 1]): None for s, e in _occurrences(folded.text, needle)
    }
    return list(spans)


CarryStatus = Literal["kept", "moved", "orphaned"]


@dataclass(frozen=True)
class CarryResult:
    """Where an anchor landed. `similarity` is 1.0 when the quoted words are unchanged."""

    status: CarryStatus
    anchor: Anchor | None
    similarity: float


class TextMapping:
    """Carries anchors from `old_text` to `new_text`; the diff is computed once.

    Rules, in order (the first that applies wins):

    1. Untouched: every character of the quote lies inside one "equal" region of the
       word diff (`corrections.text.diff.char_opcodes`; words are atomic, and an
       insertion strictly inside the quote counts as touching it). The anchor shifts by
       that region's offset: "kept" if its offsets are unchanged, else "moved".
    2. Edited in place: otherwise the quote's start and end are mapped through the diff
       (a boundary inside a changed region maps to that region's edge in the new text,
       widening to include its replacement). The new text there, trimmed of whitespace,
       is accepted if its similarity to the old quote (difflib ratio of the quoted words
       alone; unchanged context must not vouch for changed words) is >= MIN_SIMILARITY
       and it occurs exactly once in the new text.
    3. Relocated: otherwise, if the exact quote occurred once in the old text (so no
       other occurrence can be mistaken for it) and occurs once in the new text, and at
       least 16 characters right next to it (end of prefix + start of suffix) read the
       same there, the passage was moved (e.g. a paragraph was cut and pasted) and the
       anchor follows it.
    4. Otherwise "orphaned": the words were deleted or rewritten, or only other
       occurrences of them remain.
    """

    def __init__(self, old_text: str, new_text: str) -> None:
        self.old_text = old_text
        self.new_text = new_text
        # Only opcodes that cover old characters can contain an anchor boundary.
        self._ops: list[Opcode] = [op for op in char_opcodes(old_text, new_text) if op[2] > op[1]]
        self._op_starts = [op[1] for op in self._ops]

    def carry(self, anchor: Anchor) -> CarryResult:
        if not anchor.matches(self.old_text):
            raise ValueError("the anchor does not match the old text")
        first_index = bisect.bisect_right(self._op_starts, anchor.start) - 1
        last_index = bisect.bisect_right(self._op_starts, anchor.end - 1) - 1
        first, last = self._ops[first_index], self._ops[last_index]
        if first_index == last_index and first[0] == "equal":
            shift = first[3] - first[1]
            return self._landed(anchor, anchor.start + shift, anchor.end + shift, 1.0)
        lo = first[3] + (anchor.start - first[1] if first[0] == "equal" else 0)
        hi = last[3] + anchor.end - last[1] if last[0] == "equal" else last[4]
        return (
            self._edited_in_place(anchor, lo, hi)
            or self._relocated(anchor)
            or CarryResult("orphaned", None, 0.0)
        )

    def _edited_in_place(self, anchor: Anchor, lo: int, hi: int) -> CarryResult | None:
        window = self.new_text[lo:hi]
        candidate = window.strip()
        if not candidate:
            return None
        lo += len(window) - len(window.lstrip())
        score = _similarity(anchor.exact, candidate)
        if score < MIN_SIMILARITY or not _occurs_once(self.new_text, candidate):
            return None
        return self._landed(anchor, lo, lo + len(candidate), score)

    def _relocated(self, anchor: Anchor) -> CarryResult | None:
        exact = anchor.exact
        if not (_occurs_once(self.old_text, exact) and _occurs_once(self.new_text, exact)):
            return None
        at = self.new_text.find(exact)
        moved = Anchor.from_text(self.new_text, at, at + len(exact))
        if _context_agreement(anchor, moved) < _MIN_CONTEXT_AGREEMENT:
            return None
        return self._landed(anchor, at, moved.end, 1.0)

    def _landed(self, anchor: Anchor, start: int, end: int, similarity: float) -> CarryResult:
        new = Anchor.from_text(self.new_text, start, end)
        same = (new.start, new.end, new.exact) == (anchor.start, anchor.end, anchor.exact)
        return CarryResult("kept" if same else "moved", new, similarity)


def carry_forward(anchor: Anchor, old_text: str, new_text: str) -> CarryResult:
    """Carry one anchor to a new revision; see TextMapping for the rules."""
    return TextMapping(old_text, new_text).carry(anchor)


def _occurs_once(text: str, needle: str) -> bool:
    at = text.find(needle)
    return at != -1 and text.find(needle, at + 1) == -1


def _context_agreement(old: Anchor, new: Anchor) -> int:
    """How many characters right next to the quote read the same in both places."""
    before = os.path.commonprefix([old.prefix[::-1], new.prefix[::-1]])
    return len(before) + len(os.path.commonprefix([old.suffix, new.suffix]))


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    # The length bound and quick_ratio are cheap upper bounds of ratio().
    if 2 * min(len(a), len(b)) < MIN_SIMILARITY * (len(a) + len(b)):
        return 0.0
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return matcher.ratio() if matcher.quick_ratio() >= MIN_SIMILARITY else 0.0
