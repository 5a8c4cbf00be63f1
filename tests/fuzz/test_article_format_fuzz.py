"""Fuzzing the article importer: ``decode_article_file`` then ``parse_article``.

What this proves, for any bytes at all (random bytes, and documents built from headings,
paragraphs, dated updates, odd line endings, BOMs and invalid UTF-8):

- the importer either returns an article or raises ``ArticleFormatError`` with a one-line
  message; never any other exception (no ``IndexError``, ``ValueError`` from a date, ...);
- a parsed article keeps the format's invariants: at least one body section; exactly one
  updates section, and it is the last; unique, non-empty keys of at most 80 characters made
  only of word characters and hyphens; headings that are one stripped line of at most 200
  characters with no lower-case letter (the introduction alone has none); no carriage
  returns left; no paragraph of a section's text that is itself a heading;
- no words are lost or reordered: every heading and text is found, in order, in the input;
- writing the article back in the format and reading it again gives the same article;
- an article that parses also imports (``articles.import_article`` on SQLite) and reads
  back with the same sections and updates.

Three invariants are broken today (see the strict ``xfail`` tests at the end, and the
report in the issue): a second UPDATE heading makes a second updates section; a dated update
with nothing after its date gives an empty update; and ``format_update`` writes a year below
1000 without its leading zeros, which the parser (four digits) then does not read as a date.
The property tests ``assume`` those cases away until they are fixed; remove ``_known_bug``
then.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from hypothesis import assume, given, note
from hypothesis import strategies as st

from corrections.text.article_format import (
    MAX_FILE_BYTES,
    MAX_HEADING_CHARS,
    MAX_KEY_CHARS,
    UPDATES_HEADINGS,
    ArticleFormatError,
    ParsedArticle,
    decode_article_file,
    format_update,
    is_heading,
    parse_article,
    split_paragraphs,
)
from tests.fuzz.profiles import FUZZ, scaled

KEY_RE = re.compile(r"^[\w-]+$")

# -- strategies ------------------------------------------------------------------------------

# Characters that are letters but not lower case (so they can make headings): upper case,
# title case (ǅ), other letters (CJK), with digits, punctuation, marks and spaces between.
heading_chars = st.characters(
    categories=["Lu", "Lt", "Lo", "Nd", "Nl", "Po", "Pd", "Ps", "Pe", "Zs", "Mn", "Sk"],
)
random_heading = st.text(heading_chars, min_size=1, max_size=40)
known_heading = st.sampled_from(
    [
        "UPDATE",
        "UPDATES",
        " UPDATE ",
        "UPDATE:",
        "WHAT HAPPENED",
        "WHAT IS ISIS-K?",
        "INTRODUCTION",
        "WHAT NOW?",
        "WHAT NOW?",  # twice: duplicate keys
        "ǅ",
        "ÜBER DIE FLUT",
        "İSTANBUL",
        "ΣΑΣ",
        "1968 FLOOD",
        "A" * MAX_HEADING_CHARS,
        "B" * (MAX_HEADING_CHARS + 1),
        "X" * (MAX_KEY_CHARS + 5),
        "___",
        "---A---",
        "ﷺ",
        "Ⅻ",
        "洪水",
    ]
)
heading = st.one_of(known_heading, random_heading)

text_chars = st.characters(codec="utf-8", exclude_characters="\x00")
plain_paragraph = st.text(text_chars, min_size=1, max_size=120)
prose = st.sampled_from(
    [
        "By Wednesday morning 412 homes had been evacuated.",
        "Residents describe water “coming up through the floorboards”.",
        "lower case only",
        "Mixed Case Line",
        "  indented with spaces",
        "\tindented with a tab",
        "two\nlines",
        "trailing spaces   ",
    ]
)
month = st.sampled_from(
    "January February March April May June July August September October November December "
    "Smarch Januar".split()
)
dated_update = st.builds(
    lambda n, d, m, y, body: f"Update {n}, {d} {m} {y}: {body}",
    st.integers(0, 10**6),
    st.integers(0, 40),
    month,
    st.integers(0, 9999).map(lambda y: f"{y:04d}"),
    st.one_of(st.just(""), prose, plain_paragraph),
)
paragraph = st.one_of(prose, plain_paragraph, dated_update, heading)
separator = st.sampled_from(["\n\n", "\r\n\r\n", "\r\r", "\n \t\n", "\n\n\n", "\n", " \n\n"])


@st.composite
def documents(draw: st.DrawFn) -> str:
    """Text built like an article: paragraphs and headings, maybe an UPDATE section."""
    parts = draw(st.lists(paragraph, max_size=25))
    if draw(st.booleans()):
        parts.append("UPDATE")
        parts.extend(draw(st.lists(st.one_of(dated_update, prose), max_size=5)))
    out = ""
    for i, part in enumerate(parts):
        out += (draw(separator) if i else "") + part
    return out


@st.composite
def file_bytes(draw: st.DrawFn) -> bytes:
    """What a person might upload: UTF-8 (with or without BOM), or something broken."""
    data = draw(documents()).encode("utf-8")
    if draw(st.booleans()):
        data = b"\xef\xbb\xbf" + data
    damage = draw(st.sampled_from(["none", "none", "none", "byte", "nul", "utf16", "latin1"]))
    if damage == "byte" and data:
        at = draw(st.integers(0, len(data)))
        data = data[:at] + draw(st.binary(min_size=1, max_size=3)) + data[at:]
    elif damage == "nul":
        data += b"\x00"
    elif damage == "utf16":
        data = data.decode("utf-8-sig").encode("utf-16")
    elif damage == "latin1":
        data = data.decode("utf-8-sig").encode("latin-1", errors="replace") + b"\xe9"
    return data


any_bytes = st.one_of(st.binary(max_size=2000), file_bytes())


# -- the invariants --------------------------------------------------------------------------


def compact(text: str) -> str:
    return "".join(text.split())


def serialize(article: ParsedArticle) -> str:
    """The article written back in the plain-text format."""
    parts: list[str] = []
    for section in article.sections:
        if section.heading:
            parts.append(section.heading)
        if section.kind == "updates":
            for number, entry in enumerate(article.updates, start=1):
                if entry.published_on is None:
                    parts.append(entry.body)
                else:
                    parts.append(format_update(number, entry.published_on, entry.body))
        elif section.text:
            parts.append(section.text)
    return "\n\n".join(parts)


def _known_bug(article: ParsedArticle) -> bool:
    """The three reported bugs; see the xfail tests below. Remove when they are fixed."""
    two_update_sections = sum(s.kind == "updates" for s in article.sections) > 1
    empty_update = any(not entry.body.strip() for entry in article.updates)
    short_year = any(e.published_on and e.published_on.year < 1000 for e in article.updates)
    return two_update_sections or empty_update or short_year


def check_article(source: str, article: ParsedArticle) -> None:
    sections = article.sections
    kinds = [s.kind for s in sections]
    assert set(kinds) <= {"body", "updates"}
    assert "body" in kinds, "an article with no body section"
    assert kinds.count("updates") == 1, f"updates sections: {kinds}"
    assert kinds[-1] == "updates", "the updates section is not the last"

    keys = [s.key for s in sections]
    assert len(set(keys)) == len(keys), f"duplicate keys: {keys}"
    for key in keys:
        assert 0 < len(key) <= MAX_KEY_CHARS, key
        assert KEY_RE.match(key) and "_" not in key, key

    for position, section in enumerate(sections):
        assert "\r" not in section.heading and "\r" not in section.text
        if section.heading == "":
            assert position == 0 and section.key == "introduction" and section.kind == "body"
        else:
            assert section.heading == section.heading.strip()
            assert "\n" not in section.heading
            assert len(section.heading) <= MAX_HEADING_CHARS
            assert is_heading(section.heading), section.heading
        if section.kind == "updates":
            assert section.text == ""
            assert section.heading in UPDATES_HEADINGS
        else:
            assert not section.text.startswith("\n") and not section.text.endswith("\n")
            for para in split_paragraphs(section.text):
                assert not is_heading(para), f"a heading left inside a section's text: {para!r}"

    for entry in article.updates:
        assert "\r" not in entry.body
        assert entry.body.strip(), "an empty update"

    # Nothing lost or reordered: each heading and text is in the input, in order.
    haystack, at = compact(source), 0
    has_update_heading = any(
        is_heading(p) and p.strip() in UPDATES_HEADINGS for p in split_paragraphs(source)
    )
    for section in sections:
        if section.kind == "updates" and not has_update_heading:
            continue  # the UPDATE heading added when the file has none
        needle = compact(section.heading) + compact(section.text)
        found = haystack.find(needle, at)
        assert found >= 0, f"section {section.key!r} is not in the input in order"
        at = found + len(needle)
    for entry in article.updates:
        found = haystack.find(compact(entry.body), at)
        assert found >= 0, f"update {entry.body[:40]!r} is not in the input in order"
        at = found + len(compact(entry.body))

    # Written back and read again: the same article.
    again = parse_article(serialize(article))
    assert again.sections == article.sections
    assert again.updates == article.updates


def read(data: bytes) -> tuple[str, ParsedArticle] | None:
    """The importer's two steps; None when refused (with a one-line reason)."""
    try:
        text = decode_article_file(data)
        return text, parse_article(text)
    except ArticleFormatError as exc:
        message = str(exc)
        assert message.strip(), "a refusal with no reason"
        assert "\n" not in message, f"a refusal of more than one line: {message!r}"
        return None


