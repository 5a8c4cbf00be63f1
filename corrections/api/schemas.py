"""Marshmallow schemas of the API: request bodies are validated and unknown fields refused."""

from __future__ import annotations

import marshmallow as ma


class ErrorDetailSchema(ma.Schema):
    code = ma.fields.String(required=True, metadata={"description": "Stable error code"})
    message = ma.fields.String(required=True, metadata={"description": "For people"})
    fields = ma.fields.Dict(
        keys=ma.fields.String(),
        values=ma.fields.List(ma.fields.String()),
        metadata={"description": "Messages per invalid field"},
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
