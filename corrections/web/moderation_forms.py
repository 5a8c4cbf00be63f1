"""Forms of the moderation pages. The queue renders its many small forms as plain HTML (with
``csrf_token()``); these classes parse and check what comes back."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from corrections.db import DB_INT_MAX, database_int
from corrections.services.moderation import MAX_NOTE_CHARS, REJECT_REASONS

ACTIONS = [
    SelectChoice("approve", "Approve"),
    SelectChoice("reject", "Reject"),
    SelectChoice("spam", "Mark as spam"),
    SelectChoice("delete", "Delete"),
]
REASONS = [SelectChoice(code, label.capitalize()) for code, label in REJECT_REASONS.items()]
DURATIONS = {
    "1d": ("1 day", timedelta(days=1)),
    "7d": ("7 days", timedelta(days=7)),
    "30d": ("30 days", timedelta(days=30)),
    "forever": ("Forever", None),
}


class QueueForm(FlaskForm):
    """Every queue form says which queue view to go back to (its query string), and the
    status the moderator saw, so a comment decided meanwhile by someone else is left alone."""

    back = HiddenField()
    seen = HiddenField()


class RejectForm(QueueForm):
    reason = SelectField("Reason", choices=REASONS, default="off_topic")
    note = StringField("Note", validators=[Optional(), Length(max=MAX_NOTE_CHARS)])


class BulkForm(RejectForm):
    action = SelectField("Action", choices=ACTIONS)
    ids = SelectMultipleField(
        "Comments",
        coerce=database_int,
        validate_choice=False,
        choices=[],
        invalid_value_message="Select comments from the queue; that is not a comment number.",
    )


class AuthorForm(RejectForm):
    action = SelectField("Action", choices=ACTIONS)


class BanForm(FlaskForm):
    comment_id = IntegerField(validators=[Optional(), NumberRange(1, DB_INT_MAX)])
    kind = RadioField(
        "What to ban",
        choices=[
            SelectChoice("email", "This email address"),
            SelectChoice("account", "This account"),
            SelectChoice("network", "This network"),
        ],
        default="email",
    )
    email = StringField("Email address", validators=[Optional(), Length(max=254)])
    duration = SelectField(
        "For how long",
        choices=[SelectChoice(code, label) for code, (label, _) in DURATIONS.items()],
        default="7d",
    )
    reason = StringField("Reason (kept in the log)", validators=[Optional(), Length(max=500)])
    reject_pending = BooleanField("Also reject their comments waiting in the queue")


class LiftForm(FlaskForm):
    reason = StringField("Why lift it (optional)", validators=[Optional(), Length(max=500)])


class WordForm(FlaskForm):
    kind = SelectField(
        "List",
        choices=[
            SelectChoice("blocked", "Blocked: refuse the comment"),
            SelectChoice("watched", "Watched: hold it for a moderator"),
        ],
    )
    word = StringField("Word or phrase", validators=[DataRequired(), Length(max=100)])
