"""Forms of the author's editor, and reading its sections out of a submitted form.

The editor is one form holding every section (``sections-<i>-key``, ``-kind``, ``-heading``,
``-text``), so that each of its buttons (save, add, remove, move, apply a suggestion, preview,
publish) carries what the author typed, with or without JavaScript.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from werkzeug.datastructures import MultiDict
from wtforms import BooleanField, HiddenField, StringField

from corrections.db import database_int
from corrections.i18n import _l
from corrections.models import SectionKind
from corrections.services.draft_rules import MAX_SECTIONS, OPS, DraftSection
from corrections.services.errors import Invalid

# The editor's buttons: those that act on one section or suggestion carry its number.
PLAIN_OPS = ("save", "preview", "publish")
NUMBERED_OPS = (*OPS, "apply")
UNKNOWN_BUTTON = _l("That button is not known; reload the editor.")


class EditorForm(FlaskForm):
    version = HiddenField()
    summary = StringField(_l("Summary of the changes (shown in the history)"))


class VersionForm(FlaskForm):
    version = HiddenField()


class DiscardForm(FlaskForm):
    pass


class MinorForm(FlaskForm):
    minor = HiddenField()


class ModerationModeForm(FlaskForm):
    mode = StringField(_l("New comments on this article"))


class UploadForm(FlaskForm):
    file = FileField(_l("A file in the article format (UTF-8 text, at most 1 MB)"))
    summary = StringField(_l("Summary of the changes"))
    confirm_undo = BooleanField(
        _l("I mean to change the corrected words listed above; publish anyway")
    )


def version_of(form: EditorForm | VersionForm) -> int:
    """The draft version the page was showing; a version no column can hold names nothing."""
    try:
        return database_int(form.version.data or "")
    except ValueError:
        raise Invalid(_l("This form is missing the draft's version; reload the editor.")) from None


def sections_from(formdata: MultiDict[str, str]) -> list[DraftSection]:
    """The sections as submitted, in order (one more than allowed, so the limit shows)."""
    sections = []
    for index in range(MAX_SECTIONS + 1):
        prefix = f"sections-{index}-"
        if prefix + "key" not in formdata:
            break
        kind = SectionKind.UPDATES if formdata.get(prefix + "kind") == "updates" else None
        sections.append(
            DraftSection(
                formdata.get(prefix + "key", ""),
                formdata.get(prefix + "heading", ""),
                kind or SectionKind.BODY,
                formdata.get(prefix + "text", ""),
            )
        )
    return sections


def parse_op(raw: str | None) -> tuple[str, int | None]:
    """``"up:3"`` -> ``("up", 3)``; a bare ``"save"`` -> ``("save", None)``.

    Anything else is refused before the draft is saved, so a button this page does not have
    never saves silently."""
    name, colon, argument = (raw or "save").partition(":")
    if name in PLAIN_OPS and not colon:
        return name, None
    if name not in NUMBERED_OPS:
        raise Invalid(UNKNOWN_BUTTON)
    try:
        return name, database_int(argument)
    except ValueError:
        raise Invalid(UNKNOWN_BUTTON) from None
