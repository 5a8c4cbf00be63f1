"""The plain-text article format."""

from __future__ import annotations

import pytest

from corrections.text.article_format import (
    ArticleFormatError,
    decode_article_file,
    derive_title,
    is_heading,
    make_key,
    parse_article,
)

SEED_KEYS = [
    "introduction",
    "what-happened",
    "what-is-isis-k",
    "what-now",
    "moral-equivalence",
    "update",
]


def section_source(text: str, heading: str, next_heading: str | None) -> str:
    """The text between two heading lines of the source file, as written there."""
    start = text.index(f"\n{heading}\n") + len(heading) + 2
    end = text.index(f"\n{next_heading}\n") if next_heading else len(text)
    return text[start:end].strip("\n")


def test_the_shared_sample_has_six_sections_in_order(seed_text):
    article = parse_article(seed_text)
    assert [s.key for s in article.sections] == SEED_KEYS
    assert [s.heading for s in article.sections] == [
        "",
        "WHAT HAPPENED",
        "WHAT IS ISIS-K?",
        "WHAT NOW?",
        "MORAL EQUIVALENCE",
        "UPDATE",
    ]
    assert [s.kind for s in article.sections] == ["body"] * 5 + ["updates"]
    assert article.updates == []


def test_the_shared_sample_keeps_every_section_text_byte_for_byte(seed_text):
    article = parse_article(seed_text)
    headings = [s.heading for s in article.sections[1:]]
    intro_end = seed_text.index("\nWHAT HAPPENED\n")
    assert article.sections[0].text == seed_text[:intro_end].strip("\n")
    for section, following in zip(article.sections[1:-1], headings[1:], strict=True):
        assert section.text == section_source(seed_text, section.heading, following)
        assert (
            section.text.encode() == section_source(seed_text, section.heading, following).encode()
        )
    assert "’" in article.sections[0].text  # curly apostrophes survive
    assert "“" in article.sections[1].text


def test_the_demo_article_parses_with_an_empty_updates_section(demo_text):
    article = parse_article(demo_text)
    assert article.sections[0].key == "introduction"
    assert article.sections[-1].kind == "updates"
    assert [s.key for s in article.sections] == [
        "introduction",
        "what-happened",
        "who-was-responsible",
        "what-now",
        "a-longer-view",
        "update",
    ]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("WHAT IS ISIS-K?", True),
        ("UPDATE", True),
        ("ЧТО ДАЛЬШЕ?", True),
        ("March 22, 2024.", False),
        ("2024", False),
        ("Mixed Case Heading", False),
        ("TWO\nLINES", False),
        ("", False),
    ],
)
def test_a_heading_is_one_line_with_a_letter_and_no_lower_case(line, expected):
    assert is_heading(line) is expected


def test_keys_are_made_from_headings_and_unique_within_the_article():
    taken: set[str] = set()
    assert make_key("WHAT IS ISIS-K?", taken) == "what-is-isis-k"
    assert make_key("WHAT IS ISIS-K!", taken) == "what-is-isis-k-2"
    assert make_key("ЧТО ДАЛЬШЕ?", taken) == "что-дальше"


def test_a_heading_called_introduction_does_not_take_the_introductions_key():
    article = parse_article("Opening words.\n\nINTRODUCTION\n\nMore words.\n\nUPDATE\n")
    assert [s.key for s in article.sections] == ["introduction", "introduction-2", "update"]


def test_text_under_update_becomes_numbered_updates_with_their_dates():
    article = parse_article(
        "Intro.\n\nUPDATE\n\nUpdate 1, 25 March 2024: The toll is 137.\n\nA plain note.\n"
    )
    assert [u.body for u in article.updates] == ["The toll is 137.", "A plain note."]
    assert article.updates[0].published_on.isoformat() == "2024-03-25"
    assert article.updates[1].published_on is None


def test_an_article_without_an_update_heading_gets_an_empty_updates_section():
    article = parse_article("Only an introduction.\n")
    assert [(s.key, s.kind) for s in article.sections] == [
        ("introduction", "body"),
        ("update", "updates"),
    ]


def test_a_heading_after_update_is_refused():
    with pytest.raises(ArticleFormatError, match="UPDATE section must be the last"):
        parse_article("Intro.\n\nUPDATE\n\nMORE\n\nText.\n")


def test_windows_line_endings_are_read_like_unix_ones():
    unix = parse_article("Intro.\n\nHEAD\n\nBody one.\nline two.\n\nUPDATE\n")
    windows = parse_article("Intro.\r\n\r\nHEAD\r\n\r\nBody one.\r\nline two.\r\n\r\nUPDATE\r\n")
    assert unix == windows


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty"),
        (b"  \n\n \t\n", "empty"),
        (b"caf\xe9 au lait", "not UTF-8"),
        (b"text\x00with a NUL", "NUL"),
        (b"x" * 1_000_001, "limit of 1,000,000 bytes"),
    ],
)
def test_bad_files_are_refused_with_one_line(data, message):
    with pytest.raises(ArticleFormatError, match=message) as caught:
        decode_article_file(data)
    assert "\n" not in str(caught.value)


def test_a_utf8_byte_order_mark_is_dropped():
    assert decode_article_file("\ufeffHello".encode()) == "Hello"


def test_a_title_is_derived_from_the_first_words_of_the_introduction():
    article = parse_article("One two three four five six seven eight nine ten eleven.\n")
    assert derive_title(article) == "One two three four five six seven eight nine ten…"
    short = parse_article("Short intro.\n")
    assert derive_title(short) == "Short intro."


def test_a_file_of_headings_only_is_refused():
    with pytest.raises(ArticleFormatError, match="no article text"):
        parse_article("WHAT\n\nUPDATE\n")
