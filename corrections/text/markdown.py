"""Rendering what readers write (comments, correction notes) from Markdown to safe HTML.

Readers get a small CommonMark subset: paragraphs, emphasis and strong emphasis, links,
bullet and ordered lists, block quotes, inline code and code blocks. Bare ``http(s)://``
URLs become links. Everything else is shown as the text that was typed:

* Raw HTML is off, so ``<b>`` appears literally rather than being interpreted.
* Headings, horizontal rules and tables are off: a comment should not be able to look
  like part of the article around it.
* Images are off. ``![alt](https://x/y.png)`` then reads as ``!`` followed by an ordinary
  link to the image: nothing third-party is loaded into the reader's browser (no
  tracking pixels, no layout-breaking pictures) yet the image is one click away.
* Only ``http``/``https`` links with a host become links; ``[x](javascript:...)``,
  ``mailto:``, relative and protocol-relative targets stay as plain text.
* Only URLs with an explicit scheme are linkified. Fuzzy matching would turn
  ``setup.py`` or ``README.md`` into links to Paraguayan and Moldovan domains.

The renderer's output always goes through :func:`corrections.text.sanitize.sanitize_html`,
so the safety of the page does not depend on markdown-it's escaping alone.
"""

from __future__ import annotations

from functools import lru_cache

from markdown_it import MarkdownIt

from corrections.text.sanitize import safe_link, sanitize_html

_DISABLED_RULES = ["heading", "lheading", "hr", "table", "image", "html_block", "html_inline"]


class _CommentMarkdown(MarkdownIt):
    def normalizeLink(self, url: str) -> str:
        # Use the same canonical form as source links. markdown-it's own normaliser only
        # punycodes hosts after a lower-case "https:", so "HTTPS://bücher.de" would end
        # up with a percent-encoded host and be refused.
        return safe_link(url) or super().normalizeLink(url)

    def validateLink(self, url: str) -> bool:
        # markdown-it's own check only blocks a few dangerous schemes; user content may
        # link out to the web and nowhere else. A refused link is rendered as its text.
        return safe_link(url) is not None


def _build() -> MarkdownIt:
    md = _CommentMarkdown("commonmark", {"html": False, "linkify": True})
    md.enable("linkify")
    md.disable(_DISABLED_RULES)
    if md.linkify is None:
        # markdown-it would only complain on the first render; fail at import instead.
        raise RuntimeError("Bare URLs cannot be linked: install linkify-it-py.")
    md.linkify.set({"fuzzy_link": False, "fuzzy_email": False, "fuzzy_ip": False})
    return md


# Built once: a MarkdownIt instance keeps no per-render state, so sharing it is safe.
_MARKDOWN = _build()


# Posting renders a comment twice (counting its links, then storing its HTML): the output
# depends on the text alone, so the last few renders are kept (strings are immutable).
@lru_cache(maxsize=64)
def render_markdown(source: str) -> str:
    """Render reader-written Markdown to HTML that is safe to insert into a page."""
    return sanitize_html(_MARKDOWN.render(source))
