"""Threads through the API: reading a section's published comments, and posting one.

Posting uses no cookies: a browser's session never makes a post act as its signed-in
account (so no page elsewhere can post as them). The poster is a guest identified by its
address, or the account of an ``Authorization: Bearer`` API token. An ``Idempotency-Key``
header makes a repeated request return the first result.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request

from corrections.api.auth import BEARER, current_api_user
from corrections.api.parsing import Blueprint
from corrections.api.schemas import (
    CommentIdempotencySchema,
    CommentPageSchema,
    CommentQuerySchema,
    ErrorSchema,
    NewCommentSchema,
    PostedCommentSchema,
)
from corrections.db import database_int
from corrections.extensions import db
from corrections.i18n import _
from corrections.models import Comment, User
from corrections.services import comments, threads
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput, latest_section
from corrections.services.errors import Invalid
from corrections.services.hashing import network_hash
from corrections.web import caching
from corrections.web.protection import idempotency_key
from corrections.web.threads import comment_submission_limit

blp = Blueprint("comments", __name__, url_prefix="/api/v1", description="Section threads")


def comment_payload(c: threads.ThreadComment | Comment) -> dict[str, Any]:
    if isinstance(c, Comment):
        quote = c.anchor.exact if c.anchor else None
        html = c.body_html
    else:
        quote, html = c.quote, c.html
    return {
        "id": c.id,
        "parent_id": c.parent_id,
        "author_name": c.author_name,
        "html": html,
        "quote": quote,
        "created_at": c.created_at,
        "edited_at": c.edited_at,
    }


def _cursor(after: str | None) -> int | None:
    """The ``after`` cursor: a comment id as ``next`` gave it, or None for the first page."""
    if not after:
        return None
    try:
        return database_int(after)
    except ValueError as exc:
        # Not only letters: "²" passes str.isdigit(), and 10**23 fits no id column.
        raise Invalid(
            _("The cursor is not valid."), fields={"after": [_("Use the 'next' value.")]}
        ) from exc


def _poster() -> User | None:
    """The account of the request's API token; None (a guest) without ``Authorization``."""
    return current_api_user() if request.headers.get("Authorization") else None


def _submitter(user: User | None, name: str, email: str | None) -> Submitter:
    secret = current_app.config["SECRET_KEY"]
    network = network_hash(secret, request.remote_addr)
    return Submitter(secret=secret, user=user, name=name, email=email, network_hash=network)


@blp.get("/articles/<slug>/sections/<key>/comments")
@blp.arguments(CommentQuerySchema, location="query")
@blp.response(200, CommentPageSchema)
@blp.alt_response(304, description="Not modified: the If-None-Match validator still holds")
@blp.alt_response(404, schema=ErrorSchema)
def list_comments(args: dict[str, Any], slug: str, key: str):
    """Published comments of a section, oldest first, 50 at a time (``next`` is the cursor)."""
    after = _cursor(args["after"])
    target = latest_section(db.session, slug, key)
    section_id = target.section.section_id
    # Public and the same for everyone: a validator of the section's visible comments.
    state = ["api-thread", section_id, args["limit"], after]
    etag = caching.etag_of(state + list(threads.thread_state(db.session, section_id=section_id)))
    unchanged = caching.not_modified(etag, private=False)
    if unchanged is not None:
        return unchanged
    page = threads.thread_page(
        db.session,
        target.section.section_id,
        after=after,
        limit=args["limit"],
        published_only=True,
    )
    payload = {
        "comments": [comment_payload(c) for c in page.comments],
        "next": str(page.next_after) if page.next_after else None,
    }
    return payload, 200, caching.validator_headers(etag, private=False)


@blp.post("/articles/<slug>/sections/<key>/comments")
@comment_submission_limit
@blp.arguments(CommentIdempotencySchema, location="headers", as_kwargs=True)
@blp.arguments(NewCommentSchema)
@blp.response(201, PostedCommentSchema)
@blp.alt_response(202, schema=PostedCommentSchema, description="Held for moderation")
@blp.alt_response(
    401, schema=ErrorSchema, description="An Authorization header, but no valid token"
)
@blp.alt_response(403, schema=ErrorSchema, description="Posting from here is banned")
@blp.alt_response(404, schema=ErrorSchema, description="No such article, section or parent")
@blp.alt_response(422, schema=ErrorSchema, description="Invalid fields, by name")
@blp.alt_response(429, schema=ErrorSchema, description="Too many comments; see Retry-After")
@blp.doc(security=[{}, *BEARER])
def post_comment(
    body: dict[str, Any], slug: str, key: str, idempotency_key_header: str | None = None
):
    """Post a comment; 201 when published at once, 202 when held for moderation.

    Without ``Authorization`` the poster is a guest and ``author_name`` is required; with an
    API token (``Bearer``) the comment is its account's, under the account's name. Cookies
    are ignored. Send an ``Idempotency-Key`` header to make retries safe: a repeat answers
    with the first comment as it is now (its status may have changed since).
    """
    quote = body["quote"]
    user = _poster()
    client = str(user.id) if user is not None else request.remote_addr
    result = comments.post_comment(
        db.session,
        slug=slug,
        section_key=key,
        body=body["body"],
        submitter=_submitter(user, body["author_name"] or "", body["author_email"]),
        site_mode=current_app.config["CORRECTIONS_MODERATION_MODE"],
        parent_id=body["parent_id"],
        quote=QuoteInput(quote["exact"], quote["prefix"], quote["suffix"]) if quote else None,
        idempotency_key=idempotency_key("api-comment", idempotency_key_header, client=client),
    )
    comment = result.comment
    status = comment.status.value
    payload = {"status": status, "comment": comment_payload(comment)}
    return payload, 201 if status == "published" else 202
