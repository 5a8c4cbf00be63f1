"""Moderators' decisions on corrections, and the central operation: accepting one.

Accepting is one transaction: compare-and-set the correction (``status`` open and ``version``
as the moderator saw it), allocate the next update and revision numbers under the article's
lock, insert the Update and the Revision (with the quoted words replaced when asked), link
them, write the audit entry and the reporter's notification, commit. A second or stale accept
gets ``Conflict`` (HTTP 409) and changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrections.db import begin_write, utcnow
from corrections.i18n import _, _l, number, site_locale
from corrections.models import (
    OPEN_STATUSES,
    AnchorState,
    Article,
    Correction,
    CorrectionStatus,
    Revision,
    RevisionKind,
    Role,
    Update,
    User,
)
from corrections.services import notifications
from corrections.services.articles import revision_sections
from corrections.services.audit import record_action
from corrections.services.errors import Conflict, Invalid, NotFound
from corrections.services.revisions import SectionDraft, locked_article, publish_revision
from corrections.services.users import require_role

MAX_UPDATE_CHARS = 5_000
MAX_NOTE_CHARS = 2_000
REJECT_REASONS = {
    "not_an_error": "Not an error",
    "no_reliable_source": "No reliable source",
    "out_of_scope": "Out of scope",
    "spam": "Spam",
    "other": "Other",
}


@dataclass(frozen=True)
class Published:
    """What an accepted correction or a hand-written update published."""

    update: Update
    revision: Revision


def _load(session: Session, correction_id: int) -> Correction:
    correction = session.get(Correction, correction_id)
    if correction is None:
        raise NotFound(_("There is no such correction."))
    return correction


# What a moderator is told of a missing or too long text, by what the text is.
_TEXT_WORDS = {
    "update text": (
        _l("Write the update text."),
        _l("The update text can be at most %(limit)s characters."),
    ),
    "note for the reporter": (
        _l("Write the note for the reporter."),
        _l("The note for the reporter can be at most %(limit)s characters."),
    ),
    "question for the reporter": (
        _l("Write the question for the reporter."),
        _l("The question for the reporter can be at most %(limit)s characters."),
    ),
}


def _clean(text: str | None, *, field: str, limit: int, required: bool, what: str) -> str:
    text = (text or "").strip()
    missing, too_long = _TEXT_WORDS[what]
    if required and not text:
        raise Invalid(missing, fields={field: [missing]})
    if len(text) > limit:
        raise Invalid(
            too_long % {"limit": number(limit)},
            fields={field: [_("At most %(count)s characters.", count=number(limit))]},
        )
    return text


def _transition(
    session: Session,
    correction: Correction,
    *,
    allowed: tuple[CorrectionStatus, ...],
    to: CorrectionStatus,
    expected_version: int,
    actor: User,
    **values: object,
) -> CorrectionStatus:
    """Compare-and-set: change status only if it is still as the moderator saw it."""
    old = correction.status
    result = session.execute(
        update(Correction)
        .where(
            Correction.id == correction.id,
            Correction.status.in_(allowed),
            Correction.version == expected_version,
        )
        .values(status=to, version=Correction.version + 1, **values)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:
        session.rollback()
        now = session.get(Correction, correction.id).status.value.replace("_", " ")
        raise Conflict(
            _(
                "This correction was decided or changed since you opened it (it is now "
                "%(status)s). Reload it to see the latest state; nothing was changed.",
                status=now,
            )
        )
    session.refresh(correction)
    return old


def next_update_number(session: Session, article: Article) -> int:
    latest = session.scalar(select(func.max(Update.number)).where(Update.article_id == article.id))
    return (latest or 0) + 1


def publish_update(
    session: Session,
    article: Article,
    actor: User,
    body: str,
    *,
    summary: str,
    drafts: list[SectionDraft] | None = None,
) -> Published:
    """Add the next Update and the Revision that shows it; the article must be locked."""
    revision = publish_revision(
        session, article, kind=RevisionKind.UPDATE, summary=summary, actor=actor, drafts=drafts
    )
    entry = Update(
        article_id=article.id,
        number=next_update_number(session, article),
        body=body,
        published_at=revision.created_at,
        revision_id=revision.id,
        created_by_id=actor.id,
    )
    session.add(entry)
    session.flush()
    return Published(entry, revision)


def _apply_proposed_text(
    session: Session, article: Article, correction: Correction, replacement: str | None = None
) -> list[SectionDraft]:
    """The current sections with the quoted words replaced by the proposal (or by the
    moderator's ``replacement`` of it)."""
    new_words = correction.proposed_text if replacement is None else replacement
    # The latest sections only: the article's updates (thousands, perhaps) are not needed.
    sections = revision_sections(session, article.current_revision_id)
    anchor = correction.anchor
    if anchor.state != AnchorState.CURRENT or anchor.current_revision_id is None:
        raise Conflict(
            _(
                "The quoted words are no longer in the current version, so they cannot be "
                "replaced automatically. Accept without replacing them, or edit the text."
            )
        )
    drafts = []
    for section in sections:
        text = section.text
        if section.section_id == anchor.section_id:
            if text[anchor.current_start : anchor.current_end] != anchor.exact:
                raise Conflict(
                    _(
                        "The quoted words were reworded in a later version, so they cannot be "
                        "replaced automatically. Accept without replacing them, or edit the text."
                    )
                )
            text = text[: anchor.current_start] + new_words + text[anchor.current_end :]
        drafts.append(SectionDraft(section.key, section.heading, section.kind, text))
    return drafts


def accept(
    session: Session,
    actor: User | None,
    correction_id: int,
    *,
    update_text: str,
    apply_text: bool,
    expected_version: int,
    replacement: str | None = None,
) -> Published:
    """Accept a correction: Update N and Revision M in one transaction, or Conflict.

    With ``apply_text`` the quoted words are replaced by the proposed text, or by
    ``replacement`` when the moderator edited it.
    """
    moderator = require_role(actor, Role.MODERATOR)
    body = _clean(
        update_text, field="update_text", limit=MAX_UPDATE_CHARS, required=True, what="update text"
    )
    begin_write(session)
    try:
        correction = _load(session, correction_id)
        article = locked_article(session, correction.article_id)
        old = _transition(
            session,
            correction,
            allowed=OPEN_STATUSES,
            to=CorrectionStatus.ACCEPTED,
            expected_version=expected_version,
            actor=moderator,
            decided_at=utcnow(),
            decided_by_id=moderator.id,
            text_applied=apply_text,
        )
        drafts = None
        if apply_text:
            drafts = _apply_proposed_text(session, article, correction, replacement)
            # Its own words are replaced by its fix: "applied", never carried elsewhere.
            correction.anchor.state = AnchorState.APPLIED
            correction.applied_text = (
                correction.proposed_text if replacement is None else replacement
            )
            session.flush()
        with site_locale():  # stored with the version, in the publication's language
            summary = (
                _("Clarification accepted")
                if correction.kind.value == "clarification"
                else _("Correction accepted")
            )
        published = publish_update(
            session, article, moderator, body, summary=summary, drafts=drafts
        )
        correction.update_id = published.update.id
        if apply_text:
            correction.applied_revision_id = published.revision.id
        record_action(
            session,
            actor=moderator,
            action="accept",
            target_type="correction",
            target_id=correction.id,
            old_status=old.value,
            new_status="accepted",
            reason=f"Update {published.update.number}",
            article_id=article.id,
        )
        notifications.correction_decided(session, correction, article, published)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(_("Another update was published at the same moment; try again.")) from exc
    except BaseException:
        session.rollback()
        raise
    return published


def _decide(
    session: Session,
    actor: User | None,
    correction_id: int,
    *,
    action: str,
    allowed: tuple[CorrectionStatus, ...],
    to: CorrectionStatus,
    expected_version: int,
    reason: str | None = None,
    **values: object,
) -> Correction:
    moderator = require_role(actor, Role.MODERATOR)
    begin_write(session)
    try:
        correction = _load(session, correction_id)
        old = _transition(
            session,
            correction,
            allowed=allowed,
            to=to,
            expected_version=expected_version,
            actor=moderator,
            **({"decided_at": utcnow(), "decided_by_id": moderator.id} | values),
        )
        record_action(
            session,
            actor=moderator,
            action=action,
            target_type="correction",
            target_id=correction.id,
            old_status=old.value,
            new_status=to.value,
            reason=reason,
            article_id=correction.article_id,
        )
        article = session.get(Article, correction.article_id)
        notifications.correction_decided(session, correction, article, None)
        session.commit()
    except BaseException:
        session.rollback()
        raise
    return correction


def reject(
    session: Session,
    actor: User | None,
    correction_id: int,
    *,
    reason: str,
    note: str,
    expected_version: int,
) -> Correction:
    if reason not in REJECT_REASONS:
        raise Invalid(_("Choose a reason."), fields={"reason": [_("Choose a reason.")]})
    note = _clean(
        note,
        field="note",
        limit=MAX_NOTE_CHARS,
        required=reason == "other",
        what="note for the reporter",
    )
    return _decide(
        session,
        actor,
        correction_id,
        action="reject",
        allowed=OPEN_STATUSES,
        to=CorrectionStatus.REJECTED,
        expected_version=expected_version,
        reason=f"{REJECT_REASONS[reason]}: {note}" if note else REJECT_REASONS[reason],
        decision_reason=reason,
        decision_note=note or None,
    )


def mark_duplicate(
    session: Session,
    actor: User | None,
    correction_id: int,
    *,
    duplicate_of: int,
    expected_version: int,
) -> Correction:
    original = session.get(Correction, duplicate_of)
    current = _load(session, correction_id)
    if original is None or original.id == current.id or original.article_id != current.article_id:
        raise Invalid(
            _("Choose another correction of the same article."),
            fields={"duplicate_of": [_("Choose another correction of this article.")]},
        )
    return _decide(
        session,
        actor,
        correction_id,
        action="duplicate",
        allowed=OPEN_STATUSES,
        to=CorrectionStatus.DUPLICATE,
        expected_version=expected_version,
        reason=f"duplicate of #{original.id}",
        duplicate_of_id=original.id,
    )


def ask_for_info(
    session: Session,
    actor: User | None,
    correction_id: int,
    *,
    message: str,
    expected_version: int,
) -> Correction:
    message = _clean(
        message,
        field="message",
        limit=MAX_NOTE_CHARS,
        required=True,
        what="question for the reporter",
    )
    return _decide(
        session,
        actor,
        correction_id,
        action="needs_info",
        allowed=(CorrectionStatus.PENDING,),
        to=CorrectionStatus.NEEDS_INFO,
        expected_version=expected_version,
        reason=message,
        info_request=message,
    )


def reopen(
    session: Session,
    actor: User | None,
    correction_id: int,
    *,
    expected_version: int,
    reason: str = "",
) -> Correction:
    """Back to pending. An accepted correction stays accepted: its update is published."""
    correction = _load(session, correction_id)
    if correction.status == CorrectionStatus.ACCEPTED:
        raise Conflict(
            _(
                "This correction was published as an update, which is never unpublished. "
                "Publish a new update if it needs amending."
            )
        )
    return _decide(
        session,
        actor,
        correction_id,
        action="reopen",
        allowed=(CorrectionStatus.REJECTED, CorrectionStatus.DUPLICATE, CorrectionStatus.WITHDRAWN),
        to=CorrectionStatus.PENDING,
        expected_version=expected_version,
        reason=reason.strip() or None,
        decided_at=None,
        decided_by_id=None,
    )


def add_update(session: Session, actor: User | None, slug: str, text: str) -> Published:
    """An update by hand (an author's note with no correction behind it)."""
    moderator = require_role(actor, Role.MODERATOR)
    body = _clean(
        text, field="update_text", limit=MAX_UPDATE_CHARS, required=True, what="update text"
    )
    begin_write(session)
    try:
        found = session.scalar(select(Article.id).where(Article.slug == slug))
        if found is None:
            raise NotFound(_("There is no article called %(slug)s.", slug=repr(slug)))
        article = locked_article(session, found)
        with site_locale():  # stored with the version, in the publication's language
            summary = _("Update added")
        published = publish_update(session, article, moderator, body, summary=summary)
        record_action(
            session,
            actor=moderator,
            action="add_update",
            target_type="article",
            target_id=article.id,
            new_status="published",
            reason=f"Update {published.update.number}",
            article_id=article.id,
        )
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(_("Another update was published at the same moment; try again.")) from exc
    except BaseException:
        session.rollback()
        raise
    return published
