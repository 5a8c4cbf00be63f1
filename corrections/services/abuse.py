"""Rules against abuse of reader submissions: bans, word lists, repeats and holds.

Views identify the submitter (account, name, email, a keyed hash of their network); these
functions decide whether a submission is refused, held for moderation, or may go through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from corrections.db import utcnow
from corrections.i18n import _, long_date
from corrections.models import Ban, BanKind, Comment, CommentStatus, User, WordKind, WordRule
from corrections.services.errors import Forbidden, Invalid
from corrections.services.hashing import keyed_hash
from corrections.text.markdown import render_markdown

REPEAT_WINDOW = timedelta(minutes=10)
SPREAD_WINDOW = timedelta(minutes=1)
MAX_LINKS_BEFORE_HOLD = 2
# An address is a run starting with a scheme or "www." up to a space or a character that
# ends a Markdown link or autolink, so "https://www.example.org" counts once, not twice. The
# target of a Markdown link ("](...") is left to the rendered count, or "[url](url)" is two.
_ADDRESS = re.compile(r"(?<![\w.])(?<!\]\()(?:https?://|www\.)[^\s<>()\[\]\"']+", re.IGNORECASE)


@dataclass(frozen=True)
class Submitter:
    """Who is submitting, as far as the rules need to know."""

    secret: str  # the app's SECRET_KEY, for keyed hashes
    user: User | None = None
    name: str = ""
    email: str | None = None
    network_hash: str | None = None

    @property
    def is_guest(self) -> bool:
        return self.user is None

    def ban_hashes(self) -> list[tuple[BanKind, str]]:
        found: list[tuple[BanKind, str]] = []
        if self.user is not None:
            found.append((BanKind.ACCOUNT, account_ban_hash(self.secret, self.user.id)))
        if self.email:
            found.append((BanKind.EMAIL, email_ban_hash(self.secret, self.email)))
        if self.network_hash:
            found.append((BanKind.NETWORK, self.network_hash))
        return found


def email_ban_hash(secret: str, email: str) -> str:
    return keyed_hash(secret, "email:" + email.strip().lower())


def account_ban_hash(secret: str, user_id: int) -> str:
    return keyed_hash(secret, f"account:{user_id}")


def active_ban(session: Session, submitter: Submitter, now: datetime | None = None) -> Ban | None:
    pairs = submitter.ban_hashes()
    if not pairs:
        return None
    now = now or utcnow()
    matches = or_(*((Ban.kind == kind) & (Ban.value_hash == value) for kind, value in pairs))
    return session.scalars(
        select(Ban)
        .where(matches, Ban.lifted_at.is_(None))
        .where(or_(Ban.expires_at.is_(None), Ban.expires_at > now))
        .limit(1)
    ).first()


def refuse_if_banned(session: Session, submitter: Submitter) -> None:
    ban = active_ban(session, submitter)
    if ban is not None:
        raise Forbidden(_blocked_message(ban))


def _blocked_message(ban: Ban) -> str:
    if ban.expires_at is None:
        return {
            BanKind.EMAIL: _("Posting from this email is blocked."),
            BanKind.ACCOUNT: _("Posting from this account is blocked."),
            BanKind.NETWORK: _("Posting from this network is blocked."),
        }[ban.kind]
    when = f"{long_date(ban.expires_at)} {ban.expires_at:%H:%M} UTC"
    return {
        BanKind.EMAIL: _("Posting from this email is blocked until %(when)s.", when=when),
        BanKind.ACCOUNT: _("Posting from this account is blocked until %(when)s.", when=when),
        BanKind.NETWORK: _("Posting from this network is blocked until %(when)s.", when=when),
    }[ban.kind]


def _words_in(text: str) -> set[str]:
    return set(re.findall(r"\w+", text.casefold()))


def matching_words(session: Session, text: str) -> dict[WordKind, list[str]]:
    """Blocked and watched words found in ``text`` (whole words; phrases by substring)."""
    rules = session.execute(select(WordRule.kind, WordRule.word)).all()
    if not rules:
        return {}
    words = _words_in(text)
    folded = text.casefold()
    found: dict[WordKind, list[str]] = {}
    for kind, word in rules:
        target = word.casefold()
        hit = target in folded if " " in target else target in words
        if hit:
            found.setdefault(kind, []).append(word)
    return found


def refuse_blocked_words(found: dict[WordKind, list[str]]) -> None:
    blocked = found.get(WordKind.BLOCKED)
    if blocked:
        raise Invalid(
            _(
                "This contains a word that is not accepted here (%(word)s). "
                "Please rephrase it and send it again.",
                word=repr(blocked[0]),
            ),
            fields={"body": [_("Contains a word that is not accepted here.")]},
        )


def refuse_repeat(session: Session, submitter: Submitter, body: str) -> None:
    """The same text from the same account or network within ten minutes is refused."""
    who = []
    if submitter.user is not None:
        who.append(Comment.user_id == submitter.user.id)
    if submitter.network_hash:
        who.append(Comment.network_hash == submitter.network_hash)
    if not who:
        return
    since = utcnow() - REPEAT_WINDOW
    repeat = session.scalar(
        select(Comment.id)
        .where(or_(*who), Comment.created_at >= since, Comment.body_source == body)
        .limit(1)
    )
    if repeat is not None:
        raise Invalid(
            _("You posted the same text a few minutes ago; it was not posted twice."),
            fields={"body": [_("Already posted.")]},
        )


def count_links(text: str) -> int:
    """How many links the text makes: the links of its rendered (sanitized) HTML, or its
    web addresses, linked or not (in `code`, or "www." without a scheme), if there are more.
    """
    rendered = render_markdown(text).count("<a ")  # text "<a " is escaped; only tags remain
    return max(rendered, len(_ADDRESS.findall(text)))


def spread_across_sections(session: Session, submitter: Submitter, section_id: int) -> bool:
    """A new guest posting in several sections within a minute looks like a spray."""
    if not submitter.is_guest or not submitter.network_hash:
        return False
    since = utcnow() - SPREAD_WINDOW
    other = session.scalar(
        select(Comment.id)
        .where(
            Comment.network_hash == submitter.network_hash,
            Comment.user_id.is_(None),
            Comment.created_at >= since,
            Comment.section_id != section_id,
        )
        .limit(1)
    )
    return other is not None


def has_approved_comment(session: Session, user: User | None) -> bool:
    if user is None:
        return False
    return (
        session.scalar(
            select(Comment.id)
            .where(Comment.user_id == user.id, Comment.status == CommentStatus.PUBLISHED)
            .limit(1)
        )
        is not None
    )


def is_staff(user: User | None) -> bool:
    return user is not None and user.role.value != "reader"


def content_hold_reason(body: str, watched: list[str]) -> str | None:
    """Why these words wait for a moderator whoever wrote them: a new comment or an edit."""
    if count_links(body) > MAX_LINKS_BEFORE_HOLD:
        return f"more than {MAX_LINKS_BEFORE_HOLD} links"
    if watched:
        return f"watched word: {watched[0]}"
    return None


def hold_reason(
    session: Session,
    submitter: Submitter,
    *,
    mode: str,
    content_reason: str | None,
    section_id: int,
) -> str | None:
    """Why a new comment waits for a moderator, or None to publish it at once.

    ``content_reason`` is ``content_hold_reason`` of its words, worked out by the caller
    beforehand (it renders the text). The rest reads what a concurrent post or a decision
    can change, so a post asks with SQLite's write lock held: two indexed look-ups at most.
    """
    if is_staff(submitter.user):
        return None  # staff are trusted
    if content_reason:
        return content_reason
    if spread_across_sections(session, submitter, section_id):
        return "new guest posting in several sections within a minute"
    if mode == "pre":
        return "every comment is reviewed first"
    if mode == "first-time" and not has_approved_comment(session, submitter.user):
        # An unverified guest email never earns trust: guests are always first-timers.
        return "first comment"
    return None
