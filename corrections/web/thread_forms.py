"""Forms of the threads: commenting, replying, editing, flagging."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, SelectChoice, StringField, TextAreaField

from corrections.web.protection import ProtectedForm


class CommentForm(ProtectedForm):
    author_name = StringField("Your name")
    author_email = StringField("Email (optional, never shown)")
    body = TextAreaField("Your comment")
    quote = TextAreaField("Words you are quoting (optional)")
    quote_prefix = HiddenField()
    quote_suffix = HiddenField()
    parent_id = HiddenField()


class EditForm(FlaskForm):
    body = TextAreaField("Your comment")


class DeleteForm(FlaskForm):
    pass


class FlagForm(FlaskForm):
    reason = RadioField(
        "Why should the moderators look at this?",
        choices=[
            SelectChoice("spam", "Spam"),
            SelectChoice("abusive", "Abusive or hateful"),
            SelectChoice("off_topic", "Off topic"),
            SelectChoice("other", "Something else"),
        ],
    )
    note = TextAreaField("Anything the moderators should know (required for “something else”)")
