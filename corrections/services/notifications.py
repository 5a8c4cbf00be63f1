"""What we tell people, by email through the outbox, when something is decided for them.

Links in emails are absolute, under the ``PUBLIC_URL`` setting. It is read from the
application's config here, at the one place that writes links, rather than passed through
every decision's signature: the notices are always written inside an app context (a
request, a CLI command, a test). They are written in the site's default language
(``CORRECTIONS_DEFAULT_LOCALE``), whoever made the decision.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy.orm import Session

from corrections.i18n import _, site_locale
from corrections.models import Article, Correction, CorrectionKind, CorrectionStatus, Update
from corrections.services.outbox import enqueue
from corrections.services.words import CORRECTION_REASON_WORDS, CORRECTION_STATUS_WORDS


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
        return _(
            "It was accepted and published as Update %(update)s in version %(version)s "
            "of the article. Thank you.",
            update=update.number,
            version=version,
        )
    if status == CorrectionStatus.REJECTED:
        code = correction.decision_reason or "other"
        reason = CORRECTION_REASON_WORDS.get(code) or code.replace("_", " ")
        if correction.decision_note:
            return _(
                "It was not accepted (reason: %(reason)s).\n\nThe moderators' note: %(note)s",
                reason=reason,
                note=correction.decision_note,
            )
        return _("It was not accepted (reason: %(reason)s).", reason=reason)
    if status == CorrectionStatus.DUPLICATE:
        return _("Someone suggested the same correction before you; it is handled there.")
    if status == CorrectionStatus.NEEDS_INFO:
        return _(
            "The moderators need more information before they decide:\n\n"
            "%(question)s\n\n"
            "Please answer on your correction's tracking page.",
            question=correction.info_request,
        )
    return _(
        "Its status is now: %(status)s.", status=CORRECTION_STATUS_WORDS.get(status, status.value)
    )


def correction_decided(
    session: Session, correction: Correction, article: Article, published: object | None
) -> None:
    """Queue the reporter's email about a decision, in the decision's transaction."""
    update = getattr(published, "update", None)
    revision = getattr(published, "revision", None)
    where = f"/a/{article.slug}" + (f"#update-{update.number}" if update is not None else "")
    title = article.title
    is_correction = correction.kind is CorrectionKind.CORRECTION
    with site_locale():
        sentence = _decision_sentence(correction, update, revision.number if revision else None)
        suggested = (
            _("You suggested a correction to “%(title)s”.", title=title)
            if is_correction
            else _("You suggested a clarification to “%(title)s”.", title=title)
        )
        body = _(
            "Hello %(name)s,\n\n%(suggested)s\n\n%(sentence)s\n\n"
            "Follow it with the private tracking link you kept when you sent it (%(tracking)s).\n"
            "The article: %(article)s\n",
            name=correction.reporter_name,
            suggested=suggested,
            sentence=sentence,
            tracking=public_link(f"/c/{correction.public_id}"),
            article=public_link(where),
        )
        subject = (
            _("Your correction: %(title)s", title=title)
            if is_correction
            else _("Your clarification: %(title)s", title=title)
        )
    enqueue(session, correction.reporter_email, subject, body)
