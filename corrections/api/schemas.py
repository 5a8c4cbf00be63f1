"""Marshmallow schemas of the API: request bodies are validated and unknown fields refused."""

from __future__ import annotations

import marshmallow as ma

from corrections.db import DB_INT_MAX


def database_int(*, minimum: int = 1, **kwargs) -> ma.fields.Integer:
    """An id, number or version sent by a client: beyond what an ``INTEGER`` column holds it
    can name nothing, so it is refused with the field's message (422), never sent to SQL.

    In a JSON body pass ``strict=True``: only a JSON integer is one (``1.5``, ``"1"`` and
    ``true`` are refused, not read as 1). Query arguments are strings, so they stay lenient.
    """
    return ma.fields.Integer(validate=ma.validate.Range(min=minimum, max=DB_INT_MAX), **kwargs)


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable error code"})
    message = ma.fields.String(required=True, metadata={"description": "For people"})
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        # A list of messages; for a field of a nested object or list, an object of the same
        # shape (``{"quote": {"exact": [...]}}``, ``{"links": {"0": [...]}}``).
        values=ma.fields.Raw(),
        metadata={"description": "Messages per invalid field (nested for nested fields)"},
    )


class ErrorSchema(ma.Schema):
    error = ma.fields.Nested(ErrorDetailSchema, required=True)


class ArticleSummarySchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    revision = ma.fields.Integer(required=True)


class ArticleListSchema(ma.Schema):
    articles = ma.fields.List(ma.fields.Nested(ArticleSummarySchema), required=True)


class SectionSchema(ma.Schema):
    key = ma.fields.String(required=True)
    heading = ma.fields.String(required=True)
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(["body", "updates"]))
    text = ma.fields.String(required=True)


class UpdateSchema(ma.Schema):
    number = ma.fields.Integer(required=True)
    body = ma.fields.String(required=True)
    published_at = ma.fields.DateTime(required=True)
    revision = ma.fields.Integer(required=True)


class ArticleSchema(ma.Schema):
    slug = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    revision = ma.fields.Integer(required=True)
    latest_revision = ma.fields.Integer(required=True)
    published_at = ma.fields.DateTime(required=True)
    sections = ma.fields.List(ma.fields.Nested(SectionSchema), required=True)
    updates = ma.fields.List(ma.fields.Nested(UpdateSchema), required=True)


class RevisionSummarySchema(ma.Schema):
    number = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    summary = ma.fields.String(required=True)
    published_at = ma.fields.DateTime(required=True)
    minor = ma.fields.Boolean(required=True)


class RevisionListSchema(ma.Schema):
    revisions = ma.fields.List(ma.fields.Nested(RevisionSummarySchema), required=True)


class QuoteSchema(ma.Schema):
    exact = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=2000))
    prefix = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))
    suffix = ma.fields.String(load_default="", validate=ma.validate.Length(max=200))


class CommentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    parent_id = ma.fields.Integer(allow_none=True, required=True)
    author_name = ma.fields.String(required=True)
    html = ma.fields.String(required=True, metadata={"description": "Sanitized HTML"})
    quote = ma.fields.String(allow_none=True, required=True)
    created_at = ma.fields.DateTime(required=True)
    edited_at = ma.fields.DateTime(allow_none=True, required=True)


class CommentPageSchema(ma.Schema):
    comments = ma.fields.List(ma.fields.Nested(CommentSchema), required=True)
    next = ma.fields.String(allow_none=True, required=True, metadata={"description": "Cursor"})


class CommentQuerySchema(ma.Schema):
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))
    after = ma.fields.String(load_default=None, allow_none=True)


class CommentIdempotencySchema(ma.Schema):
    class Meta:
        unknown = ma.EXCLUDE

    idempotency_key_header = ma.fields.String(
        data_key="Idempotency-Key",
        validate=ma.validate.Length(min=1, max=255),
        metadata={"description": "Sending the same key again returns the first comment"},
    )


class NewCommentSchema(ma.Schema):
    body = ma.fields.String(required=True, validate=ma.validate.Length(min=1, max=10_000))
    author_name = ma.fields.String(
        load_default=None,
        validate=ma.validate.Length(min=1, max=80),
        metadata={"description": "Required for guests; a token's account posts as itself"},
    )
    author_email = ma.fields.String(load_default=None, allow_none=True)
    # A JSON number that is a whole number: 1.5 (or "1") is refused, not read as 1.
    parent_id = database_int(load_default=None, allow_none=True, strict=True)
    quote = ma.fields.Nested(QuoteSchema, load_default=None, allow_none=True)


class PostedCommentSchema(ma.Schema):
    # A new comment is published or pending; a repeat (same Idempotency-Key) says what became
    # of the first one since.
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["published", "pending", "rejected", "spam", "deleted"]),
    )
    comment = ma.fields.Nested(CommentSchema, required=True)
