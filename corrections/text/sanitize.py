"""The one place where HTML that came from users is made safe to put on a page.

Everything readers write reaches the page through :func:`sanitize_html`, normally via
``corrections.text.markdown.render_markdown``. No other module should strip tags,
escape markup or vet URLs for user content on its own: one allow-list is one thing to
review, and templates can mark the result safe knowing where it came from.

The allow-list is deliberately small: paragraphs, line breaks, emphasis, links, lists,
block quotes and code. Links keep only ``href``, only as an absolute ``http``/``https``
URL with a host (relative and fragment links are dropped: user content only links out),
normalised by :func:`corrections.text.links.normalize_link`, and always carry
``rel="nofollow ugc noopener"``. Comments, ``style``, event handlers, SVG and MathML go.

The parsing and serialising is done by nh3 (the Rust ammonia library on html5ever), which
parses like a browser, so mutation tricks that rely on a parser disagreeing with the
browser do not get through.
"""

from __future__ import annotations

import re

import nh3

from corrections.text.links import InvalidLink, normalize_link

ALLOWED_TAGS = frozenset(
    {"p", "br", "em", "strong", "a", "ul", "ol", "li", "blockquote", "code", "pre"}
)
LINK_REL = "nofollow ugc noopener"

# Disallowed tags are unwrapped and their text kept; for these the text itself is
# script, styling or a document of its own and is dropped with the tag.
_DROP_WITH_CONTENT = frozenset(
    {
        "script",
        "style",
        "template",
        "iframe",
        "frame",
        "frameset",
        "object",
        "embed",
        "applet",
        "noscript",
        "noembed",
        "noframes",
        "svg",
        "math",
        "title",
        "textarea",
        "xmp",
    }
)
_ABSOLUTE_HTTP_RE = re.compile(r"^\s*https?://", re.IGNORECASE)


def safe_link(url: str) -> str | None:
    """Return ``url`` normalised if it is an absolute http(s) link fit for a page, else None.

    Unlike :func:`~corrections.text.links.normalize_link`, a bare ``example.com`` is not
    accepted: in an ``href`` that is a relative link, not a guess to be completed.
    """
    if not _ABSOLUTE_HTTP_RE.match(url):
        return None
    try:
        return normalize_link(url)
    except InvalidLink:
        return None


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    # nh3 has already refused other schemes and relative URLs; this also refuses
    # "http:foo" (relative to the page in browsers), credentials and malformed hosts.
    if tag == "a" and attribute == "href":
        return safe_link(value)
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(_DROP_WITH_CONTENT),
    # Without an explicit "*" entry ammonia keeps its default generic attributes
    # (title, lang) on every allowed tag.
    attributes={"a": {"href"}, "*": set()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=LINK_REL,
    generic_attribute_prefixes=set(),
    url_schemes={"http", "https"},
    url_relative="deny",
)


# Unwrapping a disallowed element can leave nesting that a parser would never build
# ("<li><table><li>" becomes "<li><li></li></li>"), which the next parse rearranges. A
# second pass settles every case we have seen; the cap only guards against a case that
# never settles.
_MAX_PASSES = 4
_TEXT_ONLY = nh3.Cleaner(tags=set(), clean_content_tags=set(_DROP_WITH_CONTENT))


def _clean_once(html: str) -> str:
    cleaned = _CLEANER.clean(html)
    # An HTML parser drops a newline straight after <pre>, and html5ever's serialiser
    # does not write the compensating one the HTML spec asks for, so every pass would
    # eat one more newline. Only real tags can read "<pre>" here: text is escaped and
    # the only attribute left, href, is percent-encoded.
    return cleaned.replace("<pre>\n", "<pre>\n\n")


# Half of a UTF-16 surrogate pair on its own (JSON can carry one as "\\ud800") is no
# character; nh3 takes only valid UTF-8, so it becomes U+FFFD, as a decoder would make it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def sanitize_html(html: str) -> str:
    """Return ``html`` with everything outside the allow-list removed.

    Idempotent: ``sanitize_html(sanitize_html(x)) == sanitize_html(x)``, so stored output
    can be passed through again (for example after a policy change) without drifting.
    """
    cleaned = _clean_once(_LONE_SURROGATE.sub("\ufffd", html))
    for _ in range(_MAX_PASSES):
        again = _clean_once(cleaned)
        if again == cleaned:
            return cleaned
        cleaned = again
    # Markup that keeps rearranging itself is not something a reader wrote on purpose;
    # keeping only its text is safe and stable.
    return _TEXT_ONLY.clean(cleaned)
