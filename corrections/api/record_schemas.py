"""Schemas of the record: two versions of an article compared."""

from __future__ import annotations

import marshmallow as ma

from corrections.api.schemas import UpdateSchema, database_int


class DiffQuerySchema(ma.Schema):
    from_ = database_int(
        required=True, data_key="from", metadata={"description": "The version compared from"}
    )
    to = database_int(required=True, metadata={"description": "The version compared to"})


class SectionDiffSchema(ma.Schema):
    key = ma.fields.String(required=True, metadata={"description": "The section's stable key"})
    status = ma.fields.String(
        required=True,
        validate=ma.validate.OneOf(["unchanged", "changed", "added", "removed"]),
        metadata={"description": "What happened to the section's text"},
    )
    renamed = ma.fields.Boolean(required=True, metadata={"description": "The heading changed"})
    moved = ma.fields.Boolean(
        required=True, metadata={"description": "It changed place among the other sections"}
    )
    old_heading = ma.fields.String(required=True, allow_none=True)
    new_heading = ma.fields.String(required=True, allow_none=True)
    ops = ma.fields.List(
        ma.fields.List(ma.fields.String(), validate=ma.validate.Length(equal=2)),
        required=True,
        metadata={
            "description": '`[kind, text]` pairs, kind `"equal"`, `"insert"` or `"delete"`: '
            "equal + delete texts joined give the old text, equal + insert the new one"
        },
    )


class DiffSchema(ma.Schema):
    from_ = ma.fields.Integer(data_key="from", required=True)
    to = ma.fields.Integer(required=True)
    sections = ma.fields.List(
        ma.fields.Nested(SectionDiffSchema),
        required=True,
        metadata={"description": "Every section, in the order of version `to`"},
    )
    updates_added = ma.fields.List(
        ma.fields.Nested(UpdateSchema),
        required=True,
        metadata={"description": "Updates in version `to` and not in `from`, oldest first"},
    )
    updates_removed = ma.fields.List(
        ma.fields.Nested(UpdateSchema),
        required=True,
        metadata={
            "description": "Updates in `from` and not in `to`: only when comparing backwards"
        },
    )
