"""What every item of a moderation queue page shares, made once per page.

A page lists 50 items, and each comment carries five forms, nine links and some twenty
sentences. Made per item (``url_for``, ``csrf_token()``, gettext through Jinja) they cost most
of the page's CPU, so the view makes them once and the item templates fill in each item's
number and names. The HTML is the same as those calls made.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import current_app, url_for
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from corrections.i18n import _l

# An item number no other part of a queue URL contains; each item's links put theirs there.
PLACEHOLDER = 9_876_543_210
# What url_for leaves unquoted in an anchor (flask.app.Flask.url_for).
ANCHOR_SAFE = "%!#$&'()*+,/:;=?@"
CORRECTION_PAGE = "moderate_corrections.show"  # deciding a correction; linked when installed

# The items' sentences. Those with placeholders are filled in per item with ``%`` and a
# dict, which escapes what goes in as the templates' own gettext did.
WORDS = {
    "select": _l("Select comment #%(id)s"),
    "comment_by": _l("Comment #%(id)s by %(name)s"),
    "account": _l("account"),
    "guest": _l("guest"),
    "email_at": _l("email at %(domain)s"),
    "no_email": _l("no email"),
    "waiting": _l('waiting %(age)s (<time datetime="%(iso)s">%(date)s</time>)'),
    "reply_to": _l("a reply to comment #%(id)s"),
    "held": _l("Held: %(reason)s"),
    "open_flags": _l("Open flags"),
    "flagged": _l("Flagged as %(reason)s"),
    "flagged_note": _l("Flagged as %(reason)s: “%(note)s”"),
    "keep": _l('Keep, dismiss flags<span class="visually-hidden"> comment #%(id)s</span>'),
    "approve": _l('Approve<span class="visually-hidden"> comment #%(id)s</span>'),
    "reject": _l('Reject<span class="visually-hidden"> comment #%(id)s</span>'),
    "spam": _l('Spam<span class="visually-hidden">: comment #%(id)s</span>'),
    "delete": _l('Delete<span class="visually-hidden"> comment #%(id)s</span>'),
    "more": _l("All from this author, bans"),
    "author_hint": _l("Every waiting comment from the same account, email or network as this one."),
    "action": _l("Action"),
    "apply_to_author": _l("Apply to all from this author"),
    "ban": _l("Ban:"),
    "ban_email": _l("this email"),
    "ban_account": _l("this account"),
    "ban_network": _l("this network"),
    "reason": _l("Reason"),
    "note": _l("Note (sent to a commenter with an email)"),
    "note_placeholder": _l("Note (optional)"),
    "clarification_from": _l("Clarification #%(id)s from %(name)s"),
    "correction_from": _l("Correction #%(id)s from %(name)s"),
    "proposed": _l("Proposed:"),
    "why": _l("Why:"),
    "we_asked": _l("We asked:"),
    "they_answered": _l("They answered:"),
    "open_correction": _l('Open the correction<span class="visually-hidden"> #%(id)s</span>'),
    "no_correction_page": _l("The page for deciding corrections is not installed yet."),
}


class NumberedUrl:
    """An endpoint's URL for any item: ``url_for`` once with ``PLACEHOLDER`` for the item's
    number, then each item's number put in its place, which is the text url_for gives."""

    __slots__ = ("head", "tail")

    def __init__(self, endpoint: str, key: str, **values: Any) -> None:
        url = url_for(endpoint, **{key: PLACEHOLDER}, **values)
        self.head, self.tail = url.split(str(PLACEHOLDER))  # it is there exactly once

    def __call__(self, number: int) -> str:
        return f"{self.head}{number}{self.tail}"


class ArticleLinks:
    """Links to a place in an article: ``url_for`` once per article on the page."""

    def __init__(self) -> None:
        self._pages: dict[str, str] = {}

    def __call__(self, slug: str, anchor: str) -> str:
        page = self._pages.get(slug)
        if page is None:
            page = self._pages[slug] = url_for("reader.article", slug=slug)
        return f"{page}#{quote(anchor, safe=ANCHOR_SAFE)}"


class QueueParts:
    """The CSRF token of every form (Flask-WTF's, one per session), the items' links and
    their translated sentences."""

    def __init__(self) -> None:
        self.csrf_token = generate_csrf()
        self.words = _Words()
        self.article = ArticleLinks()
        self.decide = {
            action: NumberedUrl("moderation.decide", "comment_id", action=action)
            for action in ("approve", "reject", "spam", "delete")
        }
        self.all_from_author = NumberedUrl("moderation.all_from_author", "comment_id")
        self.ban = {
            kind: NumberedUrl("moderation.bans_page", "comment", kind=kind)
            for kind in ("email", "account", "network")
        }
        self.correction = (
            NumberedUrl(CORRECTION_PAGE, "correction_id")
            if CORRECTION_PAGE in current_app.view_functions
            else None
        )


class _Words:
    """``WORDS`` in the request's language, as Markup (trusted, as {% trans %} treats a
    catalog's text): ``words.select % {"id": 5}``."""

    def __init__(self) -> None:
        for name, text in WORDS.items():
            setattr(self, name, Markup(str(text)))  # noqa: S704 - the catalog's, trusted
