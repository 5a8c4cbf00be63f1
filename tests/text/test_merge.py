"""The word-level three-way merge: both sides' changes kept unless they touch the same words."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from corrections.text.merge import Overlap, merge3

PROPERTY = settings(max_examples=300, deadline=None, database=None, derandomize=True)

INTRO = (
    "By Wednesday morning 412 homes had been evacuated and 3 people were confirmed dead. "
    "Another 27 were treated in hospital, most for hypothermia."
)


def test_changes_to_different_words_are_both_kept():
    mine = INTRO.replace("3 people", "4 people")
    theirs = INTRO.replace("412 homes", "415 homes")
    merged = merge3(INTRO, mine, theirs)
    assert merged.clean
    assert merged.text == INTRO.replace("3 people", "4 people").replace("412", "415")


def test_changes_to_the_same_words_keep_the_drafts_and_report_the_passage():
    mine = INTRO.replace("412 homes", "about 400 homes")
    theirs = INTRO.replace("412 homes", "415 homes").replace("27", "29")
    merged = merge3(INTRO, mine, theirs)
    assert merged.text == mine.replace("27", "29")  # the other change is still taken
    assert merged.overlaps == [Overlap("412", "about 400", "415")]


def test_the_same_change_on_both_sides_is_no_overlap():
    both = INTRO.replace("412", "415")
    assert merge3(INTRO, both, both).text == both and merge3(INTRO, both, both).clean
    more = both.replace("27", "28")
    assert merge3(INTRO, more, both) == merge3(INTRO, more, both)
    assert merge3(INTRO, more, both).text == more and merge3(INTRO, more, both).clean


def test_two_insertions_at_the_same_place_are_an_overlap():
    merged = merge3("one two", "one and two", "one or two")
    assert merged.text == "one and two"
    assert merged.overlaps == [Overlap("", "and ", "or ")]


def test_an_insertion_next_to_words_the_other_side_replaced_keeps_both():
    merged = merge3("412 homes", "about 412 homes", "415 homes")
    assert merged.text == "about 415 homes" and merged.clean
    merged = merge3("homes 412", "homes 412 today", "homes 415")
    assert merged.text == "homes 415 today" and merged.clean


def test_deleting_words_the_other_side_changed_is_an_overlap():
    merged = merge3("a b c d", "a d", "a b C d")
    assert merged.text == "a d" and merged.overlaps == [Overlap("b c ", "", "b C ")]


def test_empty_and_unicode_texts():
    assert merge3("", "", "").text == ""
    assert merge3("", "new", "").text == "new"
    assert merge3("", "mine", "theirs").overlaps == [Overlap("", "mine", "theirs")]
    base = "Ça coûte 86 000 £ à Ashcombe."
    merged = merge3(base, base.replace("86 000", "90 000"), base.replace("Ashcombe", "Lyne"))
    assert merged.text == "Ça coûte 90 000 £ à Lyne." and merged.clean


# Properties ---------------------------------------------------------------------------------

SEPARATORS = [" ", ", ", ". ", "\n\n", " — "]


@dataclass(frozen=True)
class Edit:
    kind: str  # "replace", "delete" or "insert" (before the unit)
    unit: int
    word: str  # the fresh word put in (replace, insert)


def render(units: list[tuple[str, str]]) -> str:
    return "".join(word + sep for word, sep in units)


def apply(units: list[tuple[str, str]], edits: list[Edit]) -> str:
    """The units (word, separator after it) with the edits applied."""
    by_unit: dict[int, list[Edit]] = {}
    for edit in edits:
        by_unit.setdefault(edit.unit, []).append(edit)
    out = []
    for index, (word, sep) in enumerate(units):
        here = by_unit.get(index, [])
        out += [(e.word, " ") for e in here if e.kind == "insert"]
        change = next((e for e in here if e.kind != "insert"), None)
        if change is None:
            out.append((word, sep))
        elif change.kind == "replace":
            out.append((change.word, sep))
    return render(out)


@st.composite
def articles(draw):
    """Distinct words with random separators; fresh words are never in the base text."""
    count = draw(st.integers(min_value=3, max_value=24))
    names = draw(
        st.lists(st.text("abcdefgéñ", min_size=1, max_size=6), min_size=count, max_size=count)
    )
    words = [f"{name}{index}" for index, name in enumerate(names)]
    seps = [draw(st.sampled_from(SEPARATORS)) for _ in words[:-1]] + [""]
    return list(zip(words, seps, strict=True))


@st.composite
def separated_edits(draw, units):
    """Edits for two sides, each unit edited at most once, and edits of different sides at
    least one untouched unit apart (so they touch different words)."""
    edits: list[list[Edit]] = [[], []]
    last: dict[int, int] = {}  # side -> last unit it touched
    fresh = 0
    unit = 0
    while unit < len(units):
        side = draw(st.sampled_from([None, None, 0, 1]))
        other = 1 - side if side is not None else None
        if side is None or (other in last and unit - last[other] < 2):
            unit += 1
            continue
        kind = draw(st.sampled_from(["replace", "delete", "insert"]))
        fresh += 1
        edits[side].append(Edit(kind, unit, f"NEW{side}x{fresh}"))
        last[side] = unit
        unit += 1
    return edits


@PROPERTY
@given(st.data())
def test_edits_of_different_words_from_both_sides_are_all_kept(data):
    units = data.draw(articles())
    mine_edits, their_edits = data.draw(separated_edits(units))
    base = render(units)
    mine, theirs = apply(units, mine_edits), apply(units, their_edits)
    merged = merge3(base, mine, theirs)
    assert merged.clean, merged.overlaps
    assert merged.text == apply(units, mine_edits + their_edits)


@PROPERTY
@given(st.data())
def test_where_both_replace_the_same_word_the_drafts_is_kept_and_reported(data):
    units = data.draw(articles())
    unit = data.draw(st.integers(min_value=0, max_value=len(units) - 1))
    base = render(units)
    mine = apply(units, [Edit("replace", unit, "MINE")])
    theirs = apply(units, [Edit("replace", unit, "THEIRS")])
    merged = merge3(base, mine, theirs)
    assert merged.text == mine
    assert [(o.base, o.mine, o.theirs) for o in merged.overlaps] == [
        (units[unit][0], "MINE", "THEIRS")
    ]


TEXT = st.text(st.sampled_from("ab ,.\n\u00e9\u0301"), max_size=40)


@PROPERTY
@given(TEXT, TEXT)
def test_a_side_that_changed_nothing_gives_the_other_sides_text(base, changed):
    assert merge3(base, changed, base).text == changed
    assert merge3(base, base, changed).text == changed
    assert merge3(base, changed, changed).text == changed
    assert merge3(base, changed, base).clean and merge3(base, base, changed).clean


@PROPERTY
@given(TEXT, TEXT, TEXT)
def test_any_three_texts_merge_and_a_clean_merge_contains_no_overlap(base, mine, theirs):
    merged = merge3(base, mine, theirs)
    assert isinstance(merged.text, str)
    for overlap in merged.overlaps:
        assert overlap.mine != overlap.theirs
        assert overlap.mine in merged.text