# -- the property tests ----------------------------------------------------------------------


@FUZZ
@given(any_bytes)
def test_any_bytes_parse_or_are_refused_with_one_line(data: bytes) -> None:
    result = read(data)
    if result is None:
        return
    text, article = result
    assume(not _known_bug(article))
    check_article(text.replace("\r\n", "\n").replace("\r", "\n"), article)


@FUZZ
@given(documents())
def test_article_shaped_text_keeps_the_format_invariants(text: str) -> None:
    note(repr(text))
    try:
        article = parse_article(text)
    except ArticleFormatError as exc:
        assert "\n" not in str(exc)
        return
    assume(not _known_bug(article))
    check_article(text.replace("\r\n", "\n").replace("\r", "\n"), article)


def test_a_file_over_the_limit_is_refused_before_decoding() -> None:
    with pytest.raises(ArticleFormatError, match="limit"):
        decode_article_file(b"A" * (MAX_FILE_BYTES + 1))
    with pytest.raises(ArticleFormatError, match="limit"):
        decode_article_file(b"\xff" * (MAX_FILE_BYTES + 1))  # size first, not UTF-8 errors


# -- through the import service, on SQLite ---------------------------------------------------


@pytest.fixture(scope="module")
def import_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    """One app on an SQLite file for the whole module (hypothesis reruns the test body)."""
    from corrections import create_app
    from corrections.extensions import db

    folder: Path = tmp_path_factory.mktemp("fuzz-import")
    app = create_app(
        {"TESTING": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'fuzz.db'}"},
        instance_path=str(folder / "instance"),
    )
    with app.app_context():
        db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()


