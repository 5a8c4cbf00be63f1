"""Reader corrections backed by sources: submitting one, tracking it, withdrawing it, and
answering the moderators' request for more information.

The reporter proves who they are with a private tracking token, shown once and stored only
as a hash. Reporter actions race moderators' decisions, so each is a conditional
``UPDATE ... WHERE status IN (...) AND version = :seen``; losing the race is a Conflict.
"""

from __future__ import annotations

import dataclasses
import secrets
from dataclasses import dataclass

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from corrections.db import begin_write, utcnow
from corrections.i18n import _, _l, number
from corrections.models import (
    Anchor,
    Article,
    Correction,
    CorrectionKind,
    CorrectionLink,
    CorrectionStatus,
    Revision,
    RevisionSection,
    Section,
    SectionKind,
    SectionText,
    Update,
)
from corrections.services.abuse import (
    REPEAT_WINDOW,
    Submitter,
    matching_words,
    refuse_blocked_words,
    refuse_if_banned,
)
from corrections.services.anchors import QuoteInput, SectionTarget, latest_section, make_anchor
from corrections.services.audit import record_action
from corrections.services.errors import Conflict, Invalid, NotFound
from corrections.services.hashing import constant_time_equal, new_token, token_hash
from corrections.services.users import normalize_email
from corrections.text.links import InvalidLink, link_domain, normalize_links

MAX_PROPOSED_CHARS = 5_000
MAX_EXPLANATION_CHARS = 2_000
MAX_NAME_CHARS = 80
MAX_REPLY_CHARS = 2_000
MAX_LINKS = 5
MAX_IDEMPOTENCY_KEY_CHARS = 80
TOKEN_PREFIX = "trk_"  # noqa: S105 - a label that makes leaked tokens recognisable
# Compared against when the id is unknown, so a miss costs the same as a wrong token.
_NO_SUCH_HASH = token_hash("no such correction")
_NOT_FOUND = _l("There is no correction at this address, or its tracking link is incomplete.")


@dataclass(frozen=True)
class SubmitResult:
    correction: Correction
    tracking_token: str | None  # shown once; None when this was a repeat of a submission
    created: bool


@dataclass(frozen=True)
class TrackedCorrection:
    """What the reporter sees of their correction on its tracking page."""

    correction: Correction
    article: Article
    section_key: str
    section_heading: str
    duplicate_of: str | None  # the other correction's public id
    update_number: int | None
    revision_number: int | None

    @property
    def status(self) -> CorrectionStatus:
        return self.correction.status

    @property
    def can_withdraw(self) -> bool:
        return self.status in (CorrectionStatus.PENDING, CorrectionStatus.NEEDS_INFO)


def _length(text: str, label: object, *, minimum: int, maximum: int) -> list[str]:
    if minimum and not text:
        return [_("%(label)s is required.", label=label)]
    if len(text) > maximum:
        return [
            _(
                "%(label)s can be at most %(limit)s characters; this has %(length)s.",
                label=label,
                limit=number(maximum),
                length=number(len(text)),
            )
        ]
    return []


