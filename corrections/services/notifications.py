"""What we tell people, by email through the outbox, when something is decided for them.

Links in emails are absolute, under the ``PUBLIC_URL`` setting. It is read from the
application's config here, at the one place that writes links, rather than passed through
every decision's signature: the notices are always written inside an app context (a
request, a CLI command, a test).
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from corrections.models import Article, Correction, CorrectionStatus, Update
from corrections.services.outbox import enqueue


def public_link(path: str) -> str:
    """``PUBLIC_URL`` + ``path``: a link that works from a mail client.

    Only a production site that sends no mail (the messages are logged) may leave
    ``PUBLIC_URL`` unset; its logged messages keep the bare path.
    """
    base = current_app.config.get("PUBLIC_URL")
    return f"{base}{path}" if base else path


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
    where = f"/a/{article.slug}" + (f"#update-{update.number}" if update is not None else "")
    body = (
        f"Hello {correction.reporter_name},\n\n"
        f"You suggested a {correction.kind.value} to “{article.title}”.\n\n"
        f"{sentence}\n\n"
        "Follow it with the private tracking link you kept when you sent it "
        f"({public_link(f'/c/{correction.public_id}')}).\n"
        f"The article: {public_link(where)}\n"
    )
    enqueue(
        session, correction.reporter_email, f"Your {correction.kind.value}: {article.title}", body
    )
