"""Forms of reader corrections: suggesting one, answering a question about it, withdrawing it.

They only carry what the reader typed; the rules live in ``services/corrections.py``.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FieldList, HiddenField, RadioField, SelectChoice, StringField, TextAreaField

from corrections.i18n import _l
from corrections.services.anchors import QuoteInput
from corrections.services.corrections import MAX_LINKS
from corrections.web.protection import ProtectedForm

KINDS = [
    SelectChoice("correction", _l("A correction: a fact is wrong")),
    SelectChoice("clarification", _l("A clarification: the wording is unclear or misleading")),
]
# Service field names that the form calls differently, and the order the inputs appear in.
FORM_FIELD = {"reporter_name": "name", "reporter_email": "email"}
ORDER = ["quote", "kind", "proposed_text", "explanation", "links"]
ORDER += [f"links-{n}" for n in range(MAX_LINKS)] + ["name", "email", "reply"]


class CorrectionForm(ProtectedForm):
    quote = TextAreaField(_l("The words that are wrong"))
    # Not "prefix"/"suffix": WTForms takes ``prefix=`` as the prefix of every field name.
    quote_prefix = HiddenField()
    quote_suffix = HiddenField()
    # The service says which kinds exist; an unknown one comes back as a field error.
    kind = RadioField(_l("What kind of change is it?"), choices=KINDS, validate_choice=False)
    proposed_text = TextAreaField(_l("What it should say"))
    explanation = TextAreaField(_l("Why (optional)"))
    links = FieldList(StringField(_l("Source link")), min_entries=MAX_LINKS, max_entries=MAX_LINKS)
    name = StringField(_l("Your name"))
    email = StringField(_l("Email (optional)"))

    def quote_input(self) -> QuoteInput:
        return QuoteInput(
            self.quote.data or "", self.quote_prefix.data or "", self.quote_suffix.data or ""
        )

    def source_links(self) -> list[str]:
        return [link or "" for link in self.links.data]


class ReplyForm(FlaskForm):
    reply = TextAreaField(_l("Your answer"))


class WithdrawForm(FlaskForm):
    pass


def field_errors(fields: dict[str, list[str]]) -> dict[str, list[str]]:
    """A service's field errors keyed by the names of the form's inputs, in page order."""
    named = {FORM_FIELD.get(name, name): messages for name, messages in fields.items()}
    place = {name: n for n, name in enumerate(ORDER)}
    return dict(sorted(named.items(), key=lambda item: place.get(item[0], len(ORDER))))
