"""Tests for rendering reader-written Markdown to safe HTML."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corrections.text.markdown import render_markdown
from corrections.text.sanitize import LINK_REL, sanitize_html
from tests.text.test_sanitize import assert_safe, html_like


def test_paragraphs_emphasis_and_strong_are_rendered() -> None:
    assert render_markdown("One *two* __three__\n\nFour") == (
        "<p>One <em>two</em> <strong>three</strong></p>\n<p>Four</p>\n"
    )


def test_a_bare_url_becomes_a_link_with_the_user_content_rel() -> None:
    assert render_markdown("See https://example.org/a?b=1 for **details**") == (
        f'<p>See <a href="https://example.org/a?b=1" rel="{LINK_REL}">https://example.org/a?b=1</a>'
        " for <strong>details</strong></p>\n"
    )


def test_a_markdown_link_is_rendered() -> None:
    assert render_markdown("[the source](https://example.org/x)") == (
        f'<p><a href="https://example.org/x" rel="{LINK_REL}">the source</a></p>\n'
    )


def test_reference_links_and_autolinks_are_rendered() -> None:
    output = render_markdown("[a][r] and <https://example.org/b>\n\n[r]: https://example.org/a")
    assert f'<a href="https://example.org/a" rel="{LINK_REL}">a</a>' in output
    assert f'<a href="https://example.org/b" rel="{LINK_REL}">https://example.org/b</a>' in output


def test_text_that_merely_looks_like_a_domain_is_not_linked() -> None:
    assert render_markdown("Edit setup.py, README.md or www.example.org") == (
        "<p>Edit setup.py, README.md or www.example.org</p>\n"
    )


def test_email_addresses_are_not_turned_into_mailto_links() -> None:
    assert render_markdown("write to a@example.org") == "<p>write to a@example.org</p>\n"


def test_lists_and_block_quotes_are_rendered() -> None:
    output = render_markdown("> quoted\n\n- a\n- b\n\n1. c\n2. d")
    assert output == (
        "<blockquote>\n<p>quoted</p>\n</blockquote>\n"
        "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n"
        "<ol>\n<li>c</li>\n<li>d</li>\n</ol>\n"
    )


def test_inline_code_and_code_blocks_are_rendered_with_markup_escaped() -> None:
    assert render_markdown("`<b>`") == "<p><code>&lt;b&gt;</code></p>\n"
    assert render_markdown("```python\nif a < b:\n```") == (
        "<pre><code>if a &lt; b:\n</code></pre>\n"
    )
    assert render_markdown("    indented\n") == "<pre><code>indented\n</code></pre>\n"


def test_hard_line_breaks_are_rendered() -> None:
    assert render_markdown("one  \ntwo") == "<p>one<br>\ntwo</p>\n"


def test_raw_html_is_shown_as_text() -> None:
    assert render_markdown("<b>bold</b> <script>x</script>") == (
        "<p>&lt;b&gt;bold&lt;/b&gt; &lt;script&gt;x&lt;/script&gt;</p>\n"
    )
    assert render_markdown("<div>\nblock\n</div>") == "<p>&lt;div&gt;\nblock\n&lt;/div&gt;</p>\n"


def test_headings_and_horizontal_rules_are_shown_as_typed() -> None:
    assert render_markdown("# Not a heading") == "<p># Not a heading</p>\n"
    assert render_markdown("Not a heading\n===") == "<p>Not a heading\n===</p>\n"
    assert render_markdown("---") == "<p>---</p>\n"


def test_tables_are_shown_as_typed() -> None:
    assert "<table" not in render_markdown("| a | b |\n|---|---|\n| 1 | 2 |")


def test_an_image_becomes_an_exclamation_mark_and_a_link_to_it() -> None:
    assert render_markdown("![a chart](https://example.org/c.png)") == (
        f'<p>!<a href="https://example.org/c.png" rel="{LINK_REL}">a chart</a></p>\n'
    )


@pytest.mark.parametrize(
    "source",
    [
        "[x](javascript:alert(1))",
        "[x](JaVaScRiPt:alert(1))",
        "[x](vbscript:msgbox(1))",
        "[x](data:text/html,hi)",
        "[x](mailto:a@example.org)",
        "[x](/relative)",
        "[x](#fragment)",
        "[x](//evil.example/)",
        "[x](https://user:pw@example.org/)",
        "![x](javascript:alert(1))",
    ],
)
def test_links_that_do_not_lead_out_to_the_web_stay_plain_text(source: str) -> None:
    assert render_markdown(source) == f"<p>{source}</p>\n"


def test_link_targets_are_normalised() -> None:
    assert render_markdown("[x](HTTPS://Bücher.DE:443/ä)") == (
        f'<p><a href="https://xn--bcher-kva.de/%C3%A4" rel="{LINK_REL}">x</a></p>\n'
    )


def test_link_titles_are_dropped() -> None:
    assert render_markdown('[x](https://example.org/ "a title")') == (
        f'<p><a href="https://example.org/" rel="{LINK_REL}">x</a></p>\n'
    )


def test_empty_input_renders_as_nothing() -> None:
    assert render_markdown("") == ""


@settings(max_examples=250, deadline=None, database=None)
@given(html_like)
def test_render_markdown_never_raises_and_its_output_is_already_sanitized(source: str) -> None:
    output = render_markdown(source)
    assert_safe(output)
    assert sanitize_html(output) == output


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.sampled_from(["> ", "- ", "1. ", "* ", "[", "](https://e.org)", "\n"])))
def test_deeply_nested_structures_render_without_error(parts: list[str]) -> None:
    assert_safe(render_markdown("".join(parts * 5)))


def test_the_same_text_rendered_again_is_the_same_html_from_the_last_renders() -> None:
    text = "A *second* look at [the report](https://example.org/r) and https://example.net"
    first = render_markdown(text)
    hits = render_markdown.cache_info().hits
    assert render_markdown(text) == first == render_markdown.__wrapped__(text)
    assert render_markdown.cache_info().hits == hits + 1
    assert render_markdown(text + "!") != first
