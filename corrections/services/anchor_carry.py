"""Carrying quote anchors forward when a revision changes a section's words, and orphaning
those of sections a revision leaves out."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from corrections.models import Anchor, AnchorState, Revision
from corrections.text.anchoring import Anchor as TextAnchor
from corrections.text.anchoring import TextMapping


def carry_anchors(
    session: Session, revision: Revision, changed: dict[int, tuple[str, str]]
) -> dict[str, int]:
    """Move every current anchor of the changed sections onto ``revision``'s text.

    The diff of each changed section is computed once and shared by all its anchors. An
    anchor whose words are gone is orphaned: it keeps pointing at the revision it was made
    against. Returns how many anchors were kept, moved and orphaned.
    """
    tally = {"kept": 0, "moved": 0, "orphaned": 0}
    if not changed:
        return tally
    anchors = session.scalars(
        select(Anchor).where(
            Anchor.section_id.in_(list(changed)), Anchor.state == AnchorState.CURRENT
        )
    )
    mappings: dict[int, TextMapping] = {}
    for anchor in anchors:
        old_text, new_text = changed[anchor.section_id]
        mapping = mappings.get(anchor.section_id)
        if mapping is None:
            mapping = mappings[anchor.section_id] = TextMapping(old_text, new_text)
        if not 0 <= anchor.current_start < anchor.current_end <= len(old_text):
            # Out of step with the text it claims to follow: say so rather than guess.
            anchor.state = AnchorState.ORPHANED
            tally["orphaned"] += 1
            continue
        result = mapping.carry(
            TextAnchor.from_text(old_text, anchor.current_start, anchor.current_end)
        )
        tally[result.status] += 1
        if result.anchor is None:
            anchor.state = AnchorState.ORPHANED
            continue
        anchor.current_revision_id = revision.id
        anchor.current_start = result.anchor.start
        # When edited in place (similar enough), ``exact`` keeps the words as quoted.
        anchor.current_end = result.anchor.end
    return tally


def orphan_sections(session: Session, section_ids: Collection[int]) -> int:
    """Every current anchor of these sections (left out of the new revision) is orphaned: it
    keeps pointing at the words of the revision it was last carried to. Returns how many."""
    if not section_ids:
        return 0
    result = session.execute(
        update(Anchor)
        .where(Anchor.section_id.in_(list(section_ids)), Anchor.state == AnchorState.CURRENT)
        .values(state=AnchorState.ORPHANED)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount
