"""What an author's draft may say, and the pure operations on its sections.

No database here: the services in ``drafts.py`` read what these functions need (the keys the
article's sections already have, the draft's UPDATE section) and store what they return.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from corrections.i18n import _, _l, number
from corrections.models import SectionKind
from corrections.services.errors import Invalid
from corrections.text.article_format import MAX_HEADING_CHARS, make_key
from corrections.text.merge import merge3

MAX_SECTIONS = 100
MAX_SECTION_CHARS = 100_000
NEW_SECTION_HEADING = _l("NEW SECTION")
OPS = ("add", "remove", "up", "down")


@dataclass(frozen=True)
class DraftSection:
    key: str
    heading: str
    kind: SectionKind
    text: str

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DraftSection:
        return cls(data["key"], data["heading"], SectionKind(data["kind"]), data["text"])

    def as_dict(self) -> dict[str, str]:
        return {
            "key": self.key,
            "heading": self.heading,
            "kind": self.kind.value,
            "text": self.text,
        }

    @property
    def label(self) -> str:
        """How people call the section: its heading, or "Introduction" when it has none."""
        return self.heading or _("Introduction")

    def same_words(self, other: DraftSection | None) -> bool:
        return other is not None and (self.heading, self.text) == (other.heading, other.text)


def normalise_text(text: str) -> str:
    """Line endings as the article format stores them; no blank lines around the text."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _refuse(message: str, field: str) -> Invalid:
    return Invalid(message, fields={field: [message]})


def _string(item: Mapping[str, Any], name: str, index: int) -> str:
    value = item.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise _refuse(
            _("Section %(number)s: the %(part)s must be text.", number=index + 1, part=name),
            f"sections-{index}-{name}",
        )
    return value


def clean_sections(
    raw: Sequence[Mapping[str, Any]],
    *,
    existing: Mapping[str, SectionKind],
    updates: DraftSection,
) -> list[DraftSection]:
    """Check a draft's sections as sent, and give new sections keys made from their headings.

    ``existing`` maps the keys the article's sections already have to their kind (a section
    keeps its key, and so its threads, for ever); ``updates`` is the draft's UPDATE section,
    which must stay last, unchanged: updates are published by moderators, not edited here.
    """
    if not raw:
        raise Invalid(_("A draft needs at least one section."))
    if len(raw) > MAX_SECTIONS:
        raise Invalid(_("An article can have at most %(count)s sections.", count=MAX_SECTIONS))
    if raw[-1].get("kind") != SectionKind.UPDATES.value:
        raise Invalid(
            _("The %(heading)s section must stay, as the last section.", heading=updates.heading)
        )
    seen: set[str] = set()
    cleaned: list[tuple[str | None, str, str]] = []
    for index, item in enumerate(raw[:-1]):
        kind = item.get("kind") or SectionKind.BODY.value
        if kind != SectionKind.BODY.value:
            raise _refuse(
                _(
                    "Section %(number)s: only the last section may be the updates section.",
                    number=index + 1,
                ),
                f"sections-{index}-kind",
            )
        heading = _string(item, "heading", index).strip()
        text = normalise_text(_string(item, "text", index))
        key = _string(item, "key", index).strip() or None
        if "\n" in heading or "\r" in heading:
            raise _refuse(
                _("Section %(number)s: a heading is one line.", number=index + 1),
                f"sections-{index}-heading",
            )
        if len(heading) > MAX_HEADING_CHARS:
            raise _refuse(
                _(
                    "Section %(number)s: a heading can be at most %(count)s characters.",
                    number=index + 1,
                    count=MAX_HEADING_CHARS,
                ),
                f"sections-{index}-heading",
            )
        if not heading and index > 0:
            raise _refuse(
                _(
                    "Section %(number)s needs a heading; only the first section may go without.",
                    number=index + 1,
                ),
                f"sections-{index}-heading",
            )
        if len(text) > MAX_SECTION_CHARS:
            raise _refuse(
                _(
                    "Section %(number)s (%(heading)s) is %(length)s characters long; "
                    "a section can be at most %(limit)s.",
                    number=index + 1,
                    heading=heading or _("Introduction"),
                    length=number(len(text)),
                    limit=number(MAX_SECTION_CHARS),
                ),
                f"sections-{index}-text",
            )
        if key is not None and key not in existing:
            key = None  # a new section: its key comes from its heading, below
        if key is not None:
            if existing[key] != SectionKind.BODY:
                raise _refuse(
                    _(
                        "Section %(number)s cannot use the key %(key)s.",
                        number=index + 1,
                        key=repr(key),
                    ),
                    "sections",
                )
            if key in seen:
                raise _refuse(
                    _("The section key %(key)s is used twice.", key=repr(key)), "sections"
                )
            seen.add(key)
        cleaned.append((key, heading, text))

    last = raw[-1]
    if (last.get("key"), last.get("heading")) != (updates.key, updates.heading) or normalise_text(
        last.get("text") or ""
    ):
        raise Invalid(
            _(
                "The %(heading)s section is not edited here: updates are published one by "
                "one through accepted corrections and moderation.",
                heading=updates.heading,
            )
        )

    taken = set(existing) | seen
    sections = [
        DraftSection(key or make_key(heading or "section", taken), heading, SectionKind.BODY, text)
        for key, heading, text in cleaned
    ]
    return [*sections, updates]


def apply_op(sections: list[DraftSection], op: str, index: int) -> tuple[list[DraftSection], int]:
    """Add a section after ``index``, remove it, or move it up or down.

    Returns the new list and the index of the section to show the author next. The UPDATE
    section stays last and cannot be removed or moved; the new section's key is given when
    the draft is saved (see ``clean_sections``).
    """
    if op not in OPS or not 0 <= index < len(sections):
        raise Invalid(_("That change to the sections is not possible; reload the editor."))
    body = [s for s in sections if s.kind == SectionKind.BODY]
    tail = sections[len(body) :]
    if op == "add":
        at = min(index + 1, len(body))
        if len(sections) >= MAX_SECTIONS:
            raise Invalid(_("An article can have at most %(count)s sections.", count=MAX_SECTIONS))
        new = DraftSection("", str(NEW_SECTION_HEADING), SectionKind.BODY, "")
        return [*body[:at], new, *body[at:], *tail], at
    if index >= len(body):
        raise Invalid(
            _("The updates section stays last; it cannot be removed or moved."),
        )
    if op == "remove":
        if len(body) == 1:
            raise Invalid(_("An article needs at least one section of text."))
        del body[index]
        return [*body, *tail], max(0, index - 1)
    target = index - 1 if op == "up" else index + 1
    if not 0 <= target < len(body):
        return sections, index
    body[index], body[target] = body[target], body[index]
    return [*body, *tail], target


@dataclass(frozen=True)
class Passage:
    """Words both the draft and the latest version changed differently (the draft's kept)."""

    part: str  # "heading" or "text"
    base: str
    mine: str
    theirs: str


# Why a section needs the author's look after a rebase.
LOOK_OVERLAP = "overlap"  # both changed the same words; the draft's were kept
LOOK_REMOVED_IN_DRAFT = "removed_in_draft"  # changed meanwhile, removed in the draft: kept out
LOOK_REMOVED_MEANWHILE = "removed_meanwhile"  # changed in the draft, removed meanwhile: kept


@dataclass(frozen=True)
class Look:
    """A section the author should check: kept on the draft until they say they did."""

    key: str
    label: str
    reason: str
    passages: tuple[Passage, ...] = ()
    version: int | None = None  # the version the draft was moved onto: whose words "theirs" are

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "reason": self.reason,
            "passages": [vars(p) for p in self.passages],
            "version": self.version,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Look:
        passages = tuple(Passage(**p) for p in data.get("passages", ()))
        return cls(data["key"], data["label"], data["reason"], passages, data.get("version"))


