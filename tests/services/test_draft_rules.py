"""The pure rules of drafts: arranging sections, and merging a draft onto a newer version."""

from __future__ import annotations

import json

import pytest

from corrections.models import SectionKind
from corrections.services.draft_rules import (
    LOOK_OVERLAP,
    LOOK_REMOVED_IN_DRAFT,
    LOOK_REMOVED_MEANWHILE,
    NEW_SECTION_HEADING,
    DraftSection,
    Look,
    Passage,
    apply_op,
    clean_sections,
    rebase_sections,
)
from corrections.services.errors import Invalid

BODY, UPDATES = SectionKind.BODY, SectionKind.UPDATES
UPDATE = DraftSection("update", "UPDATE", UPDATES, "")


def body(key: str, text: str = "", heading: str | None = None) -> DraftSection:
    return DraftSection(key, key.upper() if heading is None else heading, BODY, text)


def keys(sections):
    return [s.key for s in sections]


ARTICLE = [body("intro", heading=""), body("a"), body("b"), UPDATE]


def test_adding_puts_a_new_section_after_the_one_pressed_and_never_after_updates():
    added, focus = apply_op(ARTICLE, "add", 1)
    assert keys(added) == ["intro", "a", "", "b", "update"] and focus == 2
    assert added[2].heading == NEW_SECTION_HEADING
    at_end, focus = apply_op(ARTICLE, "add", 3)
    assert keys(at_end) == ["intro", "a", "b", "", "update"] and focus == 3


def test_moving_swaps_neighbours_and_stops_at_the_ends():
    assert keys(apply_op(ARTICLE, "up", 2)[0]) == ["intro", "b", "a", "update"]
    assert keys(apply_op(ARTICLE, "down", 0)[0]) == ["a", "intro", "b", "update"]
    assert apply_op(ARTICLE, "up", 0) == (ARTICLE, 0)
    assert apply_op(ARTICLE, "down", 2) == (ARTICLE, 2)


def test_removing_keeps_at_least_one_section_and_never_the_updates():
    assert keys(apply_op(ARTICLE, "remove", 1)[0]) == ["intro", "b", "update"]
    with pytest.raises(Invalid, match="stays last"):
        apply_op(ARTICLE, "remove", 3)
    with pytest.raises(Invalid, match="at least one"):
        apply_op([body("only"), UPDATE], "remove", 0)
    with pytest.raises(Invalid):
        apply_op(ARTICLE, "explode", 0)


def test_new_sections_get_unique_keys_from_their_headings():
    raw = [s.as_dict() for s in ARTICLE]
    raw.insert(1, {"heading": "What now?", "text": ""})
    raw.insert(2, {"key": "made-up", "heading": "What now?", "text": ""})
    cleaned = clean_sections(raw, existing={"intro": BODY, "a": BODY, "b": BODY}, updates=UPDATE)
    assert keys(cleaned) == ["intro", "what-now", "what-now-2", "a", "b", "update"]


BASE = [body("intro", "one", ""), body("a", "alpha"), body("b", "beta"), UPDATE]


def test_rebase_takes_newer_text_where_the_draft_made_no_change():
    draft = [body("intro", "one", ""), body("a", "ALPHA!"), body("b", "beta"), UPDATE]
    current = [body("intro", "one!", ""), body("a", "alpha"), body("b", "beta 2"), UPDATE]
    result = rebase_sections(BASE, draft, current)
    assert [s.text for s in result.sections] == ["one!", "ALPHA!", "beta 2", ""]
    assert result.took_newer == ["intro", "b"] and result.needs_look == []


def test_rebase_keeps_the_drafts_words_where_both_changed_and_says_so():
    draft = [body("intro", "one", ""), body("a", "mine"), body("b", "beta"), UPDATE]
    current = [body("intro", "one", ""), body("a", "theirs"), body("b", "beta"), UPDATE]
    result = rebase_sections(BASE, draft, current)
    assert [s.text for s in result.sections][1] == "mine" and result.needs_look == ["a"]


def test_rebase_keeps_the_drafts_new_sections_and_order_and_its_removals():
    draft = [body("b", "beta"), body("new", "fresh"), body("intro", "one", ""), UPDATE]
    current = [body("intro", "one", ""), body("a", "alpha 2"), body("b", "beta"), UPDATE]
    result = rebase_sections(BASE, draft, current)
    assert keys(result.sections) == ["b", "new", "intro", "update"]
    assert result.needs_look == ["a"]  # removed in the draft, changed meanwhile


def test_rebase_drops_a_section_removed_meanwhile_that_the_draft_left_alone():
    current = [body("intro", "one", ""), body("b", "beta"), UPDATE]
    result = rebase_sections(BASE, list(BASE), current)
    assert keys(result.sections) == ["intro", "b", "update"]
    assert result.removed_meanwhile == ["a"]


def test_rebase_places_sections_added_meanwhile_after_their_predecessor():
    current = [body("intro", "one", ""), body("first", "x"), body("a", "alpha"), UPDATE]
    current.insert(3, body("b", "beta"))
    current.insert(4, body("late", "y"))
    result = rebase_sections(BASE, list(BASE), current)
    assert keys(result.sections) == ["intro", "first", "a", "b", "late", "update"]
    assert result.added_meanwhile == ["first", "late"]


def test_rebase_merges_a_section_both_changed_word_by_word():
    base = [body("a", "There were 412 homes and 3 dead."), UPDATE]
    draft = [body("a", "There were 412 homes and 4 dead."), UPDATE]
    current = [body("a", "There were 415 homes and 3 dead.", "A NEW HEADING"), UPDATE]
    result = rebase_sections(base, draft, current)
    [merged, _] = result.sections
    assert merged.text == "There were 415 homes and 4 dead." and merged.heading == "A NEW HEADING"
    assert result.merged == ["a"] and result.looks == [] and result.took_newer == []


def test_rebase_lists_only_the_words_both_changed_and_keeps_every_other_change():
    base = [body("a", "There were 412 homes and 3 dead."), UPDATE]
    draft = [body("a", "There were about 400 homes and 3 dead.", "MINE"), UPDATE]
    current = [body("a", "There were 415 homes and 2 dead.", "THEIRS"), UPDATE]
    result = rebase_sections(base, draft, current)
    assert result.sections[0].text == "There were about 400 homes and 2 dead."
    assert result.sections[0].heading == "MINE"
    [look] = result.looks
    assert (look.key, look.reason) == ("a", LOOK_OVERLAP) and result.needs_look == ["a"]
    assert [(p.part, p.base, p.mine, p.theirs) for p in look.passages] == [
        ("heading", "A", "MINE", "THEIRS"),
        ("text", "412", "about 400", "415"),
    ]


def test_rebase_says_why_a_removed_section_needs_a_look():
    draft = [body("intro", "one", ""), body("a", "alpha!"), UPDATE]  # b removed, a changed
    current = [body("intro", "one", ""), body("b", "beta 2"), UPDATE]  # a removed, b changed
    result = rebase_sections(BASE, draft, current)
    assert [(look.key, look.reason) for look in result.looks] == [
        ("a", LOOK_REMOVED_MEANWHILE),
        ("b", LOOK_REMOVED_IN_DRAFT),
    ]
    assert keys(result.sections) == ["intro", "a", "update"]


def test_a_look_survives_being_stored():
    look = Look("a", "A", LOOK_OVERLAP, (Passage("text", "412", "400", "415"),), 3)
    assert Look.from_dict(json.loads(json.dumps(look.as_dict()))) == look
