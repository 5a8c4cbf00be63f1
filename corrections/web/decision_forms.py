"""Forms of a moderator's decisions on a correction."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import NumberRange

from corrections.db import DB_INT_MAX
from corrections.services.decisions import REJECT_REASONS


class AcceptForm(FlaskForm):
    update_text = TextAreaField("Text of the update")
    apply_text = BooleanField("Also replace the quoted words in the article with the proposed text")
    version = HiddenField()


class RejectForm(FlaskForm):
    reason = SelectField("Reason", choices=[SelectChoice(k, v) for k, v in REJECT_REASONS.items()])
    note = TextAreaField("Note for the reporter (shown on their tracking page)")
    version = HiddenField()


class DuplicateForm(FlaskForm):
    duplicate_of = IntegerField(
        "Number of the earlier correction",
        validators=[NumberRange(1, DB_INT_MAX, "There is no correction with that number.")],
    )
    version = HiddenField()


class NeedsInfoForm(FlaskForm):
    message = TextAreaField("What do you need to know? (shown to the reporter, and emailed)")
    version = HiddenField()


class ReopenForm(FlaskForm):
    reason = TextAreaField("Why reopen it? (for the log)")
    version = HiddenField()


class AddUpdateForm(FlaskForm):
    update_text = TextAreaField("Text of the update")
