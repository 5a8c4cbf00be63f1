"""Fuzzing what readers write on its way to the page: ``render_markdown`` and ``sanitize_html``.

What this proves, for any text (random Unicode, and Markdown/HTML built from the pieces
attacks are made of: links with ``javascript:`` in every disguise, raw tags, event handlers,
entities, code fences, nested lists and quotes):

- ``render_markdown`` never raises, and ``sanitize_html`` never raises;
- their output is a fixed point of ``sanitize_html`` (stored HTML can be cleaned again
  without drifting);
- the output, read by an HTML parser, holds only the allowed tags; the only attributes are
  ``href`` and ``rel`` on ``<a>``; every ``href`` is an absolute http(s) URL (no
  ``javascript:``, ``data:``, ``vbscript:``, relative or protocol-relative link, even after
  entity decoding) and every link carries ``rel="nofollow ugc noopener"``; there are no
  comments, no ``<script>``/``<style>``, and no event-handler attribute.

Random text includes lone surrogates (JSON can carry one as ``"\\ud800"``): they come out
as U+FFFD, never as an exception.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import given, note
from hypothesis import strategies as st

from corrections.text.markdown import render_markdown
from corrections.text.sanitize import ALLOWED_TAGS, LINK_REL, sanitize_html
from tests.fuzz.profiles import FUZZ

# -- strategies ------------------------------------------------------------------------------

SCHEMES = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "java\tscript:alert(1)",
    "java&#x09;script:alert(1)",
    "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)",
    "javascript&colon;alert(1)",
    " javascript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "vbscript:msgbox(1)",
    "//evil.example/x",
    "/relative",
    "#frag",
    "http:evil",
    "https://trusted.org@evil.example/",
    "https://example.org/a?b=1&c=<2>",
    "HTTPS://bücher.de/x",
    "http://[::1]/",
    'http://example.org/"onmouseover="alert(1)',
    "mailto:a@example.org",
]
PIECES = [
    "[",
    "]",
    "(",
    ")",
    "](",
    "![",
    "<",
    ">",
    "</",
    "/>",
    '"',
    "'",
    "`",
    "```",
    "~~~",
    "    ",
    "\n",
    "\n\n",
    "> ",
    "- ",
    "* ",
    "1. ",
    "*",
    "_",
    "**",
    "\\",
    "&",
    "&amp;",
    "&lt;",
    "&#60;",
    "&#x3c;",
    "&quot;",
    "<script>alert(1)</script>",
    "<script",
    "</script>",
    "<style>body{}</style>",
    "<img src=x onerror=alert(1)>",
    "<a href=javascript:alert(1)>x</a>",
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    "<svg onload=alert(1)>",
    "<math><mi xlink:href=javascript:alert(1)>",
    "<iframe src=javascript:alert(1)>",
    "<!-- x -->",
    "<![CDATA[x]]>",
    "<p style=color:red>",
    "<pre>\n",
    "<table><li>",
    "<li>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "<template><script>",
    "<base href=//evil>",
    "<form action=javascript:alert(1)><button>",
    "<object data=javascript:alert(1)>",
    "[x]: ",
    "https://example.org/",
    "http://",
    " onmouseover=alert(1) ",
    "\u2028",
    "\u202e",
    "\x00",
    "\ufeff",
]
piece = st.one_of(st.sampled_from(PIECES), st.sampled_from(SCHEMES), st.text(max_size=8))


@st.composite
def attack_text(draw: st.DrawFn) -> str:
    """Markdown and HTML made of the pieces above, and links to the schemes above."""
    parts = []
    for _ in range(draw(st.integers(0, 30))):
        kind = draw(st.integers(0, 4))
        if kind == 0:
            label = draw(st.text(max_size=6))
            parts.append(f"[{label}]({draw(st.sampled_from(SCHEMES))})")
        elif kind == 1:
            parts.append(f"<{draw(st.sampled_from(SCHEMES))}>")
        else:
            parts.append(draw(piece))
    return "".join(parts)


# Every code point, lone surrogates too (hypothesis leaves them out unless asked).
any_text = st.one_of(st.text(st.characters(exclude_categories=()), max_size=400), attack_text())

# -- the safety check ------------------------------------------------------------------------


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.problems.append(f"a comment: {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.problems.append(f"a declaration: {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.problems.append(f"a processing instruction: {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.problems.append(f"a declaration: {data!r}")


def assert_safe(html: str) -> None:
    parser = _Collector()
    parser.feed(html)
    parser.close()
    assert not parser.problems, parser.problems
    lowered = html.lower()
    assert "<script" not in lowered and "<style" not in lowered, html
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, f"<{tag}> in {html!r}"
        names = [name for name, _ in attrs]
        assert len(names) == len(set(names)), f"repeated attributes in {html!r}"
        for name in names:
            assert not name.startswith("on"), f"event handler {name} in {html!r}"
            assert tag == "a" and name in ("href", "rel"), f"{name}= on <{tag}> in {html!r}"
        if tag == "a":
            values = dict(attrs)
            href = values.get("href")
            if href is not None:
                assert href.startswith(("http://", "https://")), f"href {href!r}"
                # The scheme as a browser reads it ("javascript:" later in a path is inert).
                assert urlsplit(href).scheme in ("http", "https"), f"href {href!r}"
                assert not any(ord(ch) < 0x20 or ch in ' "<>' for ch in href), f"href {href!r}"
                assert values.get("rel") == LINK_REL, html


# -- the property tests ----------------------------------------------------------------------


@FUZZ
@given(any_text)
def test_rendered_markdown_is_safe_and_stable(source: str) -> None:
    html = render_markdown(source)
    note(repr(html))
    assert isinstance(html, str)
    assert sanitize_html(html) == html, "render_markdown's output is not a sanitize fixed point"
    assert_safe(html)


@FUZZ
@given(any_text)
def test_sanitized_html_is_safe_and_stable(source: str) -> None:
    html = sanitize_html(source)
    note(repr(html))
    assert sanitize_html(html) == html, "sanitize_html is not idempotent"
    assert_safe(html)


@FUZZ
@given(st.lists(st.sampled_from(SCHEMES), min_size=1, max_size=3), st.text(max_size=20))
def test_no_link_but_http_and_https_becomes_a_link(targets: list[str], label: str) -> None:
    source = " ".join(f"[{label or 'x'}]({target})" for target in targets)
    html = render_markdown(source)
    assert_safe(html)
    for target in targets:
        if not target.strip().lower().startswith(("http://", "https://")):
            assert f'href="{target}' not in html


@pytest.mark.parametrize("render", [render_markdown, sanitize_html])
def test_a_lone_surrogate_does_not_raise(render) -> None:
    html = render("a \ud800 b")
    assert_safe(html)
    assert "a \ufffd b" in html
