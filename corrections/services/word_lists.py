"""The word lists moderators keep: blocked words are refused, watched words are held.

``abuse.matching_words`` applies them to every comment and correction: a single word matches
whole words (case-insensitively), a phrase with spaces matches anywhere in the text. Words are
stored normalised (spaces collapsed, casefolded), unique per list.
"""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrections.db import begin_write
from corrections.i18n import _
from corrections.models import Role, User, WordKind, WordRule
from corrections.services.audit import record_action
from corrections.services.errors import Conflict, Invalid, NotFound
from corrections.services.users import require_role

MAX_WORD_CHARS = 100
_WORD = re.compile(r"\w+")


def normalise_word(word: str) -> str:
    folded = " ".join((word or "").split()).casefold()
    if not 1 <= len(folded) <= MAX_WORD_CHARS:
        raise Invalid(
            _("Enter a word or phrase of 1 to %(count)s characters.", count=MAX_WORD_CHARS),
            fields={"word": [_("Use 1 to %(count)s characters.", count=MAX_WORD_CHARS)]},
        )
    if " " not in folded and not _WORD.fullmatch(folded):
        # A single "word" is compared with the whole words of a text, which never hold
        # punctuation: "e-mail" could never match. Phrases (with spaces) match as written.
        raise Invalid(
            _(
                "“%(word)s” would never match: a single word has only letters and digits. "
                "To match text with punctuation, write it as a phrase with spaces.",
                word=folded,
            ),
            fields={"word": [_("Use letters and digits only, or a phrase with spaces.")]},
        )
    return folded


def _kind(kind: WordKind | str) -> WordKind:
    try:
        return WordKind(kind)
    except ValueError as exc:
        raise Invalid(
            _("Choose the blocked or the watched list."), fields={"kind": [_("Choose.")]}
        ) from exc


def add_word(session: Session, actor: User | None, kind: WordKind | str, word: str) -> WordRule:
    chosen, normalised = _kind(kind), normalise_word(word)
    begin_write(session)
    try:
        moderator = require_role(actor, Role.MODERATOR)
        rule = WordRule(kind=chosen, word=normalised, created_by_id=moderator.id)
        session.add(rule)
        try:
            session.flush()
        except IntegrityError as exc:
            raise Conflict(
                _("“%(word)s” is already on the blocked list.", word=normalised)
                if chosen is WordKind.BLOCKED
                else _("“%(word)s” is already on the watched list.", word=normalised),
                fields={"word": [_("Already on this list.")]},
            ) from exc
        record_action(
            session,
            actor=moderator,
            action="word_added",
            target_type="word_rule",
            target_id=rule.id,
            new_status=chosen.value,
            reason=normalised,
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return rule


def remove_word(session: Session, actor: User | None, rule_id: int) -> WordRule:
    begin_write(session)
    try:
        moderator = require_role(actor, Role.MODERATOR)
        rule = session.get(WordRule, rule_id, with_for_update=True, populate_existing=True)
        if rule is None:
            raise NotFound(_("That word is not on the lists (any more)."))
        record_action(
            session,
            actor=moderator,
            action="word_removed",
            target_type="word_rule",
            target_id=rule.id,
            old_status=rule.kind.value,
            reason=rule.word,
        )
        session.delete(rule)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return rule


def list_words(session: Session, actor: User | None) -> dict[WordKind, list[WordRule]]:
    require_role(actor, Role.MODERATOR)
    lists: dict[WordKind, list[WordRule]] = {kind: [] for kind in WordKind}
    for rule in session.scalars(select(WordRule).order_by(WordRule.word, WordRule.id)):
        lists[rule.kind].append(rule)
    return lists
