"""The reader's record of every change: any two versions compared, the corrections log, the
Atom feed of updates and versions. (The history page is ``reader.history``.)
"""

from __future__ import annotations

import hashlib
import re
from xml.etree import ElementTree as ET  # builds XML only; nothing untrusted is parsed

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for

from corrections.db import database_int
from corrections.extensions import db
from corrections.i18n import _, current_locale
from corrections.services import record
from corrections.text.diff import render_word_diff_html

bp = Blueprint("record", __name__)

ATOM = "http://www.w3.org/2005/Atom"
# Characters XML 1.0 cannot carry at all; an article is plain text, so they carry no meaning.
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@bp.get("/a/<slug>/diff/<int:a>..<int:b>")
def diff(slug: str, a: int, b: int):
    if a > b:
        # One address per pair of versions: the older always comes first.
        return redirect(url_for("record.diff", slug=slug, a=b, b=a), 301)
    comparison = record.compare(db.session, slug, a, b)
    return render_template(
        "reader/diff.html",
        c=comparison,
        is_changed=record.is_changed,
        render_ops=render_word_diff_html,
    )


@bp.get("/a/<slug>/compare")
def compare(slug: str):
    """The history page's form, without JavaScript: two version numbers to the diff's URL."""
    a, b = request.args.get("from", type=database_int), request.args.get("to", type=database_int)
    if a is None or b is None or a < 1 or b < 1:
        flash(_("Choose two versions to compare."), "error")
        return redirect(url_for("reader.history", slug=slug))
    return redirect(url_for("record.diff", slug=slug, a=min(a, b), b=max(a, b)))


@bp.get("/a/<slug>/corrections")
def corrections_log(slug: str):
    log = record.corrections_log(db.session, slug)
    return render_template("reader/corrections.html", log=log)


@bp.get("/a/<slug>/updates.atom")
def feed(slug: str):
    found = record.feed(db.session, slug)
    response = Response(atom_document(found), mimetype="application/atom+xml")
    # Entries never change, but one may leave (a version marked minor): hash them all. Their
    # titles are in the reader's language.
    state = [
        request.host_url,
        current_locale(),
        found.article.title,
        *(e.id for e in found.entries),
    ]
    response.set_etag(hashlib.sha256("\x1f".join(state).encode()).hexdigest()[:32])
    response.headers["Cache-Control"] = "public, no-cache"
    return response.make_conditional(request)


def atom_document(feed: record.Feed) -> bytes:
    """An Atom 1.0 (RFC 4287) document of the feed, every address absolute."""
    slug = feed.article.slug
    root = ET.Element("feed", xmlns=ATOM)
    _text(root, "id", feed.id)
    _text(root, "title", _("%(title)s: updates and versions", title=feed.article.title))
    _text(root, "updated", _date(feed.updated))
    _link(root, url_for("record.feed", slug=slug, _external=True), "self", "application/atom+xml")
    _link(root, url_for("reader.article", slug=slug, _external=True), "alternate", "text/html")
    _text(ET.SubElement(root, "author"), "name", "corrections")
    for entry in feed.entries:
        item = ET.SubElement(root, "entry")
        _text(item, "id", entry.id)
        _text(item, "title", entry.title)
        _text(item, "updated", _date(entry.at))
        _text(item, "published", _date(entry.at))
        if entry.author:
            _text(ET.SubElement(item, "author"), "name", entry.author)
        version = url_for("reader.version", slug=slug, number=entry.revision_number, _external=True)
        if entry.kind == "update":
            article = url_for(
                "reader.article", slug=slug, _anchor=f"update-{entry.number}", _external=True
            )
            _link(item, article, "alternate", "text/html")
            _link(item, version, "related", "text/html")
        else:
            _link(item, version, "alternate", "text/html")
            if entry.number > 1:
                changes = url_for(
                    "record.diff", slug=slug, a=entry.number - 1, b=entry.number, _external=True
                )
                _link(item, changes, "related", "text/html")
        _text(item, "content", entry.text).set("type", "text")
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _text(parent: ET.Element, tag: str, value: str) -> ET.Element:
    element = ET.SubElement(parent, tag)
    element.text = _NOT_XML.sub("", value)
    return element


def _link(parent: ET.Element, href: str, rel: str, kind: str) -> None:
    ET.SubElement(parent, "link", href=href, rel=rel, type=kind)


def _date(value) -> str:
    return value.isoformat(timespec="seconds")
