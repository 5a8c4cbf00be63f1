"""Schemas of the moderators' decisions on corrections."""

from __future__ import annotations

import marshmallow as ma

from corrections.api.schemas import database_int
from corrections.services.decisions import REJECT_REASONS

VERSION = database_int(
    required=True,
    strict=True,
    metadata={"description": "The correction's `version` as last read; stale → 409"},
)


class LinkOutSchema(ma.Schema):
    url = ma.fields.String(required=True)
    domain = ma.fields.String(required=True)


class ModerationCorrectionSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    public_id = ma.fields.String(required=True)
    article = ma.fields.String(required=True, metadata={"description": "Article slug"})
    section = ma.fields.String(required=True, metadata={"description": "Section key"})
    kind = ma.fields.String(required=True)
    status = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
    quote = ma.fields.String(required=True)
    still_present = ma.fields.Boolean(required=True)
    proposed_text = ma.fields.String(required=True)
    explanation = ma.fields.String(required=True)
    links = ma.fields.List(ma.fields.Nested(LinkOutSchema), required=True)
    reporter_name = ma.fields.String(required=True)
    suggested_update_text = ma.fields.String(required=True)
    created_at = ma.fields.DateTime(required=True)
    update = ma.fields.Integer(allow_none=True, required=True)
    revision = ma.fields.Integer(allow_none=True, required=True)


class AcceptSchema(ma.Schema):
    update_text = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=5000))
    apply_proposed_text = ma.fields.Boolean(
        load_default=False,
        metadata={"description": "Replace the quoted words with the reader's proposed text"},
    )
    replacement = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=5000),
        metadata={"description": "Replace the quoted words with this text instead"},
    )
    expected_version = VERSION


class NumberSchema(ma.Schema):
    number = ma.fields.Integer(required=True)


class AcceptedSchema(ma.Schema):
    update = ma.fields.Nested(NumberSchema, required=True)
    revision = ma.fields.Nested(NumberSchema, required=True)


class RejectSchema(ma.Schema):
    reason = ma.fields.String(required=True, validate=ma.validate.OneOf(list(REJECT_REASONS)))
    note = ma.fields.String(load_default="", validate=ma.validate.Length(max=2000))
    expected_version = VERSION


class DuplicateSchema(ma.Schema):
    duplicate_of = database_int(required=True, strict=True)
    expected_version = VERSION


class NeedsInfoSchema(ma.Schema):
    message = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))
    expected_version = VERSION


class DecidedSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)
    version = ma.fields.Integer(required=True)
