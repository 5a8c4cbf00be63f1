"""Tests for finding readers' quotes and carrying anchors to new revisions."""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corrections.text import anchoring
from corrections.text.anchoring import (
    Anchor,
    QuoteAmbiguous,
    QuoteEmpty,
    QuoteError,
    QuoteNotFound,
    QuoteTooLong,
    TextMapping,
    carry_forward,
    find_quote,
)

PROPERTY = settings(max_examples=200, deadline=None, database=None)

ARTICLE = (
    "The council said “it’s too early” to judge. Critics disagreed.\n\n"
    "Officials counted 133 deaths in the region. Critics disagreed again — loudly."
)


# --- finding quotes -------------------------------------------------------------------


def test_a_unique_quote_is_anchored_at_its_offsets_with_context() -> None:
    anchor = find_quote(ARTICLE, "133 deaths")
    start = ARTICLE.index("133 deaths")
    assert (anchor.start, anchor.end, anchor.exact) == (start, start + 10, "133 deaths")
    assert anchor.prefix == ARTICLE[start - 32 : start]
    assert anchor.suffix == ARTICLE[start + 10 : start + 42]


def test_context_is_cut_short_at_the_edges_of_the_section() -> None:
    anchor = find_quote("Short text.", "Short")
    assert (anchor.prefix, anchor.suffix) == ("", " text.")


def test_whitespace_around_the_quote_is_ignored() -> None:
    assert find_quote(ARTICLE, "  \n133 deaths\t ").exact == "133 deaths"


@pytest.mark.parametrize("quote", ["", "   ", "\n\n"])
def test_an_empty_quote_is_rejected(quote: str) -> None:
    with pytest.raises(QuoteEmpty):
        find_quote(ARTICLE, quote)


def test_a_quote_longer_than_2000_characters_is_rejected() -> None:
    text = "word " * 1000
    with pytest.raises(QuoteTooLong, match="2,000"):
        find_quote(text, text[:2001])
    assert find_quote("x" + text[:2000], text[:2000].strip()).start == 1


def test_a_missing_quote_is_not_found() -> None:
    with pytest.raises(QuoteNotFound) as caught:
        find_quote(ARTICLE, "134 deaths")
    assert "could not find" in caught.value.message


def test_a_repeated_quote_is_ambiguous_and_says_how_often_it_appears() -> None:
    text = "Critics disagreed. " * 3
    with pytest.raises(QuoteAmbiguous) as caught:
        find_quote(text, "Critics disagreed")
    assert caught.value.count == 3
    assert str(caught.value) == (
        "These words appear 3 times in this section; "
        "include a few more words so we know which one you mean."
    )


def test_quote_errors_are_value_errors_with_a_message_for_the_reader() -> None:
    for error in (QuoteEmpty(), QuoteTooLong(), QuoteNotFound(), QuoteAmbiguous(2)):
        assert isinstance(error, QuoteError) and isinstance(error, ValueError)
        assert str(error) == error.message


def test_the_prefix_picks_one_of_several_occurrences() -> None:
    anchor = find_quote(ARTICLE, "Critics disagreed", prefix="in the region. ")
    assert anchor.start == ARTICLE.index("Critics disagreed again")


def test_the_suffix_picks_one_of_several_occurrences() -> None:
    anchor = find_quote(ARTICLE, "Critics disagreed", suffix=".\n\nOfficials")
    assert anchor.start == ARTICLE.index("Critics disagreed.")


def test_context_is_compared_as_forgivingly_as_the_quote() -> None:
    anchor = find_quote(ARTICLE, "Critics disagreed", prefix='"it\'s too early" to judge.')
    assert anchor.start == ARTICLE.index("Critics disagreed.")


def test_context_that_fits_no_occurrence_leaves_the_quote_ambiguous() -> None:
    with pytest.raises(QuoteAmbiguous):
        find_quote(ARTICLE, "Critics disagreed", prefix="something else entirely")


def test_context_that_fits_every_occurrence_leaves_the_quote_ambiguous() -> None:
    with pytest.raises(QuoteAmbiguous):
        find_quote("x a x a", "a", prefix="x ")


def test_straight_quotes_typed_by_a_reader_match_curly_quotes_in_the_text() -> None:
    anchor = find_quote(ARTICLE, 'said "it\'s too early"')
    assert anchor.exact == "said “it’s too early”"
    assert ARTICLE[anchor.start : anchor.end] == anchor.exact


def test_curly_quotes_in_the_quote_match_straight_quotes_in_the_text() -> None:
    text = 'He said "it\'s fine" twice.'
    anchor = find_quote(text, "“it’s fine”")
    assert (anchor.start, anchor.exact) == (8, '"it\'s fine"')


def test_an_exact_match_wins_over_a_forgiving_one() -> None:
    text = "it’s here and it's there"
    assert find_quote(text, "it's").start == text.index("it's")


def test_a_selection_across_a_paragraph_break_matches_the_blank_line() -> None:
    anchor = find_quote(ARTICLE, "Critics disagreed. Officials counted")
    assert anchor.exact == "Critics disagreed.\n\nOfficials counted"
    assert ARTICLE[anchor.start : anchor.end] == anchor.exact


def test_runs_of_whitespace_in_the_quote_match_one_space_in_the_text() -> None:
    assert find_quote(ARTICLE, "133   deaths\nin").exact == "133 deaths in"


def test_decomposed_accents_in_the_text_match_composed_ones_in_the_quote() -> None:
    text = "Le cafe\u0301 est ouvert."
    anchor = find_quote(text, "café est")
    assert (anchor.start, anchor.end, anchor.exact) == (3, 12, "cafe\u0301 est")


def test_cyrillic_and_emoji_quotes_are_found_at_the_right_offsets() -> None:
    text = "Итог: «Привет, мир» 🎉👨‍👩‍👧 — конец."
    for quote in ("Привет, мир", "🎉👨‍👩‍👧", "— конец"):
        anchor = find_quote(text, quote)
        assert text[anchor.start : anchor.end] == quote


def test_an_anchor_must_describe_a_non_empty_range_of_its_text() -> None:
    with pytest.raises(ValueError):
        Anchor(start=3, end=5, exact="abc", prefix="", suffix="")
    with pytest.raises(ValueError):
        Anchor.from_text("abc", 2, 2)
    with pytest.raises(ValueError):
        Anchor.from_text("abc", 1, 4)


@PROPERTY
@given(st.text(min_size=1, max_size=60), st.data())
def test_any_quote_that_occurs_once_is_found_exactly_there(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    quote = text[start:end]
    stripped = quote.strip()
    if not stripped or text.count(stripped) != 1:
        return
    anchor = find_quote(text, quote)
    assert text[anchor.start : anchor.end] == anchor.exact == stripped


# --- carrying anchors forward ---------------------------------------------------------

REPORT = "The report found 133 deaths in the region. Officials disputed the figure."


def carried(quote: str, new_text: str, old_text: str = REPORT) -> anchoring.CarryResult:
    return carry_forward(find_quote(old_text, quote), old_text, new_text)


def test_an_anchor_in_an_unchanged_text_is_kept() -> None:
    result = carried("Officials disputed", REPORT)
    assert (result.status, result.similarity) == ("kept", 1.0)
    assert result.anchor == find_quote(REPORT, "Officials disputed")


def test_an_anchor_before_an_edit_is_kept_with_fresh_context() -> None:
    result = carried("Officials disputed", REPORT.replace("figure", "number"))
    assert result.status == "kept"
    assert result.anchor is not None and result.anchor.suffix == " the number."


def test_an_anchor_after_an_edit_moves_with_its_words() -> None:
    new = "The final report found 133 deaths in the region. Officials disputed the figure."
    result = carried("Officials disputed", new)
    assert result.status == "moved"
    assert result.anchor is not None
    assert (result.anchor.start, result.anchor.exact) == (
        new.index("Officials"),
        "Officials disputed",
    )


def test_punctuation_changed_right_next_to_the_quote_does_not_touch_it() -> None:
    new = REPORT.replace("region.", "region!")
    assert carried("in the region", new).status == "kept"


def test_a_small_edit_inside_a_long_quote_carries_it_to_the_edited_words() -> None:
    result = carried("found 133 deaths in the region", REPORT.replace("133", "137"))
    assert result.status == "moved"
    assert result.anchor is not None and result.anchor.exact == "found 137 deaths in the region"
    assert 0.85 <= result.similarity < 1.0


def test_a_word_inserted_inside_the_quote_is_included_in_the_carried_quote() -> None:
    new = REPORT.replace("the region", "the northern region")
    result = carried("deaths in the region. Officials disputed", new)
    assert result.anchor is not None
    assert result.anchor.exact == "deaths in the northern region. Officials disputed"


def test_a_quote_of_just_a_changed_number_is_orphaned() -> None:
    result = carried("133", REPORT.replace("133", "137"))
    assert (result.status, result.anchor, result.similarity) == ("orphaned", None, 0.0)


def test_an_anchor_whose_words_were_deleted_is_orphaned() -> None:
    new = "The report found 133 deaths in the region."
    assert carried("Officials disputed the figure", new).status == "orphaned"


def test_an_anchor_is_not_moved_onto_another_occurrence_when_its_own_was_deleted() -> None:
    old = "the cat sat on the mat. Later the cat ran off."
    anchor = Anchor.from_text(old, old.index("the cat ran"), old.index(" ran"))
    new = "the cat sat on the mat. Later it ran off."
    assert carry_forward(anchor, old, new).status == "orphaned"


def test_an_edited_quote_that_would_be_ambiguous_in_the_new_text_is_orphaned() -> None:
    old = "the quick brown fox. Also: the quick, brown fox."
    anchor = Anchor.from_text(old, 0, len("the quick brown fox"))
    new = "the quick, brown fox. Also: the quick, brown fox."
    assert carry_forward(anchor, old, new).status == "orphaned"


def test_a_moved_paragraph_takes_its_anchors_along() -> None:
    old = "First, about cats and mice.\n\nSecond, about dogs and their owners.\n\nThird."
    new = "Second, about dogs and their owners.\n\nFirst, about cats and mice.\n\nThird."
    mapping = TextMapping(old, new)
    for quote in ("about cats", "dogs and their", "Third"):
        result = mapping.carry(find_quote(old, quote))
        assert result.anchor is not None and result.anchor.start == new.index(quote)


def test_a_deleted_quote_rewritten_elsewhere_in_a_new_context_is_orphaned() -> None:
    report = "The agency published its annual report on coastal erosion and flooding."
    old = f"Storms hit the coast on Monday night.\n\n{report}"
    new = f"{report}\n\nA new paragraph: Storms hit the coast. Nobody knows when."
    assert carried("Storms hit the coast", new, old).status == "orphaned"
    moved = f"{report}\n\nStorms hit the coast on Monday night."
    assert carried("Storms hit the coast", moved, old).status == "moved"


def test_carrying_an_anchor_that_does_not_match_the_old_text_is_an_error() -> None:
    anchor = Anchor.from_text("something else", 0, 9)
    with pytest.raises(ValueError, match="does not match"):
        carry_forward(anchor, REPORT, REPORT)


def test_one_mapping_diffs_the_texts_once_for_many_anchors(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls = []
    real = anchoring.char_opcodes

    def counting(old: str, new: str) -> list[tuple[str, int, int, int, int]]:
        calls.append((old, new))
        return real(old, new)

    monkeypatch.setattr(anchoring, "char_opcodes", counting)
    new = REPORT.replace("report", "final report")
    mapping = TextMapping(REPORT, new)
    results = [mapping.carry(find_quote(REPORT, q)) for q in ("133", "the region", "figure")]
    assert len(calls) == 1
    assert [r.status for r in results] == ["moved", "moved", "moved"]


def test_many_anchors_in_a_long_section_are_carried_quickly() -> None:
    sentences = [
        f"Sentence {i} mentions item{i * 7 % 1000} and the usual words." for i in range(400)
    ]
    old = " ".join(sentences)
    new = old.replace("Sentence 10 ", "Sentence ten ").replace("item", "thing", 3)
    anchors = [Anchor.from_text(old, at, at + 25) for at in range(0, len(old) - 25, 97)]
    start = time.perf_counter()
    mapping = TextMapping(old, new)
    results = [mapping.carry(anchor) for anchor in anchors]
    assert time.perf_counter() - start < 5
    assert len(old) > 20_000
    assert sum(r.status != "orphaned" for r in results) > 0.95 * len(results)


# --- properties: random edits of texts made of unique marker words ----------------------

SEPARATORS = [" ", ", ", ". ", "\n\n", " — ", "; "]


@dataclass
class Edit:
    old: str
    new: str
    anchor: Anchor
    expected_start: int | None  # where the quoted words ended up, or None if deleted


@st.composite
def edited_documents(draw: st.DrawFn, *, delete_quote: bool) -> Edit:
    """A text of unique words, a quote of consecutive words, and random edits around it.

    Inserted words ("ж500", ...) never occur in the old text. The quote's words and the
    separators between them are never touched, unless `delete_quote`, when all its words
    go (possibly replaced by inserted words).
    """
    stem = draw(st.sampled_from(["w", "слово", "é"]))
    count = draw(st.integers(1, 16))
    pieces = [f"{stem}{i}{draw(st.sampled_from(SEPARATORS))}" for i in range(count)]
    first = draw(st.integers(0, count - 1))
    last = draw(st.integers(first, count - 1))
    old = "".join(pieces)
    start = len("".join(pieces[:first]))
    end = len("".join(pieces[:last])) + len(f"{stem}{last}")
    fresh = iter(range(500, 10_000))

    def inserted() -> list[str]:
        n = draw(st.integers(0, 2))
        return [f"ж{next(fresh)}{draw(st.sampled_from(SEPARATORS))}" for _ in range(n)]

    new_pieces: list[str] = []
    expected_start: int | None = None
    for index, piece in enumerate(pieces):
        inside = first <= index <= last
        if not inside or index == first:
            new_pieces += inserted()
        if index == first and not delete_quote:
            expected_start = len("".join(new_pieces))
        if inside:
            if delete_quote:
                new_pieces += inserted()
            else:
                new_pieces.append(piece)
            continue
        action = draw(st.sampled_from(["keep", "keep", "delete", "replace"]))
        if action == "keep":
            new_pieces.append(piece)
        elif action == "replace":
            new_pieces += inserted() or [f"ж{next(fresh)} "]
    new_pieces += inserted()
    return Edit(old, "".join(new_pieces), Anchor.from_text(old, start, end), expected_start)


@PROPERTY
@given(edited_documents(delete_quote=False))
def test_an_anchor_whose_words_were_not_touched_lands_on_the_same_words(edit: Edit) -> None:
    result = carry_forward(edit.anchor, edit.old, edit.new)
    assert result.status in ("kept", "moved")
    assert result.anchor is not None
    assert result.anchor.start == edit.expected_start
    assert edit.new[result.anchor.start : result.anchor.end] == edit.anchor.exact
    assert result.similarity == 1.0
    assert (result.status == "kept") == (result.anchor.start == edit.anchor.start)


@PROPERTY
@given(edited_documents(delete_quote=True))
def test_an_anchor_whose_words_were_deleted_is_always_orphaned(edit: Edit) -> None:
    result = carry_forward(edit.anchor, edit.old, edit.new)
    assert (result.status, result.anchor) == ("orphaned", None)


@st.composite
def repeated_quotes(draw: st.DrawFn) -> tuple[str, str, Anchor, int | None]:
    """Several occurrences of the same quote, each between unique words; one is the anchor.

    Edits delete, replace or insert unique words anywhere and delete any occurrences of
    the quote, including the anchored one.
    """
    quote = draw(st.sampled_from(["echo", "the echo", "it’s “echo”"]))
    groups = draw(st.integers(1, 5))
    target = draw(st.integers(0, groups - 1))
    fresh = iter(range(500, 10_000))
    old_parts: list[str] = []
    new_parts: list[str] = []
    anchor_start = 0
    expected: int | None = None
    for group in range(groups):
        for filler in range(draw(st.integers(0, 3))):
            word = f"w{group}x{filler} "
            old_parts.append(word)
            action = draw(st.sampled_from(["keep", "delete", "replace"]))
            new_parts.append({"keep": word, "delete": "", "replace": f"ж{next(fresh)} "}[action])
        if draw(st.booleans()):
            new_parts.append(f"ж{next(fresh)} ")
        left, right = f"l{group} ", f" r{group}{draw(st.sampled_from(SEPARATORS))}"
        if group == target:
            anchor_start = len("".join(old_parts + [left]))
        old_parts.append(left + quote + right)
        keep_quote = draw(st.booleans())
        if group == target and keep_quote:
            expected = len("".join(new_parts + [left]))
        new_parts.append(left + quote + right if keep_quote else left + right.lstrip())
    old, new = "".join(old_parts), "".join(new_parts)
    return old, new, Anchor.from_text(old, anchor_start, anchor_start + len(quote)), expected


@PROPERTY
@given(repeated_quotes())
def test_an_anchor_is_never_moved_onto_another_occurrence_of_its_quote(
    case: tuple[str, str, Anchor, int | None],
) -> None:
    old, new, anchor, expected = case
    result = carry_forward(anchor, old, new)
    if expected is None:
        assert result.status == "orphaned"
    else:
        assert result.anchor is not None and result.anchor.start == expected
        assert result.anchor.exact == anchor.exact


@PROPERTY
@given(st.text(min_size=1, max_size=40), st.text(max_size=40), st.data())
def test_a_carried_anchor_always_matches_the_new_text(
    old: str, new: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(old) - 1))
    end = data.draw(st.integers(start + 1, len(old)))
    result = carry_forward(Anchor.from_text(old, start, end), old, new)
    if result.anchor is None:
        assert result.status == "orphaned"
    else:
        assert result.anchor.matches(new)
        assert result.similarity >= anchoring.MIN_SIMILARITY