def _check_fields(
    kind: str, proposed: str, explanation: str, name: str, email: str | None
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if kind not in {k.value for k in CorrectionKind}:
        errors["kind"] = [_("Choose a correction (of a fact) or a clarification (of wording).")]
    # The labels begin the messages: "What the text should say is required."
    checks = (
        ("proposed_text", proposed, _("What the text should say"), 1, MAX_PROPOSED_CHARS),
        ("explanation", explanation, _("The explanation"), 0, MAX_EXPLANATION_CHARS),
        ("reporter_name", name, _("Your name"), 1, MAX_NAME_CHARS),
    )
    for field, text, label, minimum, maximum in checks:
        if problems := _length(text, label, minimum=minimum, maximum=maximum):
            errors[field] = problems
    if email is not None:
        try:
            normalize_email(email)
        except Invalid:
            errors["reporter_email"] = [_("Enter an email address, or leave this empty.")]
    return errors


def _check_links(links: list[str]) -> tuple[list[str], dict[str, list[str]]]:
    try:
        return normalize_links(links, minimum=1, maximum=MAX_LINKS), {}
    except InvalidLink as error:
        index = error.index
        field = f"links-{index}" if index is not None and index < MAX_LINKS else "links"
        return [], {field: [error.message]}


def _check_words(session: Session, texts: dict[str, str]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for field, text in texts.items():
        try:
            refuse_blocked_words(matching_words(session, text))
        except Invalid as error:
            errors[field] = [error.message]
    return errors


def _anchor_or_errors(
    session: Session, target: SectionTarget, quote: QuoteInput
) -> tuple[Anchor | None, dict[str, list[str]]]:
    if target.section.kind == SectionKind.UPDATES:
        message = _(
            "The UPDATE section lists corrections already made; "
            "suggest your correction on the section it concerns."
        )
        return None, {"quote": [message]}
    try:
        return make_anchor(session, target, quote), {}
    except Invalid as error:
        return None, dict(error.fields)


def _refuse(errors: dict[str, list[str]]) -> Invalid:
    messages = [m for problems in errors.values() for m in problems]
    message = messages[0] if len(messages) == 1 else _("Some fields need your attention.")
    return Invalid(message, fields=errors)


def submit_correction(
    session: Session,
    *,
    slug: str,
    section_key: str,
    quote: QuoteInput,
    kind: str,
    proposed_text: str,
    explanation: str,
    links: list[str],
    submitter: Submitter,
    idempotency_key: str | None,
) -> SubmitResult:
    """Record a reader's correction of the words ``quote`` in a section's latest text.

    Every field problem is reported at once (``Invalid.fields``). A repeat of a submission
    (same ``idempotency_key``) returns the first correction with ``created=False``.
    """
    if idempotency_key is not None and len(idempotency_key) > MAX_IDEMPOTENCY_KEY_CHARS:
        raise Invalid(_("The idempotency key is too long."))
    proposed, explanation = (proposed_text or "").strip(), (explanation or "").strip()
    user = submitter.user
    name = " ".join((submitter.name or "").split()) or (user.display_name if user else "")
    email = (submitter.email or "").strip() or None
    errors = _check_fields(kind, proposed, explanation, name, email)
    clean_links, link_errors = _check_links(links)
    errors |= link_errors
    email = normalize_email(email) if email and "reporter_email" not in errors else None

    begin_write(session)
    try:
        refuse_if_banned(session, dataclasses.replace(submitter, name=name, email=email))
        target = latest_section(session, slug, section_key)
        anchor, quote_errors = _anchor_or_errors(session, target, quote)
        errors |= quote_errors
        if not errors:
            texts = {"proposed_text": proposed, "explanation": explanation, "reporter_name": name}
            errors = _check_words(session, texts)
        if errors:
            raise _refuse(errors)
        if anchor is not None:
            first = _by_idempotency_key(session, idempotency_key)
            if first is not None:  # a double submit: the first one stands, not a refusal
                session.rollback()
                return SubmitResult(first, None, created=False)
            try:
                _refuse_repeat(
                    session, submitter, target.section.section_id, anchor.exact, proposed
                )
            except Invalid:
                # The same double submit, sent while the first was being saved: the look-up
                # above missed the first, which has been committed since.
                first = _by_idempotency_key(session, idempotency_key)
                if first is None:
                    raise
                session.rollback()
                return SubmitResult(first, None, created=False)
        token = new_token(TOKEN_PREFIX)
        correction = Correction(
            public_id=secrets.token_urlsafe(12),
            article_id=target.article.id,
            section_id=target.section.section_id,
            anchor=anchor,
            kind=CorrectionKind(kind),
            proposed_text=proposed,
            explanation=explanation,
            reporter_name=name,
            reporter_email=email,
            reporter_user_id=user.id if user else None,
            token_hash=token_hash(token),
            network_hash=submitter.network_hash,
            idempotency_key=idempotency_key,
            status=CorrectionStatus.PENDING,
            links=[
                CorrectionLink(position=i, url=url, domain=link_domain(url)[:255])
                for i, url in enumerate(clean_links)
            ],
        )
        session.add(correction)
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        first = _by_idempotency_key(session, idempotency_key)
        if first is None:
            raise Conflict(_("This correction could not be saved; please send it again.")) from exc
        return SubmitResult(first, None, created=False)
    except BaseException:
        session.rollback()
        raise
    return SubmitResult(correction, token, created=True)


def _refuse_repeat(
    session: Session, submitter: Submitter, section_id: int, exact: str, proposed: str
) -> None:
    """The same proposed text for the same quoted words, from the same account or network,
    within ten minutes (as for comments) is refused: it was received the first time."""
    who = []
    if submitter.user is not None:
        who.append(Correction.reporter_user_id == submitter.user.id)
    if submitter.network_hash:
        who.append(Correction.network_hash == submitter.network_hash)
    if not who:
        return
    repeat = session.scalar(
        select(Correction.id)
        .join(Anchor, Anchor.id == Correction.anchor_id)
        .where(
            or_(*who),
            Correction.section_id == section_id,
            Correction.created_at >= utcnow() - REPEAT_WINDOW,
            Correction.proposed_text == proposed,
            Anchor.exact == exact,
        )
        .limit(1)
    )
    if repeat is not None:
        message = _(
            "You suggested this same correction of these words a few minutes ago; "
            "it was received then and was not sent twice. Follow it on its tracking page."
        )
        raise Invalid(message, fields={"proposed_text": [message]})


def _by_idempotency_key(session: Session, key: str | None) -> Correction | None:
    if key is None:
        return None
    return session.scalars(select(Correction).where(Correction.idempotency_key == key)).first()


def get_tracked(session: Session, public_id: str, token: str | None) -> Correction:
    """The correction, if ``token`` is its tracking token; otherwise NotFound.

    A wrong token and an unknown id look the same, so ids cannot be probed.
    """
    # populate_existing: decisions compare versions, so never trust a stale identity map.
    correction = session.scalars(
        select(Correction)
        .where(Correction.public_id == public_id[:32])
        .execution_options(populate_existing=True)
    ).one_or_none()
    expected = correction.token_hash if correction is not None else _NO_SUCH_HASH
    matches = constant_time_equal(token_hash(token or ""), expected)
    if correction is None or not token or not matches:
        raise NotFound(_NOT_FOUND)
    return correction


def tracking_view(session: Session, public_id: str, token: str | None) -> TrackedCorrection:
    """Everything the tracking page shows: status, decision, and where an accepted fix went."""
    correction = get_tracked(session, public_id, token)
    article = session.get_one(Article, correction.article_id)
    key, heading = session.execute(
        select(Section.key, SectionText.heading)
        .join(RevisionSection, RevisionSection.section_id == Section.id)
        .join(SectionText, RevisionSection.text_id == SectionText.id)
        .where(
            RevisionSection.revision_id == correction.anchor.revision_id,
            RevisionSection.section_id == correction.section_id,
        )
    ).one()
    duplicate_of = None
    if correction.duplicate_of_id is not None:
        duplicate_of = session.scalar(
            select(Correction.public_id).where(Correction.id == correction.duplicate_of_id)
        )
    numbers = None
    if correction.update_id is not None:
        numbers = session.execute(
            select(Update.number, Revision.number)
            .join(Revision, Update.revision_id == Revision.id)
            .where(Update.id == correction.update_id)
        ).first()
    update_number, revision_number = numbers if numbers is not None else (None, None)
    return TrackedCorrection(
        correction, article, key, heading, duplicate_of, update_number, revision_number
    )


# Why a reporter's withdrawal ("withdraw") or answer ("answer") is refused, by status.
_CLOSED = {
    ("withdraw", CorrectionStatus.ACCEPTED): _l(
        "The moderators have already accepted this correction; it can no longer be withdrawn."
    ),
    ("withdraw", CorrectionStatus.REJECTED): _l(
        "The moderators have already rejected this correction; it can no longer be withdrawn."
    ),
    ("withdraw", CorrectionStatus.DUPLICATE): _l(
        "The moderators have already marked as a duplicate this correction; "
        "it can no longer be withdrawn."
    ),
    ("withdraw", None): _l(
        "This correction is waiting for the moderators; it can no longer be withdrawn."
    ),
    ("answer", CorrectionStatus.ACCEPTED): _l(
        "The moderators have already accepted this correction; there is no question to answer."
    ),
    ("answer", CorrectionStatus.REJECTED): _l(
        "The moderators have already rejected this correction; there is no question to answer."
    ),
    ("answer", CorrectionStatus.DUPLICATE): _l(
        "The moderators have already marked as a duplicate this correction; "
        "there is no question to answer."
    ),
    ("answer", None): _l(
        "This correction is waiting for the moderators; there is no question to answer."
    ),
}


def _closed(correction: Correction, doing: str) -> Conflict:
    if correction.status == CorrectionStatus.WITHDRAWN:
        return Conflict(_("This correction is already withdrawn."))
    message = _CLOSED.get((doing, correction.status)) or _CLOSED[(doing, None)]
    return Conflict(message)


def _change_status(
    session: Session,
    correction: Correction,
    *,
    allowed: tuple[CorrectionStatus, ...],
    new_status: CorrectionStatus,
    action: str,
    values: dict[str, object] | None = None,
) -> None:
    """Compare-and-set the status, bump the version, log it; a lost race is a Conflict."""
    old_status = correction.status
    result = session.execute(
        update(Correction)
        .where(
            Correction.id == correction.id,
            Correction.status.in_(allowed),
            Correction.version == correction.version,
        )
        .values(status=new_status, version=Correction.version + 1, **(values or {}))
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise Conflict(
            _(
                "The moderators changed this correction at the same moment; "
                "reload the page to see where it stands."
            )
        )
    record_action(
        session,
        actor=None,
        action=action,
        target_type="correction",
        target_id=correction.id,
        old_status=old_status.value,
        new_status=new_status.value,
        article_id=correction.article_id,
    )


def withdraw(session: Session, public_id: str, token: str | None) -> Correction:
    """The reporter takes back a correction the moderators have not decided yet."""
    begin_write(session)
    try:
        correction = get_tracked(session, public_id, token)
        allowed = (CorrectionStatus.PENDING, CorrectionStatus.NEEDS_INFO)
        if correction.status not in allowed:
            raise _closed(correction, "withdraw")
        _change_status(
            session,
            correction,
            allowed=allowed,
            new_status=CorrectionStatus.WITHDRAWN,
            action="correction_withdrawn",
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(correction)
    return correction


def answer_info_request(
    session: Session, public_id: str, token: str | None, reply: str
) -> Correction:
    """The reporter answers the moderators' question; the correction goes back to the queue."""
    reply = (reply or "").strip()
    if problems := _length(reply, _("Your answer"), minimum=1, maximum=MAX_REPLY_CHARS):
        raise Invalid(problems[0], fields={"reply": problems})
    begin_write(session)
    try:
        correction = get_tracked(session, public_id, token)
        if correction.status != CorrectionStatus.NEEDS_INFO:
            raise _closed(correction, "answer")
        if errors := _check_words(session, {"reply": reply}):
            raise _refuse(errors)
        _change_status(
            session,
            correction,
            allowed=(CorrectionStatus.NEEDS_INFO,),
            new_status=CorrectionStatus.PENDING,
            action="correction_info_given",
            values={"reporter_reply": reply},
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise
    session.refresh(correction)
    return correction