_slugs = iter(range(10**9))


@scaled(0.25)
@given(text=documents())
def test_an_article_that_parses_also_imports_and_reads_back(import_app, text: str) -> None:
    from corrections.extensions import db
    from corrections.services import articles
    from corrections.services.errors import ServiceError

    try:
        parsed = parse_article(text)
    except ArticleFormatError:
        return
    assume(not _known_bug(parsed))
    slug = f"fuzz-{next(_slugs)}"
    try:
        articles.import_article(db.session, text, slug=slug, title="Fuzz")
    except ServiceError as exc:
        db.session.rollback()
        pytest.fail(f"a parsed article was refused by the importer: {exc.message}")
    view = articles.read_article(db.session, slug)
    got = [(s.key, s.heading, s.kind.value, s.text) for s in view.sections]
    assert got == [(s.key, s.heading, s.kind, s.text) for s in parsed.sections]
    assert [u.body for u in view.updates] == [u.body for u in parsed.updates]


# -- bugs the fuzzing found, fixed; kept so they stay fixed -----------------------------------


def test_a_second_update_heading_is_refused() -> None:
    with pytest.raises(ArticleFormatError):
        parse_article("Intro.\n\nUPDATE\n\nUPDATES\n\nOne.")


def test_a_dated_update_with_no_text_is_refused() -> None:
    with pytest.raises(ArticleFormatError):
        parse_article("Intro.\n\nUPDATE\n\nUpdate 1, 1 January 2024: ")


def test_a_dated_update_survives_being_written_and_read_again() -> None:
    written = format_update(1, date(999, 1, 1), "Text.")
    assert parse_article(f"Intro.\n\nUPDATE\n\n{written}").updates[0].published_on == date(
        999, 1, 1
    )
