"""When someone published while an author was drafting: what changed, and the rebase.

Publishing a draft whose base is no longer the latest revision raises ``DraftConflict``
with what changed meanwhile (the word diff of each section, and which of them the draft
changed too). ``rebase_draft`` then takes the newer text wherever the author made no change
and merges word by word where both changed a section (``draft_rules.rebase_sections``); the
words both changed differently keep the author's and are stored on the draft as "needs a
look" until the author marks them checked, so nothing is overwritten silently.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from sqlalchemy.orm import Session

from corrections.db import begin_write
from corrections.i18n import _
from corrections.models import Draft, Role, SectionKind, User
from corrections.services.articles import UpdateView, read_article
from corrections.services.draft_rules import Rebased, rebase_sections
from corrections.services.draft_store import (
    article_id_of,
    base_revision,
    commit_and_reload,
    dump_looks,
    dump_sections,
    keep_looks,
    looks_of,
    own_draft,
    sections_of,
    view_sections,
    write_draft,
)
from corrections.services.errors import Conflict
from corrections.services.users import require_role
from corrections.text.diff import SectionDiff, diff_sections
from corrections.text.diff import SectionText as DiffText


@dataclass(frozen=True)
class Meanwhile:
    """What was published since a draft's base revision."""

    base_number: int
    latest_number: int
    changes: list[SectionDiff]  # sections whose heading, text or place changed
    also_in_draft: set[str]  # keys of those the draft changed (or removed) too
    updates: list[UpdateView]  # updates published since the base revision

    @staticmethod
    def label(change: SectionDiff) -> str:
        return change.new_heading or change.old_heading or _("Introduction")


class DraftConflict(Conflict):
    """Someone published since the draft started; ``meanwhile`` says what changed."""

    def __init__(self, meanwhile: Meanwhile) -> None:
        changed = ", ".join(Meanwhile.label(c) for c in meanwhile.changes) or _("no section's text")
        numbers = {"latest": meanwhile.latest_number, "base": meanwhile.base_number}
        if meanwhile.updates:
            updates = ", ".join(str(u.number) for u in meanwhile.updates)
            message = _(
                "Version %(latest)s was published after your draft started from version "
                "%(base)s. Changed meanwhile: %(changed)s; added Update %(updates)s.",
                changed=changed,
                updates=updates,
                **numbers,
            )
        else:
            message = _(
                "Version %(latest)s was published after your draft started from version "
                "%(base)s. Changed meanwhile: %(changed)s.",
                changed=changed,
                **numbers,
            )
        overlap = [
            Meanwhile.label(c) for c in meanwhile.changes if c.key in meanwhile.also_in_draft
        ]
        if overlap:
            message += " " + _("You changed %(sections)s too.", sections=", ".join(overlap))
        message += " " + _("Take the newer text where you made no change, then publish.")
        super().__init__(message)
        self.meanwhile = meanwhile


@dataclass(frozen=True)
class RebaseResult:
    draft: Draft
    rebased: Rebased
    base_number: int  # the revision the draft starts from now: the latest


def meanwhile(session: Session, slug: str, draft: Draft) -> Meanwhile | None:
    """What was published since the draft's base revision, or None when nothing was."""
    latest = read_article(session, slug)
    if latest.revision.id == draft.base_revision_id:
        return None
    base = read_article(session, slug, base_revision(session, draft).number)
    diffs = diff_sections(
        [DiffText(s.key, s.heading, s.text) for s in base.sections],
        [DiffText(s.key, s.heading, s.text) for s in latest.sections],
    )
    changes = [d for d in diffs if d.status != "unchanged" or d.renamed or d.moved]
    mine = {s.key: s for s in sections_of(draft)}
    touched = {
        s.key
        for s in view_sections(base)
        if s.kind == SectionKind.BODY and not s.same_words(mine.get(s.key))
    }
    seen = {u.number for u in base.updates}
    return Meanwhile(
        base.revision.number,
        latest.revision.number,
        changes,
        {c.key for c in changes} & touched,
        [u for u in latest.updates if u.number not in seen],
    )


def rebase_draft(
    session: Session, actor: User | None, slug: str, expected_version: int
) -> RebaseResult:
    """Move the draft onto the latest revision: the newer text where the author made no
    change, both sides' changes where they touch different words, the author's words where
    both changed the same ones (kept on the draft as needing a look)."""
    author = require_role(actor, Role.AUTHOR)
    begin_write(session)
    try:
        draft = own_draft(session, author, article_id_of(session, slug))
        latest = read_article(session, slug)
        if latest.revision.id == draft.base_revision_id:
            rebased = Rebased(sections_of(draft))
        else:
            base = read_article(session, slug, base_revision(session, draft).number)
            rebased = rebase_sections(
                view_sections(base), sections_of(draft), view_sections(latest)
            )
            found = [replace(look, version=latest.revision.number) for look in rebased.looks]
            rebased = replace(rebased, looks=found)
        write_draft(
            session,
            draft,
            expected_version,
            sections_json=dump_sections(rebased.sections),
            base_revision_id=latest.revision.id,
            looks_json=dump_looks(keep_looks(looks_of(draft), rebased.looks)),
        )
        return RebaseResult(commit_and_reload(session, draft), rebased, latest.revision.number)
    except BaseException:
        session.rollback()
        raise
