"""Tests for the one sanitizer, including an XSS corpus run through it and the renderer."""

from __future__ import annotations

from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corrections.text import sanitize
from corrections.text.markdown import render_markdown
from corrections.text.sanitize import ALLOWED_TAGS, LINK_REL, safe_link, sanitize_html

XSS_PAYLOADS = [
    # Script elements.
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://xss.example/xss.js></SCRIPT>",
    "<<script>alert(1);//<</script>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<script type="module">import("https://xss.example/x.js")</script>',
    # Event handlers on many tags, allowed ones included.
    "<img src=x onerror=alert(1)>",
    "<IMG SRC=\"javascript:alert('XSS');\">",
    "<IMG SRC=\"jav&#x0D;ascript:alert('XSS');\">",
    "<body onload=alert(1)>",
    "<p onclick=alert(1)>click</p>",
    '<strong onmouseover="alert(1)">x</strong>',
    '<a href="https://example.org" onclick="alert(1)">x</a>',
    '<a href="https://example.org" OnMouseOver=alert(1)>x</a>',
    "<blockquote onfocus=alert(1) autofocus tabindex=0>x</blockquote>",
    "<details open ontoggle=alert(1)>",
    "<video><source onerror=alert(1)></video>",
    "<audio src=x onerror=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    "<marquee onstart=alert(1)>x</marquee>",
    "<code onpointerenter=alert(1)>x</code>",
    # javascript:, data: and vbscript: URLs, obfuscated.
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    '<a href=" javascript:alert(1)">x</a>',
    '<a href="jav&#x09;ascript:alert(1)">x</a>',
    '<a href="jav&#x0A;ascript:alert(1)">x</a>',
    '<a href="jav\tascript:alert(1)">x</a>',
    '<a href="java\nscript:alert(1)">x</a>',
    '<a href="\x01javascript:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;&#x73;&#x63;&#x72;&#x69;&#x70;&#x74;&#x3A;alert(1)">x</a>',
    '<a href="&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105'
    '&#0000112&#0000116&#0000058alert(1)">x</a>',
    '<a href="javascript&colon;alert(1)">x</a>',
    '<a href="data:text/html,<script>alert(1)</script>">x</a>',
    '<a href="DATA:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    '<a href="vbscript:msgbox(1)">x</a>',
    '<a href="VBScript:msgbox(1)">x</a>',
    '<a href="//evil.example/x">protocol-relative</a>',
    '<a href="http:evil">relative to the page in browsers</a>',
    '<a href="https://trusted.example@evil.example/">credentials</a>',
    '<a href="/relative">x</a>',
    '<a href="#top">x</a>',
    # SVG and MathML.
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<svg><a xlink:href="javascript:alert(1)"><text x="20" y="20">XSS</text></a></svg>',
    "<svg><animate onbegin=alert(1) attributeName=x dur=1s>",
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<math href="javascript:alert(1)">CLICK</math>',
    '<math><maction actiontype="statusline" xlink:href="javascript:alert(1)">x</maction></math>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>",
    # Styles.
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<p style="width: expression(alert(1))">x</p>',
    '<p style="background-image: url(javascript:alert(1))">x</p>',
    '<a href="https://example.org" style="position:fixed;inset:0">cover the page</a>',
    "<div><style><img src=x onerror=alert(1)></style></div>",
    '<link rel=stylesheet href="javascript:alert(1)">',
    # Embedding and navigation.
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="javascript:alert(1)"></object>',
    '<object data="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="></object>',
    '<embed src="javascript:alert(1)">',
    '<embed src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<form action="javascript:alert(1)"><input type=submit></form>',
    "<form><button formaction=javascript:alert(1)>x</button></form>",
    "<isindex action=javascript:alert(1) type=image>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<table background="javascript:alert(1)"><tr><td>x</td></tr></table>',
    # Comments, CDATA and parser-mutation tricks.
    "<!--<img src=x onerror=alert(1)>-->",
    "<!--[if IE]><script>alert(1)</script><![endif]-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<xmp><p title="</xmp><img src=x onerror=alert(1)>">',
    "<template><script>alert(1)</script></template>",
    "<title><img src=x onerror=alert(1)></title>",
    "<textarea></textarea><img src=x onerror=alert(1)>",
    "<p><svg><style><img src=x onerror=alert(1)></style></svg></p>",
    '<a href="https://example.org/" title="x"><img src=x onerror=alert(1)></a>',
    # Markdown syntax with dangerous targets.
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x]( javascript:alert(1) )",
    "[x](java\tscript:alert(1))",
    "[x](data:text/html,<script>alert(1)</script>)",
    "[x](vbscript:msgbox(1))",
    "[x](file:///etc/passwd)",
    "[x](//evil.example/x)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](https://tracker.example/pixel.gif)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    "<data:text/html;base64,PHNjcmlwdD4=>",
    "[x][ref]\n\n[ref]: javascript:alert(1)",
    "[x][ref]\n\n[ref]: data:text/html,<script>alert(1)</script>",
    "[<img src=x onerror=alert(1)>](https://example.org)",
    '[x](https://example.org "onmouseover=alert(1)")',
    '[x](https://example.org" onmouseover="alert(1))',
    "`<script>alert(1)</script>`",
    "```html\n<script>alert(1)</script>\n```",
    "javascript:alert(1)",
    "**<img src=x onerror=alert(1)>**",
    "> <iframe src=javascript:alert(1)>",
]

