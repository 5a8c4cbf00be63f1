"""The author's drafts: open, save, discard and publish a revised version of an article.

Authors and admins only. A draft belongs to one author and one article and remembers the
revision it started from. Saves are optimistic (``UPDATE ... WHERE version = :seen``), so
two tabs cannot overwrite each other. Publishing happens under the article's lock and only
when nobody published since the draft's base revision; otherwise ``DraftConflict`` (409)
says what changed meanwhile and ``rebase_draft`` (in ``draft_conflicts``) takes the newer
text wherever the author made no change. Suggested edits are in ``suggestions``.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from corrections.db import begin_write
from corrections.i18n import _
from corrections.models import (
    AnchorState,
    Article,
    Correction,
    CorrectionStatus,
    Draft,
    Revision,
    RevisionKind,
    Role,
    Section,
    SectionKind,
    User,
)
from corrections.services.applied_fixes import (
    UndoesCorrection,
    UndoneFix,
    record_undone,
    undone_fixes,
)
from corrections.services.articles import read_article
from corrections.services.audit import record_action
from corrections.services.draft_conflicts import (
    DraftConflict,
    Meanwhile,
    RebaseResult,
    meanwhile,
    rebase_draft,
)
from corrections.services.draft_rules import DraftSection, clean_sections
from corrections.services.draft_store import (
    article_id_of,
    clean_summary,
    commit_and_reload,
    dump_looks,
    dump_sections,
    find_draft,
    looks_of,
    own_draft,
    saved_elsewhere,
    sections_of,
    view_sections,
    write_draft,
)
from corrections.services.errors import Conflict, Invalid
from corrections.services.revisions import SectionDraft, locked_article, publish_revision
from corrections.services.users import require_role

__all__ = [
    "DraftConflict",
    "Meanwhile",
    "RebaseResult",
    "UndoesCorrection",
    "discard_draft",
    "open_draft",
    "publish_draft",
    "rebase_draft",
    "save_draft",
    "sections_of",
]


def open_draft(session: Session, actor: User | None, slug: str) -> Draft:
    """The author's draft of the article, started from the latest revision if there is none."""
    author = require_role(actor, Role.AUTHOR)
    article_id = article_id_of(session, slug)
    draft = find_draft(session, author, article_id)
    if draft is not None:
        return draft
    begin_write(session)
    try:
        draft = find_draft(session, author, article_id)
        if draft is None:
            view = read_article(session, slug)
            draft = Draft(
                user_id=author.id,
                article_id=article_id,
                base_revision_id=view.revision.id,
                sections_json=dump_sections(view_sections(view)),
                summary="",
                applied_json="[]",
            )
            session.add(draft)
        session.commit()
    except IntegrityError:
        # The same author opened it in two tabs at once: the other tab's row is the draft.
        session.rollback()
        draft = find_draft(session, author, article_id)
        if draft is None:
            raise
    except BaseException:
        session.rollback()
        raise
    return draft


def _existing_keys(session: Session, article_id: int) -> dict[str, SectionKind]:
    rows = session.execute(
        select(Section.key, Section.kind).where(Section.article_id == article_id)
    )
    return {key: kind for key, kind in rows}


def save_draft(
    session: Session,
    actor: User | None,
    slug: str,
    sections: Sequence[Mapping[str, Any]],
    summary: str | None,
    expected_version: int,
    *,
    checked: Collection[str] = (),
) -> Draft:
    """Replace the draft's sections and summary; Conflict when saved elsewhere meanwhile.

    Body sections can be added, removed and reordered; the UPDATE section stays last and
    empty. A new section's key is made from its heading. ``checked`` names sections the
    author has looked at since a rebase asked them to: their notes are dropped.
    """
    author = require_role(actor, Role.AUTHOR)
    summary = clean_summary(summary, required=False)
    begin_write(session)
    try:
        article_id = article_id_of(session, slug)
        draft = own_draft(session, author, article_id)
        cleaned = clean_sections(
            sections,
            existing=_existing_keys(session, article_id),
            updates=sections_of(draft)[-1],
        )
        values = {"sections_json": dump_sections(cleaned), "summary": summary}
        if checked:
            looks = [look for look in looks_of(draft) if look.key not in set(checked)]
            values["looks_json"] = dump_looks(looks)
        write_draft(session, draft, expected_version, **values)
        return commit_and_reload(session, draft)
    except BaseException:
        session.rollback()
        raise


