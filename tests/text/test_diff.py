"""Tests for the word-level diff shown to readers and the section-by-section diff."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import Markup

from corrections.text.diff import (
    SectionDiff,
    SectionText,
    char_opcodes,
    diff_sections,
    render_word_diff_html,
    tokenize,
    word_diff,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)


def old_side(ops: list[tuple[str, str]]) -> str:
    return "".join(text for kind, text in ops if kind != "insert")


def new_side(ops: list[tuple[str, str]]) -> str:
    return "".join(text for kind, text in ops if kind != "delete")


# --- tokens -------------------------------------------------------------------------


def test_words_whitespace_and_punctuation_are_separate_tokens() -> None:
    assert tokenize("133 deaths, said he.\n\nNext") == [
        "133", " ", "deaths", ",", " ", "said", " ", "he", ".", "\n\n", "Next",
    ]  # fmt: skip


def test_cyrillic_words_and_words_with_combining_accents_stay_whole() -> None:
    assert tokenize("Привет, мир") == ["Привет", ",", " ", "мир"]
    assert tokenize("cafe\u0301 नमस्ते") == ["cafe\u0301", " ", "नमस्ते"]


def test_an_emoji_sequence_joined_by_zero_width_joiners_is_one_token() -> None:
    family, thumbs = "👨\u200d👩\u200d👧", "👍🏽"
    assert tokenize(f"{family} {thumbs}!") == [family, " ", thumbs, "!"]


@PROPERTY
@given(st.text())
def test_tokens_cover_the_text_exactly(text: str) -> None:
    assert "".join(tokenize(text)) == text


# --- word_diff ------------------------------------------------------------------------


def test_changing_a_number_shows_only_that_number() -> None:
    ops = word_diff("The report found 133 deaths.", "The report found 137 deaths.")
    assert ops == [
        ("equal", "The report found "),
        ("delete", "133"),
        ("insert", "137"),
        ("equal", " deaths."),
    ]


def test_changing_punctuation_shows_only_the_punctuation() -> None:
    assert word_diff("It is fine.", "It is fine!") == [
        ("equal", "It is fine"),
        ("delete", "."),
        ("insert", "!"),
    ]


def test_a_word_is_replaced_as_a_whole_rather_than_letter_by_letter() -> None:
    assert word_diff("a cat sat", "a scatter sat") == [
        ("equal", "a "),
        ("delete", "cat"),
        ("insert", "scatter"),
        ("equal", " sat"),
    ]


def test_neighbouring_replaced_words_read_as_one_replacement() -> None:
    assert word_diff("one two three four", "one six seven four") == [
        ("equal", "one "),
        ("delete", "two three"),
        ("insert", "six seven"),
        ("equal", " four"),
    ]


def test_a_paragraph_break_between_changes_stays_an_equal_piece() -> None:
    ops = word_diff("alpha\n\nbeta", "gamma\n\ndelta")
    assert ("equal", "\n\n") in ops


def test_identical_texts_are_one_equal_piece() -> None:
    assert word_diff("Same text.\n\nTwice.", "Same text.\n\nTwice.") == [
        ("equal", "Same text.\n\nTwice.")
    ]


def test_empty_texts_give_no_pieces_or_one_insert_or_delete() -> None:
    assert word_diff("", "") == []
    assert word_diff("", "new words") == [("insert", "new words")]
    assert word_diff("old words", "") == [("delete", "old words")]


def test_cyrillic_words_are_diffed_word_by_word() -> None:
    assert word_diff("Привет, мир!", "Привет, всем!") == [
        ("equal", "Привет, "),
        ("delete", "мир"),
        ("insert", "всем"),
        ("equal", "!"),
    ]


def test_curly_and_straight_quotes_are_different_text_in_a_diff() -> None:
    assert word_diff("it’s", "it's") == [
        ("equal", "it"),
        ("delete", "’"),
        ("insert", "'"),
        ("equal", "s"),
    ]


def test_a_long_section_with_scattered_edits_is_diffed_quickly() -> None:
    words = [f"word{i % 700}" if i % 3 else "the" for i in range(3500)]
    old = " ".join(words)
    edited = list(words)
    for i in range(0, len(edited), 97):
        edited[i] = "changed"
    start = time.perf_counter()
    ops = word_diff(old, " ".join(edited))
    assert time.perf_counter() - start < 5
    assert old_side(ops) == old


def test_a_highly_repetitive_section_is_still_diffed_quickly_and_correctly() -> None:
    old, new = "a " * 10_000, "b " + "a " * 9_990 + "c"
    start = time.perf_counter()
    ops = word_diff(old, new)
    assert time.perf_counter() - start < 5
    assert (old_side(ops), new_side(ops)) == (old, new)


@PROPERTY
@given(st.text(), st.text())
def test_word_diff_reconstructs_both_texts_for_any_unicode(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert old_side(ops) == old
    assert new_side(ops) == new
    assert all(text for _, text in ops)
    assert all(a[0] != b[0] for a, b in zip(ops, ops[1:], strict=False))


@st.composite
def edited_pairs(draw: st.DrawFn) -> tuple[str, str]:
    alphabet = st.sampled_from(["a", "b", "ж", "é", "e\u0301", " ", "\n", ".", "’", "😀", "<"])
    old = draw(st.lists(alphabet, max_size=40).map("".join))
    pieces = draw(st.lists(st.tuples(st.integers(0, len(old)), st.integers(0, 4)), max_size=4))
    new = old
    for at, cut in pieces:
        at = min(at, len(new))
        new = new[:at] + draw(st.lists(alphabet, max_size=5).map("".join)) + new[at + cut :]
    return old, new


@PROPERTY
@given(edited_pairs())
def test_word_diff_reconstructs_both_texts_after_random_edits(pair: tuple[str, str]) -> None:
    old, new = pair
    ops = word_diff(old, new)
    assert (old_side(ops), new_side(ops)) == (old, new)


@PROPERTY
@given(edited_pairs())
def test_opcodes_cover_both_texts_and_equal_regions_are_really_equal(
    pair: tuple[str, str],
) -> None:
    old, new = pair
    codes = char_opcodes(old, new)
    assert [c[1] for c in codes[1:]] == [c[2] for c in codes[:-1]]
    assert [c[3] for c in codes[1:]] == [c[4] for c in codes[:-1]]
    if codes:
        assert (codes[0][1], codes[0][3], codes[-1][2], codes[-1][4]) == (0, 0, len(old), len(new))
    for tag, i1, i2, j1, j2 in codes:
        assert tag != "equal" or old[i1:i2] == new[j1:j2]


# --- rendering ------------------------------------------------------------------------


def test_rendering_wraps_insertions_and_deletions() -> None:
    html = render_word_diff_html(word_diff("found 133 deaths", "found 137 deaths"))
    assert html == Markup("found <del>133</del><ins>137</ins> deaths")


def test_rendering_escapes_markup_in_every_kind_of_piece() -> None:
    ops = [("equal", "<script>alert(1)</script>"), ("delete", "<b>&"), ("insert", "\"<i>'")]
    html = render_word_diff_html(ops)
    assert isinstance(html, Markup)
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<del>&lt;b&gt;&amp;</del>" in html


def test_paragraph_breaks_stay_visible_and_changed_breaks_are_marked() -> None:
    assert render_word_diff_html([("equal", "one\n\ntwo")]) == Markup("one<br><br>two")
    assert render_word_diff_html([("insert", "a\n\nb")]) == Markup("<ins>a¶<br><br>b</ins>")


def test_rendering_rejects_an_unknown_kind_of_piece() -> None:
    with pytest.raises(ValueError, match="unknown diff op"):
        render_word_diff_html([("replace", "x")])


@PROPERTY
@given(st.text(), st.text())
def test_rendered_html_contains_no_tags_but_its_own(old: str, new: str) -> None:
    html = str(render_word_diff_html(word_diff(old, new)))
    assert not re.search(r"[<>]", re.sub(r"</?(?:ins|del)>|<br>", "", html))


# --- sections -------------------------------------------------------------------------


def sections(*specs: str) -> list[SectionText]:
    """ "key" or "key:heading:text" -> SectionText with defaults derived from the key."""
    result = []
    for spec in specs:
        key, _, rest = spec.partition(":")
        heading, _, text = rest.partition(":")
        result.append(SectionText(key, heading or key.title(), text or f"Text of {key}."))
    return result


def summary(diffs: list[SectionDiff]) -> list[tuple[str, str, bool, bool]]:
    return [(d.key, d.status, d.renamed, d.moved) for d in diffs]


def test_no_sections_on_either_side_is_an_empty_diff() -> None:
    assert diff_sections([], []) == []


def test_identical_revisions_are_all_unchanged_and_in_place() -> None:
    diffs = diff_sections(sections("a", "b"), sections("a", "b"))
    assert summary(diffs) == [("a", "unchanged", False, False), ("b", "unchanged", False, False)]
    assert diffs[0].ops == [("equal", "Text of a.")]
    assert (diffs[1].old_position, diffs[1].new_position) == (1, 1)


def test_a_changed_section_carries_its_word_diff() -> None:
    [diff] = diff_sections(sections("a:A:Found 133."), sections("a:A:Found 137."))
    assert diff.status == "changed"
    assert diff.ops == [("equal", "Found "), ("delete", "133"), ("insert", "137"), ("equal", ".")]


def test_an_inserted_section_is_added_and_moves_nothing() -> None:
    diffs = diff_sections(sections("a", "b", "c"), sections("a", "new", "b", "c"))
    assert summary(diffs) == [
        ("a", "unchanged", False, False),
        ("new", "added", False, False),
        ("b", "unchanged", False, False),
        ("c", "unchanged", False, False),
    ]
    added = diffs[1]
    assert (added.old_heading, added.new_heading) == (None, "New")
    assert (added.old_position, added.new_position) == (None, 1)
    assert added.ops == [("insert", "Text of new.")]


def test_a_removed_section_is_placed_where_it_was() -> None:
    diffs = diff_sections(sections("a", "gone", "b"), sections("a", "b"))
    assert summary(diffs) == [
        ("a", "unchanged", False, False),
        ("gone", "removed", False, False),
        ("b", "unchanged", False, False),
    ]
    assert diffs[1].ops == [("delete", "Text of gone.")]
    assert (diffs[1].old_position, diffs[1].new_position) == (1, None)


def test_removed_leading_sections_come_first_in_their_old_order() -> None:
    diffs = diff_sections(sections("x", "y", "a"), sections("a", "z"))
    assert [(d.key, d.status) for d in diffs] == [
        ("x", "removed"),
        ("y", "removed"),
        ("a", "unchanged"),
        ("z", "added"),
    ]


def test_a_new_heading_marks_the_section_renamed_but_not_changed() -> None:
    [diff] = diff_sections(sections("a:Old title:Body."), sections("a:New title:Body."))
    assert (diff.status, diff.renamed, diff.old_heading, diff.new_heading) == (
        "unchanged",
        True,
        "Old title",
        "New title",
    )


def test_moving_one_section_flags_only_that_section() -> None:
    diffs = diff_sections(sections("a", "b", "c", "d", "e"), sections("b", "c", "d", "a", "e"))
    assert [d.key for d in diffs if d.moved] == ["a"]
    moved = next(d for d in diffs if d.key == "a")
    assert (moved.old_position, moved.new_position) == (0, 3)


def test_moving_the_last_section_to_the_top_flags_only_it() -> None:
    diffs = diff_sections(sections("a", "b", "c", "d"), sections("d", "a", "b", "c"))
    assert [d.key for d in diffs if d.moved] == ["d"]


def test_empty_sections_diff_to_no_pieces() -> None:
    old = [SectionText("a", "A", ""), SectionText("gone", "Gone", "")]
    new = [SectionText("a", "A", ""), SectionText("b", "B", "")]
    diffs = diff_sections(old, new)
    assert [(d.key, d.status, d.ops) for d in diffs] == [
        ("a", "unchanged", []),
        ("gone", "removed", []),
        ("b", "added", []),
    ]


def test_text_added_to_an_empty_section_is_one_insertion() -> None:
    [diff] = diff_sections([SectionText("a", "A", "")], [SectionText("a", "A", "Новый текст ✨")])
    assert (diff.status, diff.ops) == ("changed", [("insert", "Новый текст ✨")])


def test_duplicate_section_keys_are_rejected() -> None:
    with pytest.raises(ValueError, match="unique"):
        diff_sections(sections("a", "a"), sections("a"))


@PROPERTY
@given(
    st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8),
    st.lists(st.sampled_from("abcdefgh"), unique=True, max_size=8),
)
def test_every_section_appears_once_and_new_order_is_kept(old: list[str], new: list[str]) -> None:
    diffs = diff_sections(sections(*old), sections(*new))
    assert sorted(d.key for d in diffs) == sorted(set(old) | set(new))
    assert [d.key for d in diffs if d.status != "removed"] == new
    # A removed section follows the nearest earlier old section that still exists.
    for index, diff in enumerate(diffs):
        if diff.status == "removed":
            kept_before = [key for key in old[: old.index(diff.key)] if key in new]
            shown_before = [d.key for d in diffs[:index] if d.status != "removed"]
            assert shown_before[-1:] == kept_before[-1:]
    kept_in_new_order = [old.index(d.key) for d in diffs if d.status == "unchanged" and not d.moved]
    assert kept_in_new_order == sorted(kept_in_new_order)
    # As few sections as possible are flagged: the rest form a longest in-order run.
    common = [old.index(key) for key in new if key in old]
    longest = [1] * len(common)
    for i in range(len(common)):
        for j in range(i):
            if common[j] < common[i]:
                longest[i] = max(longest[i], longest[j] + 1)
    assert len(kept_in_new_order) == max(longest, default=0)
