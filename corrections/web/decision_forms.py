"""Forms of a moderator's decisions on a correction."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from corrections.db import DB_INT_MAX
from corrections.i18n import _l
from corrections.services.decisions import REJECT_REASONS

# Every code of services.decisions.REJECT_REASONS, as the select offers it.
REASON_LABELS = {
    "not_an_error": _l("Not an error"),
    "no_reliable_source": _l("No reliable source"),
    "out_of_scope": _l("Out of scope"),
    "spam": _l("Spam"),
    "other": _l("Other"),
}


class AcceptForm(FlaskForm):
    update_text = TextAreaField(_l("Text of the update"))
    apply_text = BooleanField(
        _l("Also replace the quoted words in the article with the proposed text")
    )
    version = HiddenField()


class RejectForm(FlaskForm):
    reason = SelectField(
        _l("Reason"), choices=[SelectChoice(code, REASON_LABELS[code]) for code in REJECT_REASONS]
    )
    note = TextAreaField(_l("Note for the reporter (shown on their tracking page)"))
    version = HiddenField()


class DuplicateForm(FlaskForm):
    duplicate_of = IntegerField(
        _l("Number of the earlier correction"),
        validators=[NumberRange(1, DB_INT_MAX, _l("There is no correction with that number."))],
    )
    version = HiddenField()


class NeedsInfoForm(FlaskForm):
    message = TextAreaField(_l("What do you need to know? (shown to the reporter, and emailed)"))
    version = HiddenField()


class ReopenForm(FlaskForm):
    reason = TextAreaField(_l("Why reopen it? (for the log)"))
    version = HiddenField()


class AddUpdateForm(FlaskForm):
    update_text = TextAreaField(_l("Text of the update"))
