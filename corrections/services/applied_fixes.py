"""What a new version must not undo without the author saying so: accepted corrections'
words in the text.

When a moderator accepts a correction and replaces the quoted words ("412 homes" becomes
"415 homes"), or the author applies it from the editor, the fix is in the text. A draft that
no longer says "415 homes" there, or says "412 homes" again, would quietly revert it (a
rebase keeps the author's words where both sides changed the same ones). Publishing such a
draft, or such a file (the upload form, ``corrections import --new-revision``), is refused
with ``UndoesCorrection`` (409) listing the fixes, until the author confirms.
Only the sections the draft changes are read, so the cost follows the edit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from corrections.i18n import _, ngettext
from corrections.models import (
    Article,
    Correction,
    CorrectionStatus,
    Revision,
    SectionKind,
    Update,
    User,
)
from corrections.services.audit import record_action
from corrections.services.draft_rules import DraftSection
from corrections.services.errors import Conflict

if TYPE_CHECKING:  # articles imports this module (an imported file is guarded too)
    from corrections.services.articles import SectionView


@dataclass(frozen=True)
class UndoneFix:
    correction_id: int
    update_number: int | None
    section_key: str
    section_label: str
    old_words: str  # the words the reader quoted, which the fix replaced
    new_words: str  # the words the fix put in

    def describe(self) -> str:
        words = {"old": self.old_words, "new": self.new_words, "section": self.section_label}
        if self.update_number:
            return _(
                "Update %(number)s changed “%(old)s” to “%(new)s” in %(section)s",
                number=self.update_number,
                **words,
            )
        return _("An accepted correction changed “%(old)s” to “%(new)s” in %(section)s", **words)


class UndoesCorrection(Conflict):
    """A new version would take out an accepted correction's words; ``undone`` says which.
    ``source`` is what would publish it: the author's ``"draft"``, or a ``"file"`` (the
    upload form, ``corrections import --new-revision``)."""

    code = "undoes_correction"

    def __init__(self, undone: Sequence[UndoneFix], source: str = "draft") -> None:
        listed = "; ".join(fix.describe() for fix in undone)
        if source == "file":
            message = ngettext(
                "Publishing this file would undo an accepted correction: %(listed)s. The "
                "file no longer reads as corrected there. Put the corrected words back in "
                "the file, or confirm that you mean to change them and publish it again.",
                "Publishing this file would undo %(num)d accepted corrections: %(listed)s. "
                "The file no longer reads as corrected there. Put the corrected words back in "
                "the file, or confirm that you mean to change them and publish it again.",
                len(undone),
                listed=listed,
            )
        else:
            message = ngettext(
                "Publishing this draft would undo an accepted correction: %(listed)s. Your "
                "draft no longer reads as corrected there. Put the corrected words back, or "
                "confirm that you mean to change them and publish again.",
                "Publishing this draft would undo %(num)d accepted corrections: %(listed)s. "
                "Your draft no longer reads as corrected there. Put the corrected words back, "
                "or confirm that you mean to change them and publish again.",
                len(undone),
                listed=listed,
            )
        super().__init__(message)
        self.undone = list(undone)


def record_undone(
    session: Session,
    actor: User | None,
    article: Article,
    revision: Revision,
    undone: Sequence[UndoneFix],
) -> None:
    """Each confirmed undoing in the correction's log: the record says who changed the
    corrected words, in which version."""
    for fix in undone:
        record_action(
            session,
            actor=actor,
            action="change_applied_text",
            target_type="correction",
            target_id=fix.correction_id,
            old_status="accepted",
            new_status="accepted",
            reason=(
                f"Version {revision.number} changed the corrected words “{fix.new_words}” "
                "(confirmed by the author)"
            ),
            article_id=article.id,
        )


def undone_fixes(
    session: Session,
    article_id: int,
    latest: Sequence[SectionView],
    draft: Sequence[DraftSection],
) -> list[UndoneFix]:
    """Applied corrections whose words the latest version has and the draft would take out
    (or whose replaced words the draft brings back), in sections the draft changes."""
    mine = {s.key: s for s in draft}
    changed = {
        s.section_id: s
        for s in latest
        if s.kind == SectionKind.BODY
        and (s.key not in mine or (mine[s.key].heading, mine[s.key].text) != (s.heading, s.text))
    }
    if not changed:
        return []
    rows = session.execute(
        select(Correction, Update.number)
        .outerjoin(Update, Correction.update_id == Update.id)
        .options(joinedload(Correction.anchor))
        .where(
            Correction.article_id == article_id,
            Correction.section_id.in_(list(changed)),
            Correction.status == CorrectionStatus.ACCEPTED,
            Correction.text_applied.is_(True),
        )
        .order_by(Correction.id)
    )
    undone = []
    for correction, update_number in rows:
        section = changed[correction.section_id]
        new_words = correction.applied_text
        if new_words is None:
            new_words = correction.proposed_text
        old_words = correction.anchor.exact
        ours = mine.get(section.key)
        text = ours.text if ours is not None else ""
        # (A fix no longer in the latest version was changed since, knowingly.)
        takes_out = bool(new_words) and text.count(new_words) < section.text.count(new_words)
        brings_back = old_words != new_words and text.count(old_words) > section.text.count(
            old_words
        )
        if takes_out or brings_back:
            undone.append(
                UndoneFix(
                    correction.id,
                    update_number,
                    section.key,
                    section.heading or _("the introduction"),
                    old_words,
                    new_words,
                )
            )
    return undone
