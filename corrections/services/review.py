"""What a moderator sees of one correction before deciding on it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from corrections.i18n import _, site_locale
from corrections.models import (
    Anchor,
    AnchorState,
    Article,
    Correction,
    Revision,
    RevisionSection,
    Role,
    Section,
    SectionText,
    Update,
    User,
)
from corrections.services.errors import NotFound
from corrections.services.users import require_role

RELATED_LIMIT = 20


@dataclass(frozen=True)
class CorrectionReview:
    correction: Correction
    article: Article
    heading: str
    section_key: str
    # The section as the reporter saw it, split around the quote for highlighting.
    before: str
    quoted: str
    after: str
    made_in: int  # revision number the quote was made against
    latest: int
    still_present: bool  # the quoted words are still in the latest version
    update: Update | None
    update_revision: int | None
    same_passage: list[Correction]
    same_section: list[Correction]
    reporter_history: list[Correction]
    suggested_update: str


def suggested_update_text(correction: Correction) -> str:
    """Newsroom style: say what the earlier version said and what is right, with sources.

    In the site's language (the publication's), not the moderator's: it is published."""
    quote = " ".join(correction.anchor.exact.split())
    proposed = correction.proposed_text.strip().rstrip(".")
    sources = ", ".join(link.url for link in correction.links)
    with site_locale():
        if correction.kind.value == "clarification":
            text = _(
                "Clarification: where an earlier version said “%(quote)s”, it now reads "
                "“%(proposed)s”.",
                quote=quote,
                proposed=proposed,
            )
        else:
            text = _(
                "An earlier version said “%(quote)s”; %(proposed)s.", quote=quote, proposed=proposed
            )
        return _("%(text)s (Sources: %(sources)s)", text=text, sources=sources) if sources else text


def review(session: Session, actor: User | None, correction_id: int) -> CorrectionReview:
    require_role(actor, Role.MODERATOR)
    correction = session.get(Correction, correction_id)
    if correction is None:
        raise NotFound(_("There is no such correction."))
    article = session.get(Article, correction.article_id)
    anchor: Anchor = correction.anchor
    made = session.get(Revision, anchor.revision_id)
    text = session.scalars(
        select(SectionText)
        .join(RevisionSection, RevisionSection.text_id == SectionText.id)
        .where(
            RevisionSection.revision_id == anchor.revision_id,
            RevisionSection.section_id == anchor.section_id,
        )
    ).one()
    update = session.get(Update, correction.update_id) if correction.update_id else None
    update_revision = session.get(Revision, update.revision_id).number if update else None
    others = list(
        session.scalars(
            select(Correction)
            .join(Anchor, Anchor.id == Correction.anchor_id)
            .where(Correction.section_id == correction.section_id, Correction.id != correction.id)
            .order_by(Correction.id.desc())
            .limit(RELATED_LIMIT)
        )
    )
    same_passage = [c for c in others if _overlaps(c.anchor, anchor)]
    same_section = [c for c in others if c not in same_passage]
    return CorrectionReview(
        correction=correction,
        article=article,
        heading=text.heading,
        section_key=session.get(Section, correction.section_id).key,
        before=text.body[: anchor.start],
        quoted=text.body[anchor.start : anchor.end],
        after=text.body[anchor.end :],
        made_in=made.number,
        latest=article.current_revision.number,
        still_present=anchor.state == AnchorState.CURRENT,
        update=update,
        update_revision=update_revision,
        same_passage=same_passage,
        same_section=same_section,
        reporter_history=reporter_history(session, correction),
        suggested_update=suggested_update_text(correction),
    )


def _overlaps(a: Anchor, b: Anchor) -> bool:
    if a.revision_id == b.revision_id:
        return a.start < b.end and b.start < a.end
    return a.exact.casefold() == b.exact.casefold()


def reporter_history(session: Session, correction: Correction) -> list[Correction]:
    """The same reporter's earlier corrections (by account, email or network), newest first.

    Only those sent before this one (a lower id): what the moderator could have known of the
    reporter's record when this correction arrived, not what they sent afterwards.
    """
    who = []
    if correction.reporter_user_id:
        who.append(Correction.reporter_user_id == correction.reporter_user_id)
    if correction.reporter_email:
        who.append(Correction.reporter_email == correction.reporter_email)
    if correction.network_hash:
        who.append(Correction.network_hash == correction.network_hash)
    if not who:
        return []
    return list(
        session.scalars(
            select(Correction)
            .where(or_(*who), Correction.id < correction.id)
            .order_by(Correction.id.desc())
            .limit(RELATED_LIMIT)
        )
    )
