"""Moderators' decisions on corrections through the API (``Authorization: Bearer``)."""

from __future__ import annotations

from typing import Any

from corrections.api.auth import BEARER, current_api_user, require_api_role
from corrections.api.decision_schemas import (
    AcceptedSchema,
    AcceptSchema,
    DecidedSchema,
    DuplicateSchema,
    ModerationCorrectionSchema,
    NeedsInfoSchema,
    RejectSchema,
)
from corrections.api.parsing import Blueprint
from corrections.api.schemas import ErrorSchema
from corrections.extensions import db
from corrections.models import Correction, Role
from corrections.services import decisions, review

blp = Blueprint(
    "moderation_corrections",
    __name__,
    url_prefix="/api/v1/moderation/corrections",
    description="Deciding on corrections (moderators)",
)


def decided(correction: Correction) -> dict[str, Any]:
    return {"id": correction.id, "status": correction.status.value, "version": correction.version}


def errors(*codes: int):
    def apply(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema)(view)
        return blp.doc(security=BEARER)(view)

    return apply


@blp.get("/<int:correction_id>")
@require_api_role(Role.MODERATOR)
@blp.response(200, ModerationCorrectionSchema)
@errors(401, 403, 404)
def get_correction(correction_id: int):
    """A correction as a moderator sees it, with the ``version`` to send back."""
    r = review.review(db.session, current_api_user(), correction_id)
    c = r.correction
    return {
        "id": c.id,
        "public_id": c.public_id,
        "article": r.article.slug,
        "section": r.section_key,
        "kind": c.kind.value,
        "status": c.status.value,
        "version": c.version,
        "quote": c.anchor.exact,
        "still_present": r.still_present,
        "proposed_text": c.proposed_text,
        "explanation": c.explanation,
        "links": [{"url": link.url, "domain": link.domain} for link in c.links],
        "reporter_name": c.reporter_name,
        "suggested_update_text": r.suggested_update,
        "created_at": c.created_at,
        "update": r.update.number if r.update else None,
        "revision": r.update_revision,
    }


@blp.post("/<int:correction_id>/accept")
@require_api_role(Role.MODERATOR)
@blp.arguments(AcceptSchema)
@blp.response(200, AcceptedSchema)
@errors(401, 403, 404, 409, 422)
def accept(body: dict[str, Any], correction_id: int):
    """Publish Update N in Revision M; 409 when already decided or ``expected_version`` is stale."""
    replacement = body["replacement"]
    published = decisions.accept(
        db.session,
        current_api_user(),
        correction_id,
        update_text=body["update_text"],
        apply_text=body["apply_proposed_text"] or replacement is not None,
        replacement=replacement,
        expected_version=body["expected_version"],
    )
    return {
        "update": {"number": published.update.number},
        "revision": {"number": published.revision.number},
    }


@blp.post("/<int:correction_id>/reject")
@require_api_role(Role.MODERATOR)
@blp.arguments(RejectSchema)
@blp.response(200, DecidedSchema)
@errors(401, 403, 404, 409, 422)
def reject(body: dict[str, Any], correction_id: int):
    """Reject with a reason; the note is shown to the reporter."""
    return decided(
        decisions.reject(
            db.session,
            current_api_user(),
            correction_id,
            reason=body["reason"],
            note=body["note"],
            expected_version=body["expected_version"],
        )
    )


@blp.post("/<int:correction_id>/duplicate")
@require_api_role(Role.MODERATOR)
@blp.arguments(DuplicateSchema)
@blp.response(200, DecidedSchema)
@errors(401, 403, 404, 409, 422)
def duplicate(body: dict[str, Any], correction_id: int):
    """Mark as a duplicate of another correction of the same article."""
    return decided(
        decisions.mark_duplicate(
            db.session,
            current_api_user(),
            correction_id,
            duplicate_of=body["duplicate_of"],
            expected_version=body["expected_version"],
        )
    )


@blp.post("/<int:correction_id>/needs-info")
@require_api_role(Role.MODERATOR)
@blp.arguments(NeedsInfoSchema)
@blp.response(200, DecidedSchema)
@errors(401, 403, 404, 409, 422)
def needs_info(body: dict[str, Any], correction_id: int):
    """Ask the reporter for more information (tracking page and email)."""
    return decided(
        decisions.ask_for_info(
            db.session,
            current_api_user(),
            correction_id,
            message=body["message"],
            expected_version=body["expected_version"],
        )
    )
