"""The author's draft through the API (``Authorization: Bearer``; authors and admins).

Open (GET), save (PUT, with the version last read), rebase and publish the one draft an
author has of an article. Publishing when someone published since the draft started answers
409 with what changed meanwhile, so a client can show it and rebase; nothing is overwritten.
"""

from __future__ import annotations

from typing import Any

from flask import jsonify

from corrections.api.auth import BEARER, current_api_user, require_api_role
from corrections.api.draft_schemas import (
    DraftConflictSchema,
    DraftPublishSchema,
    DraftRebaseSchema,
    DraftSaveSchema,
    DraftSchema,
    PublishedDraftSchema,
    RebasedSchema,
)
from corrections.api.parsing import Blueprint
from corrections.api.schemas import ErrorSchema
from corrections.extensions import db
from corrections.models import Draft, Role
from corrections.services import drafts
from corrections.services.applied_fixes import UndoesCorrection
from corrections.services.articles import read_article
from corrections.services.draft_conflicts import DraftConflict, Meanwhile
from corrections.services.draft_store import base_revision

blp = Blueprint(
    "author_drafts",
    __name__,
    url_prefix="/api/v1/articles/<slug>/draft",
    description="The author's draft of an article (authors and admins)",
)


def draft_payload(slug: str, draft: Draft) -> dict[str, Any]:
    return {
        "article": slug,
        "version": draft.version,
        "base_revision": base_revision(db.session, draft).number,
        "latest_revision": read_article(db.session, slug).latest_number,
        "summary": draft.summary,
        "sections": draft.sections,
        "applied_corrections": draft.applied_corrections,
        "needs_look": draft.looks,
        "updated_at": draft.updated_at,
    }


def conflict_payload(conflict: DraftConflict) -> dict[str, Any]:
    meanwhile = conflict.meanwhile
    return {
        "error": {
            "code": conflict.code,
            "message": conflict.message,
            "base_revision": meanwhile.base_number,
            "latest_revision": meanwhile.latest_number,
            "changes": [
                {
                    "key": change.key,
                    "heading": Meanwhile.label(change),
                    "status": change.status,
                    "renamed": change.renamed,
                    "moved": change.moved,
                    "changed_in_draft": change.key in meanwhile.also_in_draft,
                    "diff": [list(op) for op in change.ops],
                }
                for change in meanwhile.changes
            ],
            "updates": [update.number for update in meanwhile.updates],
        }
    }


def undone_payload(refused: UndoesCorrection) -> dict[str, Any]:
    return {
        "error": {
            "code": refused.code,
            "message": refused.message,
            "undone": [
                {
                    "correction": fix.correction_id,
                    "update": fix.update_number,
                    "section": fix.section_key,
                    "old_words": fix.old_words,
                    "new_words": fix.new_words,
                }
                for fix in refused.undone
            ],
        }
    }


def errors(*codes: int):
    def apply(view):
        for code in codes:
            view = blp.alt_response(code, schema=ErrorSchema)(view)
        return blp.doc(security=BEARER)(view)

    return apply


@blp.get("")
@require_api_role(Role.AUTHOR)
@blp.response(200, DraftSchema)
@errors(401, 403, 404)
def get_draft(slug: str):
    """The caller's draft of the article, started from the latest version if there is none."""
    return draft_payload(slug, drafts.open_draft(db.session, current_api_user(), slug))


@blp.put("")
@require_api_role(Role.AUTHOR)
@blp.arguments(DraftSaveSchema)
@blp.response(200, DraftSchema)
@errors(401, 403, 404, 409, 422)
def save_draft(body: dict[str, Any], slug: str):
    """Replace the draft's sections and summary; 409 when saved since ``expected_version``."""
    draft = drafts.save_draft(
        db.session,
        current_api_user(),
        slug,
        body["sections"],
        body["summary"],
        body["expected_version"],
        checked=body["checked"],
    )
    return draft_payload(slug, draft)


@blp.delete("")
@require_api_role(Role.AUTHOR)
@blp.response(204)
@errors(401, 403, 404)
def discard_draft(slug: str):
    """Throw the draft away; the published article is not touched."""
    drafts.discard_draft(db.session, current_api_user(), slug)


@blp.post("/rebase")
@require_api_role(Role.AUTHOR)
@blp.arguments(DraftRebaseSchema)
@blp.response(200, RebasedSchema)
@errors(401, 403, 404, 409, 422)
def rebase_draft(body: dict[str, Any], slug: str):
    """Take the latest text wherever the draft made no change; keep the draft's elsewhere."""
    result = drafts.rebase_draft(db.session, current_api_user(), slug, body["expected_version"])
    rebased = result.rebased
    return {
        "draft": draft_payload(slug, result.draft),
        "took_newer": rebased.took_newer,
        "merged": rebased.merged,
        "needs_look": rebased.needs_look,
        "looks": [look.as_dict() for look in rebased.looks],
        "added_meanwhile": rebased.added_meanwhile,
        "removed_meanwhile": rebased.removed_meanwhile,
    }


@blp.post("/publish")
@require_api_role(Role.AUTHOR)
@blp.arguments(DraftPublishSchema)
@blp.response(200, PublishedDraftSchema)
@blp.alt_response(409, schema=DraftConflictSchema)
@errors(401, 403, 404, 422)
def publish_draft(body: dict[str, Any], slug: str):
    """Publish the draft as the next version (kind ``edit``); 409 lists what changed
    meanwhile when someone published since the draft started."""
    try:
        revision = drafts.publish_draft(
            db.session,
            current_api_user(),
            slug,
            body["summary"],
            body["expected_version"],
            confirm_undo=body["confirm_undo"],
        )
    except DraftConflict as conflict:
        db.session.rollback()
        response = jsonify(conflict_payload(conflict))
        response.status_code = 409
        return response
    except UndoesCorrection as refused:
        db.session.rollback()
        response = jsonify(undone_payload(refused))
        response.status_code = 409
        return response
    return {"revision": {"number": revision.number}}
