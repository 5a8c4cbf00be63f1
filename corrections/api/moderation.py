"""The moderation queue and comment decisions through the API (``Authorization: Bearer``).

Moderators, authors and admins only: 401 without a valid token, 403 for a reader's. The
handlers call the same services as the site, so the rules (compare-and-set decisions, the
audit log, notifications, bans stored as keyed hashes) are written once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import marshmallow as ma
from flask import current_app, jsonify

from corrections.api.auth import BEARER, current_api_user, require_api_role
from corrections.api.parsing import Blueprint
from corrections.api.schemas import ErrorSchema, database_int
from corrections.extensions import db
from corrections.i18n import _
from corrections.models import BanKind, Comment, Role
from corrections.services import bans, moderation, moderation_queue
from corrections.services.errors import Invalid

blp = Blueprint(
    "moderation_api",
    __name__,
    url_prefix="/api/v1/moderation",
    description="The moderation queue, comment decisions and bans (moderators)",
)

# kind -> status -> the queue tab it reads
TABS = {
    "comments": {"pending": "comments", "flagged": "flagged"},
    "corrections": {"pending": "corrections", "needs_info": "needs-info"},
}


class QueueQuerySchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf(list(TABS)))
    status = ma.fields.String(
        load_default="pending",
        validate=ma.validate.OneOf(["pending", "flagged", "needs_info"]),
        metadata={
            "description": "comments: pending or flagged; corrections: pending or needs_info"
        },
    )
    limit = ma.fields.Integer(load_default=50, validate=ma.validate.Range(min=1, max=200))
    after = database_int(
        minimum=0,
        load_default=None,
        allow_none=True,
        metadata={"description": "The 'next' of a page"},
    )


class FlagSchema(ma.Schema):
    reason = ma.fields.String(required=True)
    note = ma.fields.String(allow_none=True, required=True)


class QueueItemSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    type = ma.fields.String(required=True, validate=ma.validate.OneOf(["comment", "correction"]))
    status = ma.fields.String(required=True)
    article = ma.fields.String(required=True, metadata={"description": "The article's slug"})
    section = ma.fields.String(required=True, metadata={"description": "The section's key"})
    created_at = ma.fields.DateTime(required=True)
    author_name = ma.fields.String(required=True, metadata={"description": "Commenter/reporter"})
    quote = ma.fields.String(allow_none=True, required=True)
    text = ma.fields.String(
        required=True, metadata={"description": "Comment HTML (sanitized), or the proposed text"}
    )
    email_domain = ma.fields.String(allow_none=True, metadata={"description": "Comments only"})
    hold_reason = ma.fields.String(allow_none=True, metadata={"description": "Comments only"})
    flags = ma.fields.List(ma.fields.Nested(FlagSchema), metadata={"description": "Open flags"})
    correction_kind = ma.fields.String(allow_none=True, metadata={"description": "Corrections"})
    links = ma.fields.Integer(metadata={"description": "Corrections: how many source links"})


class QueueSchema(ma.Schema):
    items = ma.fields.List(ma.fields.Nested(QueueItemSchema), required=True)
    next = ma.fields.Integer(
        allow_none=True, required=True, metadata={"description": "Send as 'after' for more"}
    )


EXPECTED = ma.fields.String(
    load_default=None,
    allow_none=True,
    validate=ma.validate.OneOf(["pending", "published"]),
    metadata={
        "description": "The status you saw; if the comment has moved on since (another "
        "moderator decided it), the answer is 409 and nothing changes"
    },
)


class DecideCommentSchema(ma.Schema):
    expected_status = EXPECTED


class RejectCommentSchema(ma.Schema):
    expected_status = EXPECTED
    reason = ma.fields.String(
        required=True, validate=ma.validate.OneOf(list(moderation.REJECT_REASONS))
    )
    note = ma.fields.String(
        load_default=None,
        allow_none=True,
        validate=ma.validate.Length(max=moderation.MAX_NOTE_CHARS),
        metadata={"description": "Sent to a commenter who left an email"},
    )


class DecidedCommentSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    status = ma.fields.String(required=True)


class NewBanSchema(ma.Schema):
    kind = ma.fields.String(required=True, validate=ma.validate.OneOf([k.value for k in BanKind]))
    comment_id = database_int(load_default=None, allow_none=True, strict=True)
    user_id = database_int(load_default=None, allow_none=True, strict=True)
    email = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=254)
    )
    days = ma.fields.Integer(
        load_default=None,
        allow_none=True,
        strict=True,
        validate=ma.validate.Range(min=1, max=3650),
        metadata={"description": "How long; null or absent is forever"},
    )
    reason = ma.fields.String(
        load_default=None, allow_none=True, validate=ma.validate.Length(max=500)
    )
    reject_pending = ma.fields.Boolean(load_default=False)


class BanSchema(ma.Schema):
    id = ma.fields.Integer(required=True)
    kind = ma.fields.String(required=True)
    label = ma.fields.String(required=True, metadata={"description": "Never the raw value"})
    reason = ma.fields.String(allow_none=True, required=True)
    expires_at = ma.fields.DateTime(allow_none=True, required=True)
    rejected = ma.fields.Integer(
        required=True, metadata={"description": "Pending comments rejected"}
    )


def errors(*codes: int):
    def apply(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema)(view)
        return blp.doc(security=BEARER)(view)

    return apply


def queue_item(item: Any) -> dict[str, Any]:
    """One item of the queue as ``QueueItemSchema`` dumps it: the same keys in the same order,
    the time as ISO 8601. Built here because dumping 50 nested items through marshmallow was
    a fifth of the page's CPU; tests check that this equals the schema's dump."""
    common = {
        "id": item.id,
        "type": item.type,
        "status": item.status.value,
        "article": item.article_slug,
        "section": item.section_key,
        "created_at": item.created_at.isoformat(),
    }
    if item.type == "comment":
        return {
            **common,
            "author_name": item.author_name,
            "quote": item.quote,
            "text": item.html,
            "email_domain": item.email_domain,
            "hold_reason": item.hold_reason,
            "flags": [{"reason": f.reason, "note": f.note} for f in item.flags],
        }
    return {
        **common,
        "author_name": item.reporter_name,
        "quote": item.quote,
        "text": item.proposed_text,
        "correction_kind": item.kind,
        "links": item.links,
    }


@blp.get("/queue")
@require_api_role(Role.MODERATOR)
@blp.arguments(QueueQuerySchema, location="query", unknown=ma.RAISE)
@blp.response(200, QueueSchema)
@errors(401, 403, 422)
def get_queue(args: dict[str, Any]):
    """Pending comments or corrections, oldest first, by keyset (``next`` -> ``after``)."""
    tab = TABS[args["kind"]].get(args["status"])
    if tab is None:
        raise Invalid(
            _(
                "%(kind)s have no status %(status)s.",
                kind=args["kind"],
                status=repr(args["status"]),
            ),
            fields={"status": [_("One of %(choices)s.", choices=", ".join(TABS[args["kind"]]))]},
        )
    page = moderation_queue.queue(
        db.session,
        current_api_user(),
        tab=tab,
        after=args["after"],
        limit=args["limit"],
        newest_first=False,
    )
    # flask-smorest sends a Response unchanged: QueueSchema documents it, queue_item builds it.
    return jsonify({"items": [queue_item(i) for i in page.items], "next": page.next_after})


def decided(comment: Comment) -> dict[str, Any]:
    return {"id": comment.id, "status": comment.status.value}


@blp.post("/comments/<int:comment_id>/approve")
@require_api_role(Role.MODERATOR)
@blp.arguments(DecideCommentSchema, required=False)
@blp.response(200, DecidedCommentSchema)
@errors(401, 403, 404, 409, 422)
def approve(body: dict[str, Any], comment_id: int):
    """Publish a held comment (or keep a flagged one and dismiss its flags); 409 if decided."""
    comment = moderation.approve_comment(
        db.session, current_api_user(), comment_id, expected=body.get("expected_status")
    )
    return decided(comment)


@blp.post("/comments/<int:comment_id>/reject")
@require_api_role(Role.MODERATOR)
@blp.arguments(RejectCommentSchema)
@blp.response(200, DecidedCommentSchema)
@errors(401, 403, 404, 409, 422)
def reject(body: dict[str, Any], comment_id: int):
    """Reject a comment with a reason (and an optional note); 409 if already decided."""
    comment = moderation.reject_comment(
        db.session,
        current_api_user(),
        comment_id,
        body["reason"],
        body["note"],
        expected=body["expected_status"],
    )
    return decided(comment)


@blp.post("/comments/<int:comment_id>/spam")
@require_api_role(Role.MODERATOR)
@blp.arguments(DecideCommentSchema, required=False)
@blp.response(200, DecidedCommentSchema)
@errors(401, 403, 404, 409, 422)
def spam(body: dict[str, Any], comment_id: int):
    """Mark a comment as spam; 409 if already decided."""
    comment = moderation.mark_spam(
        db.session, current_api_user(), comment_id, expected=body.get("expected_status")
    )
    return decided(comment)


@blp.post("/bans")
@require_api_role(Role.MODERATOR)
@blp.arguments(NewBanSchema)
@blp.response(201, BanSchema)
@errors(401, 403, 404, 409, 422)
def create_ban(body: dict[str, Any]):
    """Ban an email, account or network (a network only from one of its comments)."""
    days = body["days"]
    result = bans.ban(
        db.session,
        current_api_user(),
        kind=body["kind"],
        secret=current_app.config["SECRET_KEY"],
        comment_id=body["comment_id"],
        user_id=body["user_id"],
        email=body["email"],
        duration=timedelta(days=days) if days is not None else None,
        reason=body["reason"],
        reject_pending=body["reject_pending"],
    )
    b = result.ban
    return {
        "id": b.id,
        "kind": b.kind.value,
        "label": b.label,
        "reason": b.reason,
        "expires_at": b.expires_at,
        "rejected": result.rejected,
    }