@dataclass(frozen=True)
class Rebased:
    """A draft moved onto the latest revision: what was taken, and what needs a look."""

    sections: list[DraftSection]
    took_newer: list[str] = field(default_factory=list)  # untouched in the draft: newer text
    merged: list[str] = field(default_factory=list)  # changed on both sides, all changes kept
    looks: list[Look] = field(default_factory=list)  # what the author should check
    removed_meanwhile: list[str] = field(default_factory=list)  # untouched in the draft
    added_meanwhile: list[str] = field(default_factory=list)  # placed in the draft

    @property
    def needs_look(self) -> list[str]:
        return [look.key for look in self.looks]


def _merge_section(
    before: DraftSection, mine: DraftSection, after: DraftSection
) -> tuple[DraftSection, list[Passage]]:
    """Both sides changed the section: a word-level three-way merge of its text, and of its
    heading as a whole."""
    passages = []
    heading = mine.heading
    if mine.heading == before.heading:
        heading = after.heading
    elif after.heading not in (before.heading, mine.heading):
        passages.append(Passage("heading", before.heading, mine.heading, after.heading))
    text = merge3(before.text, mine.text, after.text)
    passages += [Passage("text", o.base, o.mine, o.theirs) for o in text.overlaps]
    return DraftSection(mine.key, heading, mine.kind, text.text), passages


def rebase_sections(
    base: Sequence[DraftSection], draft: Sequence[DraftSection], current: Sequence[DraftSection]
) -> Rebased:
    """Three-way merge by section key, then word by word: nothing is lost without a word.

    A section the draft did not change takes the current text. One changed on both sides is
    merged word by word (``corrections.text.merge``): every change of either side that
    touches different words is kept, and only words both changed differently need a look
    (the draft's are kept there). A section the draft removed that changed meanwhile stays
    removed, and one the draft changed that was removed meanwhile stays: both need a look.
    Sections added meanwhile are placed after the section they follow in the latest
    revision. The UPDATE section is the latest one.
    """
    old = {s.key: s for s in base}
    new = {s.key: s for s in current}
    in_draft = {s.key for s in draft}
    took, combined_keys, removed, added = [], [], [], []
    looks: list[Look] = []
    merged: list[DraftSection] = []
    for section in draft:
        if section.kind == SectionKind.UPDATES:
            continue
        before, after = old.get(section.key), new.get(section.key)
        if before is None or section.key in new and after == before:
            merged.append(section)  # the author's own new section, or nobody else's change
        elif section.same_words(before):
            if after is None:
                removed.append(section.key)
            else:
                merged.append(DraftSection(section.key, after.heading, section.kind, after.text))
                took.append(section.key)
        elif after is None:
            merged.append(section)
            looks.append(Look(section.key, section.label, LOOK_REMOVED_MEANWHILE))
        else:
            combined, passages = _merge_section(before, section, after)
            merged.append(combined)
            if passages:
                looks.append(Look(section.key, combined.label, LOOK_OVERLAP, tuple(passages)))
            else:
                combined_keys.append(section.key)
    for section in base:
        later = new.get(section.key)
        if section.key not in in_draft and later is not None and not later.same_words(section):
            looks.append(Look(section.key, later.label, LOOK_REMOVED_IN_DRAFT))
    for position, section in enumerate(current):
        if section.kind == SectionKind.UPDATES or section.key in old or section.key in in_draft:
            continue
        keys = [s.key for s in merged]
        before_keys = [s.key for s in current[:position] if s.key in keys]
        at = keys.index(before_keys[-1]) + 1 if before_keys else 0
        merged.insert(at, section)
        added.append(section.key)
    updates = [s for s in current if s.kind == SectionKind.UPDATES]
    return Rebased([*merged, *updates], took, combined_keys, looks, removed, added)
