"""Schemas of the author's draft API: request bodies refuse unknown fields (marshmallow's
default), the conflict answer lists what was published meanwhile."""

from __future__ import annotations

import marshmallow as ma

from corrections.api.schemas import database_int
from corrections.services.draft_rules import MAX_SECTION_CHARS, MAX_SECTIONS
from corrections.services.draft_store import MAX_SUMMARY_CHARS
from corrections.text.article_format import MAX_HEADING_CHARS

EXPECTED_VERSION = database_int(
    required=True,
    strict=True,
    metadata={"description": "The draft's `version` as last read; stale → 409"},
)


class DraftSectionSchema(ma.Schema):
    key = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=80),
        metadata={
            "description": "Keep it for existing sections; new ones get one from their heading"
        },
    )
    heading = ma.fields.String(required=True, validate=ma.validate.Length(max=MAX_HEADING_CHARS))
    kind = ma.fields.String(load_default="body", validate=ma.validate.OneOf(["body", "updates"]))
    text = ma.fields.String(load_default="", validate=ma.validate.Length(max=MAX_SECTION_CHARS))


class DraftSaveSchema(ma.Schema):
    sections = ma.fields.List(
        ma.fields.Nested(DraftSectionSchema),
        required=True,
        validate=ma.validate.Length(min=1, max=MAX_SECTIONS),
        metadata={"description": "Every section in order; the updates section last, unchanged"},
    )
    summary = ma.fields.String(load_default="", validate=ma.validate.Length(max=MAX_SUMMARY_CHARS))
    expected_version = EXPECTED_VERSION
    checked = ma.fields.List(
        ma.fields.String(validate=ma.validate.Length(max=80)),
        load_default=list,
        validate=ma.validate.Length(max=MAX_SECTIONS),
        metadata={"description": "Keys of `needs_look` sections the author has checked"},
    )


class DraftPublishSchema(ma.Schema):
    summary = ma.fields.String(
        required=True, validate=ma.validate.Length(min=1, max=MAX_SUMMARY_CHARS)
    )
    expected_version = EXPECTED_VERSION
    confirm_undo = ma.fields.Boolean(
        load_default=False,
        metadata={
            "description": "Publish even though it takes out an accepted correction's words "
            "(otherwise 409 `undoes_correction`)"
        },
    )


class PassageSchema(ma.Schema):
    part = ma.fields.String(required=True, metadata={"description": "heading or text"})
    base = ma.fields.String(required=True, metadata={"description": "As it was"})
    mine = ma.fields.String(required=True, metadata={"description": "The draft's (kept)"})
    theirs = ma.fields.String(required=True, metadata={"description": "The newer version's"})


class LookSchema(ma.Schema):
    key = ma.fields.String(required=True)
    label = ma.fields.String(required=True)
    reason = ma.fields.String(
        required=True,
        metadata={"description": "overlap, removed_in_draft or removed_meanwhile"},
    )
    passages = ma.fields.List(ma.fields.Nested(PassageSchema), required=True)
    version = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "Whose words `theirs` are"}
    )


class DraftRebaseSchema(ma.Schema):
    expected_version = EXPECTED_VERSION


class DraftSchema(ma.Schema):
    article = ma.fields.String(required=True, metadata={"description": "Article slug"})
    version = ma.fields.Integer(required=True)
    base_revision = ma.fields.Integer(
        required=True, metadata={"description": "The revision the draft started from"}
    )
    latest_revision = ma.fields.Integer(required=True)
    summary = ma.fields.String(required=True)
    sections = ma.fields.List(ma.fields.Nested(DraftSectionSchema), required=True)
    applied_corrections = ma.fields.List(
        ma.fields.Integer(),
        required=True,
        metadata={"description": "Corrections whose proposed text the draft applied"},
    )
    needs_look = ma.fields.List(
        ma.fields.Nested(LookSchema),
        required=True,
        metadata={"description": "What a rebase asked the author to check, until `checked`"},
    )
    updated_at = ma.fields.DateTime(required=True)


class RebasedSchema(ma.Schema):
    draft = ma.fields.Nested(DraftSchema, required=True)
    took_newer = ma.fields.List(ma.fields.String(), required=True)
    merged = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Keys changed on both sides whose changes were all kept"},
    )
    needs_look = ma.fields.List(
        ma.fields.String(),
        required=True,
        metadata={"description": "Keys where both changed the same words: the draft's kept"},
    )
    looks = ma.fields.List(ma.fields.Nested(LookSchema), required=True)
    added_meanwhile = ma.fields.List(ma.fields.String(), required=True)
    removed_meanwhile = ma.fields.List(ma.fields.String(), required=True)


class RevisionNumberSchema(ma.Schema):
    number = ma.fields.Integer(required=True)


class PublishedDraftSchema(ma.Schema):
    revision = ma.fields.Nested(RevisionNumberSchema, required=True)


class ChangeSchema(ma.Schema):
    key = ma.fields.String(required=True)
    heading = ma.fields.String(required=True)
    status = ma.fields.String(required=True, metadata={"description": "changed, added, removed"})
    renamed = ma.fields.Boolean(required=True)
    moved = ma.fields.Boolean(required=True)
    changed_in_draft = ma.fields.Boolean(required=True)
    diff = ma.fields.List(
        ma.fields.Tuple((ma.fields.String(), ma.fields.String())),
        required=True,
        metadata={"description": 'Word diff: ["equal" | "delete" | "insert", text] pairs'},
    )


class UndoneSchema(ma.Schema):
    correction = ma.fields.Integer(required=True)
    update = ma.fields.Integer(allow_none=True, required=True)
    section = ma.fields.String(required=True)
    old_words = ma.fields.String(required=True)
    new_words = ma.fields.String(required=True)


class DraftConflictDetailSchema(ma.Schema):
    code = ma.fields.String(required=True)
    message = ma.fields.String(required=True)
    base_revision = ma.fields.Integer()
    latest_revision = ma.fields.Integer()
    changes = ma.fields.List(ma.fields.Nested(ChangeSchema))
    updates = ma.fields.List(ma.fields.Integer(), metadata={"description": "Updates added"})
    undone = ma.fields.List(
        ma.fields.Nested(UndoneSchema),
        metadata={"description": "With `undoes_correction`: the fixes the draft takes out"},
    )


class DraftConflictSchema(ma.Schema):
    error = ma.fields.Nested(DraftConflictDetailSchema, required=True)