def discard_draft(session: Session, actor: User | None, slug: str) -> None:
    """Throw the draft away; the published article is not touched."""
    author = require_role(actor, Role.AUTHOR)
    begin_write(session)
    try:
        article_id = article_id_of(session, slug)
        session.execute(
            delete(Draft).where(Draft.user_id == author.id, Draft.article_id == article_id)
        )
        session.commit()
    except BaseException:
        session.rollback()
        raise


def mark_applied(
    session: Session, article: Article, ids: Sequence[int], sections: Sequence[DraftSection]
) -> list[Correction]:
    """Mark the corrections whose proposed text the draft applied: text applied, anchor
    "applied". Done before publishing, so their old words are not carried anywhere."""
    if not ids:
        return []
    by_key = {s.key: s for s in sections}
    keys: dict[int, str] = {
        section_id: key
        for section_id, key in session.execute(
            select(Section.id, Section.key).where(Section.article_id == article.id)
        )
    }
    applied = []
    for correction in session.scalars(
        select(Correction)
        .options(joinedload(Correction.anchor))
        .where(Correction.id.in_(list(ids)), Correction.article_id == article.id)
        .order_by(Correction.id)
    ):
        section = by_key.get(keys.get(correction.section_id, ""))
        if (
            correction.status != CorrectionStatus.ACCEPTED
            or correction.text_applied
            or correction.anchor.state != AnchorState.CURRENT
            or section is None
            or correction.proposed_text not in section.text
        ):
            continue  # decided otherwise meanwhile, or the author undid it by hand
        correction.anchor.state = AnchorState.APPLIED
        correction.text_applied = True
        correction.applied_text = correction.proposed_text
        correction.version += 1
        applied.append(correction)
    session.flush()
    return applied


def publish_draft(
    session: Session,
    actor: User | None,
    slug: str,
    summary: str | None,
    expected_version: int,
    *,
    confirm_undo: bool = False,
) -> Revision:
    """Publish the draft as the next revision (kind ``edit``) and throw the draft away.

    Refused with ``DraftConflict`` when someone published since the draft's base revision,
    with ``Conflict`` when the draft was saved elsewhere since ``expected_version``, and
    with ``UndoesCorrection`` when it would take out an accepted correction's words, unless
    ``confirm_undo`` (then each such correction's log says so).
    """
    author = require_role(actor, Role.AUTHOR)
    summary = clean_summary(summary, required=True)
    begin_write(session)
    try:
        article = locked_article(session, article_id_of(session, slug))
        draft = own_draft(session, author, article.id)
        if draft.version != expected_version:
            raise saved_elsewhere()
        changed = meanwhile(session, slug, draft)
        if changed is not None:
            raise DraftConflict(changed)
        sections = sections_of(draft)
        before = read_article(session, slug)
        if [(s.key, s.heading, s.text) for s in sections] == [
            (s.key, s.heading, s.text) for s in before.sections
        ]:
            raise Invalid(
                _(
                    "Your draft reads the same as version %(number)s; there is nothing to publish.",
                    number=before.revision.number,
                )
            )
        undone = undone_fixes(session, article.id, before.sections, sections)
        if undone and not confirm_undo:
            raise UndoesCorrection(undone)
        applied = mark_applied(session, article, draft.applied_corrections, sections)
        revision = publish_revision(
            session,
            article,
            kind=RevisionKind.EDIT,
            summary=summary,
            actor=author,
            drafts=[SectionDraft(s.key, s.heading, s.kind, s.text) for s in sections],
        )
        for correction in applied:
            correction.applied_revision_id = revision.id
        _record(session, author, article, revision, summary, applied, undone)
        gone = session.execute(
            delete(Draft).where(Draft.id == draft.id, Draft.version == expected_version)
        )
        if gone.rowcount != 1:
            raise saved_elsewhere()
        session.commit()
    except IntegrityError as exc:
        session.rollback()
        raise Conflict(_("Another version was published at the same moment; try again.")) from exc
    except BaseException:
        session.rollback()
        raise
    return revision


def _record(
    session: Session,
    author: User,
    article: Article,
    revision: Revision,
    summary: str,
    applied: list[Correction],
    undone: list[UndoneFix],
) -> None:
    record_action(
        session,
        actor=author,
        action="publish",
        target_type="article",
        target_id=article.id,
        new_status="published",
        reason=f"Version {revision.number}: {summary}",
        article_id=article.id,
    )
    for correction in applied:
        record_action(
            session,
            actor=author,
            action="apply_text",
            target_type="correction",
            target_id=correction.id,
            old_status="accepted",
            new_status="accepted",
            reason=f"Proposed text applied in version {revision.number}",
            article_id=article.id,
        )
    record_undone(session, author, article, revision, undone)
