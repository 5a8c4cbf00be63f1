"""Reader corrections over JSON: submitting one, and reading its status with its token.

A correction is tracked with the token returned once by the submission, sent back as
``Authorization: Bearer <token>``; a wrong or missing token is a 404, like an unknown id.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, request
from flask.wrappers import Response

from corrections.api.auth import bearer_token
from corrections.api.correction_schemas import (
    CorrectionCreatedSchema,
    CorrectionCreateSchema,
    CorrectionIdempotencySchema,
    TrackedCorrectionSchema,
)
from corrections.api.parsing import Blueprint
from corrections.api.schemas import ErrorSchema
from corrections.extensions import db
from corrections.services import corrections
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.hashing import network_hash
from corrections.web.corrections import submission_limit
from corrections.web.protection import idempotency_key

blp = Blueprint(
    "corrections_api",
    __name__,
    url_prefix="/api/v1",
    description="Reader corrections backed by sources, and their private tracking",
)
TRACKING = [{"trackingToken": []}]


@blp.record_once
def _document_tracking_token(state: Any) -> None:
    api = state.app.extensions["flask-smorest"]["blp_name_to_api"][blp.name]
    api.spec.components.security_scheme(
        "trackingToken",
        {"type": "http", "scheme": "bearer", "description": "A correction's tracking token"},
    )


@blp.after_request
def _private(response: Response) -> Response:
    response.headers["Cache-Control"] = "no-store"
    return response


def _guest(name: str, email: str | None) -> Submitter:
    # The API uses no cookies: a submission never acts as the browser's signed-in user.
    secret = current_app.config["SECRET_KEY"]
    network = network_hash(secret, request.remote_addr)
    return Submitter(secret=secret, name=name, email=email, network_hash=network)


@blp.post("/articles/<slug>/corrections")
@submission_limit
@blp.arguments(CorrectionIdempotencySchema, location="headers", as_kwargs=True)
@blp.arguments(CorrectionCreateSchema)
@blp.response(202, CorrectionCreatedSchema, description="Received; it waits for a moderator")
@blp.alt_response(200, schema=CorrectionCreatedSchema, description="A repeat of a request")
@blp.alt_response(403, schema=ErrorSchema, description="Submissions from here are banned")
@blp.alt_response(404, schema=ErrorSchema, description="No such article or section")
@blp.alt_response(422, schema=ErrorSchema, description="Invalid fields, by name")
@blp.alt_response(429, schema=ErrorSchema, description="Too many submissions; see Retry-After")
def submit(body: dict[str, Any], slug: str, idempotency_key_header: str | None = None):
    """Suggest a correction of the quoted words of a section, with 1-5 source links.

    Send an ``Idempotency-Key`` header to make retries safe: a repeat answers 200 with the
    first correction's id and a null ``tracking_token``.
    """
    quote = body["quote"]
    result = corrections.submit_correction(
        db.session,
        slug=slug,
        section_key=body["section"],
        quote=QuoteInput(quote["exact"], quote["prefix"], quote["suffix"]),
        kind=body["kind"],
        proposed_text=body["proposed_text"],
        explanation=body["explanation"],
        links=body["links"],
        submitter=_guest(body["reporter_name"], body["reporter_email"]),
        idempotency_key=idempotency_key("api-correction", idempotency_key_header),
    )
    payload = {
        "correction": {"id": result.correction.public_id, "status": result.correction.status.value},
        "tracking_token": result.tracking_token,
    }
    return payload, 202 if result.created else 200


@blp.get("/corrections/<public_id>")
@blp.doc(security=TRACKING)
@blp.response(200, TrackedCorrectionSchema)
@blp.alt_response(404, schema=ErrorSchema, description="Unknown id, or not its token")
def track(public_id: str):
    """The status of a correction, for whoever holds its tracking token."""
    tracked = corrections.tracking_view(db.session, public_id, bearer_token())
    c = tracked.correction
    return {
        "id": c.public_id,
        "status": c.status.value,
        "kind": c.kind.value,
        "decision_reason": c.decision_reason,
        "decision_note": c.decision_note,
        "info_request": c.info_request,
        "update": tracked.update_number,
        "revision": tracked.revision_number,
        "applied_in": c.applied_revision.number if c.applied_revision is not None else None,
    }
