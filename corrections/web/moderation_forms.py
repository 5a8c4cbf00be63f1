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
from corrections.i18n import _l
from corrections.services.moderation import MAX_NOTE_CHARS, REJECT_REASONS

ACTIONS = [
    SelectChoice("approve", _l("Approve")),
    SelectChoice("reject", _l("Reject")),
    SelectChoice("spam", _l("Mark as spam")),
    SelectChoice("delete", _l("Delete")),
]
# Every code of services.moderation.REJECT_REASONS, as the select offers it.
REASON_LABELS = {
    "off_topic": _l("Off topic"),
    "abusive": _l("Abusive"),
    "spam": _l("Spam"),
    "duplicate": _l("Duplicate"),
    "other": _l("Other"),
}
REASONS = [SelectChoice(code, REASON_LABELS[code]) for code in REJECT_REASONS]
DURATIONS = {
    "1d": (_l("1 day"), timedelta(days=1)),
    "7d": (_l("7 days"), timedelta(days=7)),
    "30d": (_l("30 days"), timedelta(days=30)),
    "forever": (_l("Forever"), None),
}


class QueueForm(FlaskForm):
    """Every queue form says which queue view to go back to (its query string), and the
    status the moderator saw, so a comment decided meanwhile by someone else is left alone."""

    back = HiddenField()
    seen = HiddenField()


class RejectForm(QueueForm):
    reason = SelectField(_l("Reason"), choices=REASONS, default="off_topic")
    note = StringField(_l("Note"), validators=[Optional(), Length(max=MAX_NOTE_CHARS)])


class BulkForm(RejectForm):
    action = SelectField(_l("Action"), choices=ACTIONS)
    ids = SelectMultipleField(
        _l("Comments"),
        coerce=database_int,
        validate_choice=False,
        choices=[],
        invalid_value_message=_l("Select comments from the queue; that is not a comment number."),
    )


class AuthorForm(RejectForm):
    action = SelectField(_l("Action"), choices=ACTIONS)


class BanForm(FlaskForm):
    comment_id = IntegerField(validators=[Optional(), NumberRange(1, DB_INT_MAX)])
    kind = RadioField(
        _l("What to ban"),
        choices=[
            SelectChoice("email", _l("This email address")),
            SelectChoice("account", _l("This account")),
            SelectChoice("network", _l("This network")),
        ],
        default="email",
    )
    email = StringField(_l("Email address"), validators=[Optional(), Length(max=254)])
    duration = SelectField(
        _l("For how long"),
        choices=[SelectChoice(code, label) for code, (label, _) in DURATIONS.items()],
        default="7d",
    )
    reason = StringField(_l("Reason (kept in the log)"), validators=[Optional(), Length(max=500)])
    reject_pending = BooleanField(_l("Also reject their comments waiting in the queue"))


class LiftForm(FlaskForm):
    reason = StringField(_l("Why lift it (optional)"), validators=[Optional(), Length(max=500)])


class WordForm(FlaskForm):
    kind = SelectField(
        _l("List"),
        choices=[
            SelectChoice("blocked", _l("Blocked: refuse the comment")),
            SelectChoice("watched", _l("Watched: hold it for a moderator")),
        ],
    )
    word = StringField(_l("Word or phrase"), validators=[DataRequired(), Length(max=100)])
