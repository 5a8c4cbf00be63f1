"""Marking quoted words in section text: escaping, overlaps, paragraphs, and the page text."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from corrections.text.article_format import split_paragraphs
from corrections.text.highlight import Mark, marked_paragraphs, paragraph_spans

HOSTILE = (
    'Intro <script>alert("x")</script> & &amp; "quoted" \'single\'\n\n'
    "<img src=x onerror=alert(1)> second <b>bold</b>\nline two </mark></p><p>\n\n"
    "ünïcödé — 𝔘𝔫𝔦 \u202e rtl"
)


class Structure(HTMLParser):
    """Checks that every element is closed in order, and collects ids, marks and links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.ids: list[str] = []
        self.tags: list[str] = []
        self.links: list[dict[str, str]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        found = dict(attrs)
        if "id" in found:
            self.ids.append(found["id"])
        if tag == "a":
            self.links.append(found)
        if tag != "br":
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes {self.stack}"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> Structure:
    parser = Structure()
    parser.feed(markup)
    parser.close()
    assert parser.stack == []
    return parser


def page_text(markup: str) -> str:
    """What a selection of all of it gives: the text nodes, tags dropped."""
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def mark(id_, start, end, href="#c-1", label="by Ann") -> Mark:
    return Mark(id_, start, end, href, label)


def test_without_marks_it_is_the_escaped_paragraphs():
    expected = "\n".join(
        "<p>" + str(escape(p)).replace("\n", "<br>\n") + "</p>" for p in split_paragraphs(HOSTILE)
    )
    assert marked_paragraphs(HOSTILE) == expected


def test_a_mark_wraps_its_words_with_an_id_and_a_link_back():
    text = "The Met Office recorded 118 millimetres of rain."
    start = text.index("118")
    out = marked_paragraphs(text, [mark(7, start, start + 3, "#c-12", "The comment by Ann")])
    assert out == (
        '<p>The Met Office recorded <mark class="quote-mark" id="q-7">118</mark>'
        '<a class="quote-ref" href="#c-12" aria-label="The comment by Ann"></a>'
        " millimetres of rain.</p>"
    )


def test_hostile_text_and_labels_stay_text_inside_marks():
    start = HOSTILE.index("<script>")
    end = HOSTILE.index("</mark></p><p>") + len("</mark></p><p>")
    marks = [
        mark(1, start, end, href='#c-1" onmouseover="alert(1)', label='"><script>x</script>'),
        mark(2, HOSTILE.index("&amp;"), HOSTILE.index("'single'"), label="<b>"),
    ]
    out = str(marked_paragraphs(HOSTILE, marks))
    structure = parse(out)
    assert set(structure.tags) <= {"p", "mark", "a", "br"}
    assert "<script" not in out and "<img" not in out
    # No attribute was injected: the hostile href and label are whole attribute values.
    assert all(set(link) == {"class", "href", "aria-label"} for link in structure.links)
    hrefs = {link["aria-label"]: link["href"] for link in structure.links}
    assert hrefs == {'"><script>x</script>': '#c-1" onmouseover="alert(1)', "<b>": "#c-1"}
    assert page_text(out) == page_text(str(marked_paragraphs(HOSTILE)))


def test_overlapping_nested_and_equal_marks_give_balanced_html_and_unique_ids():
    text = "one two three four five six"
    marks = [mark(1, 0, 13), mark(2, 4, 18), mark(3, 4, 18), mark(4, 8, 9), mark(5, 0, 27)]
    out = str(marked_paragraphs(text, marks))
    structure = parse(out)
    assert sorted(structure.ids) == [f"q-{n}" for n in range(1, 6)]
    assert len(structure.links) == 5
    assert page_text(out) == text


def test_a_mark_across_paragraphs_has_one_id_and_one_link_after_its_last_words():
    text = "First paragraph ends here.\n\nSecond one starts here."
    start, end = text.index("ends"), text.index("starts") + len("starts")
    out = str(marked_paragraphs(text, [mark(9, start, end)]))
    first, second = out.split("\n<p>")
    assert 'id="q-9"' in first and 'class="quote-ref"' not in first
    assert 'id="q-9"' not in second and second.index("starts</mark><a") > 0
    assert parse(out).ids == ["q-9"]


def test_marks_out_of_range_empty_or_repeated_are_dropped_safely():
    text = "short text"
    out = str(
        marked_paragraphs(text, [mark(1, -5, 3), mark(2, 4, 400), mark(3, 5, 5), mark(1, 0, 9)])
    )
    structure = parse(out)
    assert structure.ids == ["q-1", "q-2"]
    assert page_text(out) == text


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from("ab <>&\"'\n\t é")))
def test_paragraph_spans_are_where_split_paragraphs_finds_them(text):
    assert [text[a:b] for a, b in paragraph_spans(text)] == split_paragraphs(text)


marks_strategy = st.lists(st.tuples(st.integers(-3, 60), st.integers(-3, 60)), max_size=8).map(
    lambda spans: [mark(n + 1, a, b) for n, (a, b) in enumerate(spans)]
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(st.text(alphabet=st.sampled_from("ab <>&\"'\n é"), max_size=60), marks_strategy)
def test_any_marks_keep_the_html_balanced_and_the_text_unchanged(text, marks):
    out = str(marked_paragraphs(text, marks))
    structure = parse(out)
    assert len(structure.ids) == len(set(structure.ids))
    assert set(structure.tags) <= {"p", "mark", "a", "br"}
    assert page_text(out) == page_text(str(marked_paragraphs(text)))
    shown = {f"q-{m.id}" for m in marks if m.start < m.end} & set(structure.ids)
    assert len(structure.links) == len(shown)
