"""The plain-text article format: reading it into sections and writing it back.

A heading is a line standing alone (a paragraph of one line) with at least one letter and no
lower-case letter, such as ``WHAT IS ISIS-K?``. Text before the first heading is the
introduction. The ``UPDATE`` heading starts the updates section; each paragraph under it is
one update, optionally written as ``Update 3, 25 March 2024: body`` (the form we write back).
Paragraph text, Unicode quotes and dashes are kept exactly; only line endings are normalised.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from corrections.i18n import _, number

MAX_FILE_BYTES = 1_000_000
MAX_HEADING_CHARS = 200
MAX_KEY_CHARS = 80
INTRODUCTION_KEY = "introduction"
UPDATES_HEADINGS = ("UPDATE", "UPDATES")
TITLE_WORDS = 10

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")
_UPDATE_PREFIX = re.compile(r"^Update (\d+), (\d{1,2} [A-Z][a-z]+ \d{4}): ", re.UNICODE)
_MONTHS = (
    "January February March April May June July August September October November December"
).split()


class ArticleFormatError(ValueError):
    """The file cannot be read as an article; the message is one line for a person."""


@dataclass(frozen=True)
class ParsedSection:
    key: str
    heading: str
    kind: str  # "body" or "updates"
    text: str


@dataclass(frozen=True)
class ParsedUpdate:
    body: str
    published_on: date | None = None


@dataclass
class ParsedArticle:
    sections: list[ParsedSection] = field(default_factory=list)
    updates: list[ParsedUpdate] = field(default_factory=list)

    @property
    def introduction(self) -> str:
        for section in self.sections:
            if section.key == INTRODUCTION_KEY:
                return section.text
        return next((s.text for s in self.sections if s.kind == "body" and s.text), "")


def decode_article_file(data: bytes) -> str:
    """Bytes of an uploaded or named file to text, or a one-line reason it is refused."""
    if len(data) > MAX_FILE_BYTES:
        raise ArticleFormatError(
            _(
                "The file is over the limit of %(count)s bytes (1 MB).",
                count=number(MAX_FILE_BYTES),
            )
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleFormatError(
            _(
                "The file is not UTF-8 text (byte %(position)s cannot be decoded).",
                position=exc.start,
            )
        ) from exc
    if "\x00" in text:
        raise ArticleFormatError(_("The file is not text: it contains NUL bytes."))
    if not text.strip():
        raise ArticleFormatError(_("The file is empty."))
    return text


def is_heading(paragraph: str) -> bool:
    line = paragraph.strip()
    if not line or "\n" in line or len(line) > MAX_HEADING_CHARS:
        return False
    has_letter = any(ch.isalpha() for ch in line)
    has_lower = any(ch.islower() for ch in line)
    return has_letter and not has_lower


def make_key(heading: str, taken: set[str]) -> str:
    """``WHAT IS ISIS-K?`` -> ``what-is-isis-k``; unique within ``taken`` (which it extends)."""
    folded = unicodedata.normalize("NFKC", heading).casefold()
    base = re.sub(r"[^\w]+", "-", folded).replace("_", "-").strip("-")[:MAX_KEY_CHARS] or "section"
    key, n = base, 2
    while key in taken:
        suffix = f"-{n}"
        key, n = base[: MAX_KEY_CHARS - len(suffix)] + suffix, n + 1
    taken.add(key)
    return key


def split_paragraphs(text: str) -> list[str]:
    return [p.strip("\n") for p in _PARAGRAPH_BREAK.split(text) if p.strip()]


def parse_article(text: str) -> ParsedArticle:
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    article = ParsedArticle()
    taken: set[str] = set()
    heading: str | None = None
    paragraphs: list[str] = []
    updates_seen = False

    def close() -> None:
        nonlocal updates_seen
        body = "\n\n".join(paragraphs)
        if heading is None:
            if body:
                taken.add(INTRODUCTION_KEY)
                article.sections.append(ParsedSection(INTRODUCTION_KEY, "", "body", body))
            return
        if heading.strip() in UPDATES_HEADINGS:
            if updates_seen:
                raise ArticleFormatError(
                    _(
                        "The heading %(heading)s is a second UPDATE heading; "
                        "an article has one UPDATE section, at the end.",
                        heading=repr(heading.strip()),
                    )
                )
            updates_seen = True
            key = make_key(heading, taken)
            article.sections.append(ParsedSection(key, heading.strip(), "updates", ""))
            article.updates.extend(parse_update(p) for p in paragraphs)
            return
        if updates_seen:
            raise ArticleFormatError(
                _(
                    "The heading %(heading)s comes after UPDATE; "
                    "the UPDATE section must be the last one.",
                    heading=repr(heading.strip()),
                )
            )
        article.sections.append(
            ParsedSection(make_key(heading, taken), heading.strip(), "body", body)
        )

    for paragraph in split_paragraphs(text):
        if is_heading(paragraph):
            close()
            heading, paragraphs = paragraph, []
        else:
            paragraphs.append(paragraph)
    close()

    if not any(s.kind == "body" and s.text for s in article.sections):
        raise ArticleFormatError(_("The file has no article text, only headings."))
    if not updates_seen:
        article.sections.append(ParsedSection(make_key("UPDATE", taken), "UPDATE", "updates", ""))
    return article


def parse_update(paragraph: str) -> ParsedUpdate:
    match = _UPDATE_PREFIX.match(paragraph)
    if match:
        try:
            published = datetime.strptime(match.group(2), "%d %B %Y").replace(tzinfo=UTC).date()
        except ValueError:
            return ParsedUpdate(paragraph)
        body = paragraph[match.end() :].strip()
        if not body:
            raise ArticleFormatError(
                _("Update %(number)s has a date but no text.", number=match.group(1))
            )
        return ParsedUpdate(body, published)
    return ParsedUpdate(paragraph)


def format_date(day: date) -> str:
    """``25 March 2024``: day first, month in words, as newsrooms date their updates."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year:04d}"


def format_update(number: int, published_on: date, body: str) -> str:
    return f"Update {number}, {format_date(published_on)}: {body}"


def derive_title(article: ParsedArticle) -> str:
    """The first words of the introduction, cut at a sentence end when one comes soon."""
    words = article.introduction.split()
    if not words:
        return "Untitled article"
    title = " ".join(words[:TITLE_WORDS])
    if len(words) > TITLE_WORDS:
        title = title.rstrip(",;:") + "…"
    return title[:MAX_HEADING_CHARS]
