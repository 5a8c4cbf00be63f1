"""Suggested edits: accepted corrections whose proposed words are not in the text yet.

A moderator may accept a correction without replacing the quoted words (the update note is
published, the text is left to the author). The author sees those beside their sections and
applies one into the draft; publishing the draft marks it applied (see ``drafts``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, contains_eager

from corrections.db import begin_write
from corrections.i18n import _, number
from corrections.models import (
    Anchor,
    AnchorState,
    Correction,
    CorrectionStatus,
    Draft,
    Role,
    Update,
    User,
)
from corrections.services.articles import read_article
from corrections.services.draft_rules import MAX_SECTION_CHARS, DraftSection
from corrections.services.draft_store import (
    article_id_of,
    commit_and_reload,
    dump_sections,
    find_draft,
    own_draft,
    sections_of,
    write_draft,
)
from corrections.services.errors import Invalid, NotFound
from corrections.services.users import require_role
from corrections.text.anchoring import Anchor as TextAnchor
from corrections.text.anchoring import TextMapping


@dataclass(frozen=True)
class Suggestion:
    correction_id: int
    kind: str
    section_key: str
    quote: str
    proposed_text: str
    explanation: str
    update_number: int | None
    still_matches: bool  # the latest text still reads the quote where the anchor says
    in_draft: bool  # already applied in the author's draft


def _pending(session: Session, article_id: int) -> list[tuple[Correction, int | None]]:
    rows = session.execute(
        select(Correction, Update.number)
        .join(Anchor, Correction.anchor_id == Anchor.id)
        .outerjoin(Update, Correction.update_id == Update.id)
        .options(contains_eager(Correction.anchor))
        .where(
            Correction.article_id == article_id,
            Correction.status == CorrectionStatus.ACCEPTED,
            Correction.text_applied.is_(False),
            Anchor.state == AnchorState.CURRENT,
        )
        .order_by(Correction.id)
    )
    return [(correction, number) for correction, number in rows]


def suggested_edits(session: Session, actor: User | None, slug: str) -> dict[str, list[Suggestion]]:
    """Accepted corrections not yet applied to the text, by section key in article order."""
    author = require_role(actor, Role.AUTHOR)
    view = read_article(session, slug)
    draft = find_draft(session, author, view.article.id)
    in_draft = set(draft.applied_corrections) if draft else set()
    by_id = {s.section_id: s for s in view.sections}
    found: dict[str, list[Suggestion]] = {s.key: [] for s in view.sections}
    for correction, update_number in _pending(session, view.article.id):
        section = by_id.get(correction.anchor.section_id)
        if section is None:
            continue  # its section is no longer in the article
        anchor = correction.anchor
        found[section.key].append(
            Suggestion(
                correction.id,
                correction.kind.value,
                section.key,
                anchor.exact,
                correction.proposed_text,
                correction.explanation,
                update_number,
                section.text[anchor.current_start : anchor.current_end] == anchor.exact,
                correction.id in in_draft,
            )
        )
    return {key: items for key, items in found.items() if items}


def _where_in_draft(latest: str, start: int, end: int, mine: str, quote: str) -> tuple[int, int]:
    """The quoted words' place in the author's text (which may differ from the latest)."""
    if mine == latest:
        return start, end
    carried = TextMapping(latest, mine).carry(TextAnchor.from_text(latest, start, end))
    if carried.anchor is None or mine[carried.anchor.start : carried.anchor.end] != quote:
        raise Invalid(
            _(
                "You changed the words “%(quote)s” in your draft, so the suggestion cannot be "
                "applied automatically; edit them by hand.",
                quote=quote,
            )
        )
    return carried.anchor.start, carried.anchor.end


def apply_suggestion(
    session: Session, actor: User | None, slug: str, correction_id: int, expected_version: int
) -> Draft:
    """Replace a correction's quoted words with its proposed text in the author's draft.

    Nothing is published: the correction is marked applied when the draft is.
    """
    author = require_role(actor, Role.AUTHOR)
    begin_write(session)
    try:
        article_id = article_id_of(session, slug)
        draft = own_draft(session, author, article_id)
        correction = session.get(Correction, correction_id)
        if correction is None or correction.article_id != article_id:
            raise NotFound(_("There is no such correction of this article."))
        anchor = correction.anchor
        if (
            correction.status != CorrectionStatus.ACCEPTED
            or correction.text_applied
            or anchor.state != AnchorState.CURRENT
        ):
            raise Invalid(_("This correction has no suggested text waiting to be applied."))
        if correction.id in draft.applied_corrections:
            raise Invalid(_("This suggestion is applied in your draft already."))
        view = read_article(session, slug)
        section = next((s for s in view.sections if s.section_id == anchor.section_id), None)
        if (
            section is None
            or section.text[anchor.current_start : anchor.current_end] != anchor.exact
        ):
            raise Invalid(
                _(
                    "The quoted words “%(quote)s” are no longer where the correction found "
                    "them in version %(number)s; edit the text by hand.",
                    quote=anchor.exact,
                    number=view.revision.number,
                )
            )
        sections = sections_of(draft)
        at = next((i for i, s in enumerate(sections) if s.key == section.key), None)
        if at is None:
            raise Invalid(
                _(
                    "Your draft no longer has the section “%(section)s”.",
                    section=section.heading or _("Introduction"),
                )
            )
        mine = sections[at]
        start, end = _where_in_draft(
            section.text, anchor.current_start, anchor.current_end, mine.text, anchor.exact
        )
        text = mine.text[:start] + correction.proposed_text + mine.text[end:]
        if len(text) > MAX_SECTION_CHARS:
            raise Invalid(
                _(
                    "The section would be longer than %(count)s characters.",
                    count=number(MAX_SECTION_CHARS),
                )
            )
        sections[at] = DraftSection(mine.key, mine.heading, mine.kind, text)
        write_draft(
            session,
            draft,
            expected_version,
            sections_json=dump_sections(sections),
            applied_json=json.dumps([*draft.applied_corrections, correction.id]),
        )
        return commit_and_reload(session, draft)
    except BaseException:
        session.rollback()
        raise
