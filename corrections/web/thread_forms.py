"""Forms of the threads: commenting, replying, editing, flagging."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField

from corrections.i18n import _l
from corrections.web.protection import ProtectedForm


class CommentForm(ProtectedForm):
    author_name = StringField(_l("Your name"))
    author_email = StringField(_l("Email (optional, never shown)"))
    body = TextAreaField(_l("Your comment"))
    quote = TextAreaField(_l("Words you are quoting (optional)"))
    quote_prefix = HiddenField()
    quote_suffix = HiddenField()
    parent_id = HiddenField()


class EditForm(FlaskForm):
    body = TextAreaField(_l("Your comment"))


class DeleteForm(FlaskForm):
    pass


class FlagForm(FlaskForm):
    reason = RadioField(
        _l("Why should the moderators look at this?"),
        choices=[
            SelectChoice("spam", _l("Spam")),
            SelectChoice("abusive", _l("Abusive or hateful")),
            SelectChoice("off_topic", _l("Off topic")),
            SelectChoice("other", _l("Something else")),
        ],
    )
    note = TextAreaField(_l("Anything the moderators should know (required for “something else”)"))