FORBIDDEN_ELEMENTS = {
    "script",
    "style",
    "iframe",
    "object",
    "embed",
    "svg",
    "math",
    "img",
    "form",
    "meta",
    "base",
    "link",
}


class _Elements(HTMLParser):
    """Collects what a browser-like reading of the output would create."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.comments: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_comment(self, data: str) -> None:
        self.comments.append(data)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Elements:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser


def assert_safe(html: str) -> None:
    parsed = parse(html)
    assert not parsed.comments, html
    for tag, attrs in parsed.tags:
        assert tag not in FORBIDDEN_ELEMENTS, html
        assert tag in ALLOWED_TAGS, html
        for name, value in attrs:
            assert not name.startswith("on"), html
            assert name != "style", html
            assert tag == "a" and name in {"href", "rel"}, html
            if name == "href":
                assert value is not None, html
                assert value.startswith(("http://", "https://")), html
            if name == "rel":
                assert value == LINK_REL, html


Renderer = Callable[[str], str]
RENDERERS = [
    pytest.param(sanitize_html, id="sanitize_html"),
    pytest.param(render_markdown, id="render_markdown"),
]


def test_the_xss_corpus_is_large_enough_to_mean_something() -> None:
    assert len(XSS_PAYLOADS) >= 60
    assert len(set(XSS_PAYLOADS)) == len(XSS_PAYLOADS)


@pytest.mark.parametrize("render", RENDERERS)
@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_xss_payload_leaves_no_active_content(render: Renderer, payload: str) -> None:
    output = render(payload)
    assert_safe(output)
    assert sanitize_html(output) == output


@pytest.mark.parametrize("render", RENDERERS)
def test_ordinary_text_and_links_survive(render: Renderer) -> None:
    if render is render_markdown:
        source = "See https://example.org/a?b=1 for **details**"
    else:
        source = 'See <a href="https://example.org/a?b=1">it</a> for <strong>details</strong>'
    output = render(source)
    assert_safe(output)
    parsed = parse(output)
    assert ("strong", []) in parsed.tags
    assert ("a", [("href", "https://example.org/a?b=1"), ("rel", LINK_REL)]) in parsed.tags
    assert "details" in "".join(parsed.text)


def test_allowed_markup_passes_through_unchanged() -> None:
    html = (
        "<p>One <em>two</em> <strong>three</strong><br>four <code>x &lt; y</code></p>"
        "<ul><li>a</li></ul><ol><li>b</li></ol>"
        "<blockquote><p>quoted</p></blockquote><pre><code>code\n</code></pre>"
    )
    assert sanitize_html(html) == html


def test_disallowed_tags_are_removed_but_their_text_is_kept() -> None:
    assert sanitize_html("<div><h1>Title</h1><span>body</span></div>") == "Titlebody"


def test_generic_attributes_nh3_would_keep_by_default_are_removed() -> None:
    html = (
        '<p title="t" lang="en" dir="rtl" class="c" id="i">x</p>'
        '<a href="https://x.org/" title="y">z</a>'
    )
    assert sanitize_html(html) == f'<p>x</p><a href="https://x.org/" rel="{LINK_REL}">z</a>'


def test_script_and_style_content_is_dropped_not_shown_as_text() -> None:
    assert sanitize_html("a<script>alert(1)</script>b<style>p{}</style>c") == "abc"


def test_comments_are_dropped() -> None:
    assert sanitize_html("a<!-- hidden -->b") == "ab"


def test_links_get_rel_nofollow_ugc_noopener_replacing_any_given_rel() -> None:
    output = sanitize_html('<a href="https://example.org/" rel="me" target="_blank">x</a>')
    assert output == f'<a href="https://example.org/" rel="{LINK_REL}">x</a>'


@pytest.mark.parametrize(
    "href", ["/local", "#fragment", "mailto:a@example.org", "ftp://example.org/", "http:x"]
)
def test_links_that_do_not_lead_out_to_the_web_lose_their_href(href: str) -> None:
    assert sanitize_html(f'<a href="{href}">x</a>') == f'<a rel="{LINK_REL}">x</a>'


def test_hrefs_are_normalised_like_source_links() -> None:
    output = sanitize_html('<a href=" HTTPS://Bücher.DE:443/a b ">x</a>')
    assert output == f'<a href="https://xn--bcher-kva.de/a%20b" rel="{LINK_REL}">x</a>'


def test_ampersands_in_hrefs_are_escaped_for_html() -> None:
    output = sanitize_html('<a href="https://example.org/?a=1&b=2">x</a>')
    assert 'href="https://example.org/?a=1&amp;b=2"' in output


def test_a_newline_at_the_start_of_pre_is_preserved_across_passes() -> None:
    once = sanitize_html("<pre>\n\nx</pre>")
    assert sanitize_html(once) == once
    assert parse(once).text == ["\n\nx"]


@pytest.mark.parametrize(
    "html",
    [
        "<li><table><li>x",
        '<a href="https://a.example/"><table><a href="https://b.example/">y',
        "<ul><li><button><li>x",
        "<li><object><li><table><li><button><li>",
    ],
)
def test_nesting_left_behind_by_unwrapped_tags_is_settled_in_one_call(html: str) -> None:
    once = sanitize_html(html)
    assert sanitize_html(once) == once


def test_markup_that_never_settles_falls_back_to_its_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sanitize, "_MAX_PASSES", 0)
    output = sanitize_html("<p>a <em>b</em> &lt;c&gt;<script>d</script></p>")
    assert output == "a b &lt;c&gt;"
    monkeypatch.undo()
    assert sanitize_html(output) == output


def test_safe_link_accepts_only_absolute_http_links() -> None:
    assert safe_link("https://Example.org") == "https://example.org/"
    assert safe_link("example.org") is None
    assert safe_link("javascript:alert(1)") is None
    assert safe_link("https://user:pw@example.org/") is None


_html_pieces = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<pre>",
        "</pre>",
        "<code>",
        "<a href=",
        "<a href='https://example.org/?a=1&b=2'>",
        "</a>",
        '"',
        "'",
        ">",
        "<",
        "&",
        "&#",
        "&amp;",
        "\n",
        "\r\n",
        " ",
        "<!--",
        "-->",
        "<![CDATA[",
        "<script>",
        "<style>",
        "<svg>",
        "<math>",
        "<noscript>",
        "<textarea>",
        "<table>",
        "<td>",
        "<button>",
        "<object>",
        "<div>",
        "<h1>",
        "<li>",
        "<ul>",
        "<br>",
        "<blockquote>",
        "javascript:",
        "https://",
        "example.org",
        " onerror=",
        " style=",
        "*",
        "_",
        "`",
        "```\n",
        "[",
        "](",
        ")",
        "![",
        "> ",
        "- ",
        "1. ",
        "  \n",
        "    ",
    ]
)
html_like = st.one_of(
    st.text(max_size=80),
    st.lists(st.one_of(_html_pieces, st.text(max_size=4)), max_size=25).map("".join),
)


@settings(max_examples=300, deadline=None, database=None)
@given(html_like)
def test_sanitize_html_never_raises_is_safe_and_is_idempotent(html: str) -> None:
    once = sanitize_html(html)
    assert_safe(once)
    assert sanitize_html(once) == once
