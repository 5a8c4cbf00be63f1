"""What we tell people, by email through the outbox, when something is decided for them."""

from __future__ import annotations

from sqlalchemy.orm import Session

from corrections.models import Article, Correction, CorrectionStatus, Update
from corrections.services.outbox import enqueue


def _decision_sentence(correction: Correction, update: Update | None, version: int | None) -> str:
    status = correction.status
    if status == CorrectionStatus.ACCEPTED and update is not None:
        return (
            f"It was accepted and published as Update {update.number} in version {version} "
            "of the article. Thank you."
        )
    if status == CorrectionStatus.REJECTED:
        note = (
            f"\n\nThe moderators' note: {correction.decision_note}"
            if correction.decision_note
            else ""
        )
        reason = (correction.decision_reason or "other").replace("_", " ")
        return f"It was not accepted (reason: {reason}).{note}"
    if status == CorrectionStatus.DUPLICATE:
        return "Someone suggested the same correction before you; it is handled there."
    if status == CorrectionStatus.NEEDS_INFO:
        return (
            "The moderators need more information before they decide:\n\n"
            f"{correction.info_request}\n\n"
            "Please answer on your correction's tracking page."
        )
    return f"Its status is now: {status.value.replace('_', ' ')}."


def correction_decided(
    session: Session, correction: Correction, article: Article, published: object | None
) -> None:
    """Queue the reporter's email about a decision, in the decision's transaction."""
    update = getattr(published, "update", None)
    revision = getattr(published, "revision", None)
    sentence = _decision_sentence(correction, update, revision.number if revision else None)
    body = (
        f"Hello {correction.reporter_name},\n\n"
        f"You suggested a {correction.kind.value} to “{article.title}”.\n\n"
        f"{sentence}\n\n"
        "Follow it with the private tracking link you kept when you sent it "
        f"(/c/{correction.public_id}).\n"
        f"The article: /a/{article.slug}\n"
    )
    enqueue(
        session, correction.reporter_email, f"Your {correction.kind.value}: {article.title}", body
    )
