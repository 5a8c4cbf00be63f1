"""Schemas of the corrections API. Unknown fields are refused; the service checks the rules
(lengths, links, the quote), so they are written once for the API and the form."""

from __future__ import annotations

import marshmallow as ma

KINDS = ["correction", "clarification"]
STATUSES = ["pending", "needs_info", "accepted", "rejected", "duplicate", "withdrawn"]


class CorrectionQuoteSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    exact = ma.fields.String(
        required=True, metadata={"description": "The words that are wrong, copied exactly"}
    )
    prefix = ma.fields.String(
        load_default="", metadata={"description": "Up to 32 characters just before them"}
    )
    suffix = ma.fields.String(
        load_default="", metadata={"description": "Up to 32 characters just after them"}
    )


class CorrectionCreateSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    section = ma.fields.String(required=True, metadata={"description": "The section's key"})
    quote = ma.fields.Nested(CorrectionQuoteSchema, required=True)
    kind = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(KINDS),
        metadata={"description": "correction (of a fact) or clarification (of wording)"},
    )
    proposed_text = ma.fields.String(
        required=True, metadata={"description": "What the text should say, 1-5,000 characters"}
    )
    explanation = ma.fields.String(
        load_default="", metadata={"description": "Why, up to 2,000 characters"}
    )
    links = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "1-5 http or https source links; normalized, duplicates removed"},
    )
    reporter_name = ma.fields.String(required=True, metadata={"description": "1-80 characters"})
    reporter_email = ma.fields.String(
        load_default=None,
        allow_none=True,
        metadata={"description": "Only to tell the reporter of the decision; never shown"},
    )


class CorrectionIdempotencySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key_header = ma.fields.String(
        data_key="Idempotency-Key",
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "Sending the same key again returns the first correction"},
    )


class CorrectionRefSchema(ma.Schema):
    id = ma.fields.String(required=True, metadata={"description": "The correction's public id"})
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(STATUSES))


class CorrectionCreatedSchema(ma.Schema):
    correction = ma.fields.Nested(CorrectionRefSchema, required=True)
    tracking_token = ma.fields.String(
        required=True,
        allow_none=True,
        metadata={
            "description": "Shown once: the Bearer token to read the correction's status. "
            "null when this repeats an earlier request with the same Idempotency-Key."
        },
    )


class TrackedCorrectionSchema(ma.Schema):
    id = ma.fields.String(required=True)
    status = ma.fields.String(required=True, validate=ma.validate.OneOf(STATUSES))
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(KINDS))
    decision_reason = ma.fields.String(required=True, allow_none=True)
    decision_note = ma.fields.String(required=True, allow_none=True)
    info_request = ma.fields.String(required=True, allow_none=True)
    update = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "The update it produced"}
    )
    revision = ma.fields.Integer(
        required=True, allow_none=True, metadata={"description": "The version that published it"}
    )
    applied_in = ma.fields.Integer(
        required=True,
        allow_none=True,
        metadata={"description": "The version whose text carries the fix, once applied"},
    )
