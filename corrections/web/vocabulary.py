"""The words pages show for the domain's stored codes (roles, kinds, states), in the
reader's language. The codes themselves never change; templates look them up here, and a
code missing from a table is shown as it is."""

from __future__ import annotations

from flask import Flask

from corrections.i18n import _l
from corrections.models import BanKind, CorrectionKind, RevisionKind, Role, WordKind
from corrections.services.words import CORRECTION_REASON_WORDS

ROLE_WORDS = {
    Role.READER: _l("reader"),
    Role.MODERATOR: _l("moderator"),
    Role.AUTHOR: _l("author"),
    Role.ADMIN: _l("admin"),
}
# A correction's kind inside a sentence ("(correction, Update 2)").
KIND_WORDS = {
    CorrectionKind.CORRECTION.value: _l("correction"),
    CorrectionKind.CLARIFICATION.value: _l("clarification"),
}
REVISION_KIND_WORDS = {
    RevisionKind.IMPORT: _l("import"),
    RevisionKind.EDIT: _l("edit"),
    RevisionKind.UPDATE: _l("update"),
}
# A section in a comparison of two versions (corrections.text.diff.SectionStatus).
STATUS_WORDS = {
    "added": _l("added"),
    "removed": _l("removed"),
    "changed": _l("changed"),
    "unchanged": _l("unchanged"),
}
# Why a reader flagged a comment ("Flagged as off topic").
FLAG_WORDS = {
    "spam": _l("spam"),
    "abusive": _l("abusive or hateful"),
    "off_topic": _l("off topic"),
    "other": _l("something else"),
}
# What a row of the moderation log is about (corrections.services.audit.TARGET_TYPES).
TARGET_WORDS = {
    "comment": _l("comment"),
    "correction": _l("correction"),
    "ban": _l("ban"),
    "word_rule": _l("word rule"),
    "user": _l("user"),
    "article": _l("article"),
    "revision": _l("revision"),
}
TARGET_PLURAL_WORDS = {
    "comment": _l("comments"),
    "correction": _l("corrections"),
    "ban": _l("bans"),
    "word_rule": _l("word rules"),
    "user": _l("users"),
    "article": _l("articles"),
    "revision": _l("revisions"),
}
BAN_KIND_WORDS = {
    BanKind.EMAIL: _l("email"),
    BanKind.ACCOUNT: _l("account"),
    BanKind.NETWORK: _l("network"),
}
BAN_STATE_WORDS = {"active": _l("active"), "expired": _l("expired"), "lifted": _l("lifted")}
WORD_LIST_WORDS = {WordKind.BLOCKED: _l("Blocked"), WordKind.WATCHED: _l("Watched")}


def register(app: Flask) -> None:
    app.jinja_env.globals.update(
        role_words=ROLE_WORDS,
        correction_kind_words=KIND_WORDS,
        revision_kind_words=REVISION_KIND_WORDS,
        status_words=STATUS_WORDS,
        reason_words=CORRECTION_REASON_WORDS,  # "Rejected: no reliable source"
        flag_words=FLAG_WORDS,
        target_words=TARGET_WORDS,
        target_plural_words=TARGET_PLURAL_WORDS,
        ban_kind_words=BAN_KIND_WORDS,
        ban_state_words=BAN_STATE_WORDS,
        word_list_words=WORD_LIST_WORDS,
    )
