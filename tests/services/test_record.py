"""The record: history, two versions compared, the corrections log, the feed's entries."""

from __future__ import annotations

import pytest

from corrections.models import RevisionKind, Role
from corrections.services import decisions, drafts, record, suggestions
from corrections.services.anchors import QuoteInput
from corrections.services.articles import import_article, read_article
from corrections.services.errors import NotFound
from corrections.services.revisions import SectionDraft, lock_article, publish_revision

SMALL = """The first paragraph says 133 dead.

WHAT HAPPENED

Rain fell on the café.

WHAT NOW?

Nobody knows.

UPDATE
"""


def publish(session, slug, change, *, summary="Edited.", minor=False):
    """Publish the next revision with ``change(drafts) -> drafts``, as the author's editor."""
    view = read_article(session, slug)
    drafts = change([SectionDraft(s.key, s.heading, s.kind, s.text) for s in view.sections])
    article = lock_article(session, slug)
    revision = publish_revision(
        session, article, kind=RevisionKind.EDIT, summary=summary, actor=None, drafts=drafts
    )
    revision.is_minor = minor
    session.commit()
    return revision


def retext(key, text):
    def change(drafts):
        return [SectionDraft(d.key, d.heading, d.kind, text) if d.key == key else d for d in drafts]

    return change


def by_key(comparison):
    return {s.key: s for s in comparison.sections}


def old_and_new(ops):
    old = "".join(text for kind, text in ops if kind != "insert")
    new = "".join(text for kind, text in ops if kind != "delete")
    return old, new


@pytest.fixture
def small(session):
    return import_article(session, SMALL, slug="small", title="Small").article


@pytest.fixture
def moderator(make_user):
    return make_user("mod@example.org", Role.MODERATOR, display_name="Mo Derator")


def test_a_version_compared_with_itself_is_the_same_and_unchanged(session, small):
    comparison = record.compare(session, "small", 1, 1)
    assert comparison.same and comparison.changed_sections == []
    assert comparison.updates_added == [] and comparison.updates_removed == []
    assert [s.status for s in comparison.sections] == ["unchanged"] * 4


def test_a_changed_figure_is_one_word_deleted_and_one_inserted(session, small):
    publish(session, "small", retext("introduction", "The first paragraph says 137 dead."))
    comparison = record.compare(session, "small", 1, 2)
    intro = by_key(comparison)["introduction"]
    assert intro.status == "changed"
    assert intro.ops == [
        ("equal", "The first paragraph says "),
        ("delete", "133"),
        ("insert", "137"),
        ("equal", " dead."),
    ]
    assert [s.key for s in comparison.changed_sections] == ["introduction"]
    assert not comparison.same


def test_unicode_words_are_kept_whole_and_exact(session, small):
    publish(session, "small", retext("what-happened", "Rain fell on the naïve café — “again”."))
    section = by_key(record.compare(session, "small", 1, 2))["what-happened"]
    assert old_and_new(section.ops) == (
        "Rain fell on the café.",
        "Rain fell on the naïve café — “again”.",
    )
    assert ("insert", "naïve ") in section.ops
    assert all("caf" not in text or "café" in text for _, text in section.ops)


def test_an_emptied_section_is_all_deleted_and_an_empty_one_changes_nothing(session, small):
    publish(session, "small", retext("what-now", ""))
    emptied = by_key(record.compare(session, "small", 1, 2))["what-now"]
    assert (emptied.status, emptied.ops) == ("changed", [("delete", "Nobody knows.")])
    publish(session, "small", retext("what-happened", ""))
    both_empty = by_key(record.compare(session, "small", 2, 3))["what-now"]
    assert (both_empty.status, both_empty.ops) == ("unchanged", [])


def test_sections_added_and_removed_by_an_import_with_new_headings(session, small):
    revised = SMALL.replace("WHAT NOW?\n\nNobody knows.", "WHAT THE COUNCIL SAID\n\nIt <b>met</b>.")
    import_article(session, revised, slug="small", new_revision=True)
    comparison = record.compare(session, "small", 1, 2)
    sections = by_key(comparison)
    assert sections["what-now"].status == "removed"
    assert sections["what-now"].ops == [("delete", "Nobody knows.")]
    assert sections["what-now"].old_heading == "WHAT NOW?"
    added = sections["what-the-council-said"]
    assert (added.status, added.new_heading, added.ops) == (
        "added",
        "WHAT THE COUNCIL SAID",
        [("insert", "It <b>met</b>.")],
    )
    # The removed section is listed where it stood, after the one before it.
    keys = [s.key for s in comparison.sections]
    assert keys.index("what-now") == keys.index("what-happened") + 1
    assert len(comparison.changed_sections) == 2


def test_a_renamed_section_keeps_its_key_and_says_it_was_renamed(session, small):
    def rename(drafts):
        return [
            SectionDraft(d.key, "WHAT WE KNOW", d.kind, d.text) if d.key == "what-happened" else d
            for d in drafts
        ]

    publish(session, "small", rename)
    section = by_key(record.compare(session, "small", 1, 2))["what-happened"]
    assert (section.status, section.renamed, section.moved) == ("unchanged", True, False)
    assert (section.old_heading, section.new_heading) == ("WHAT HAPPENED", "WHAT WE KNOW")
    assert record.is_changed(section)


def test_a_moved_section_is_marked_moved_and_the_others_are_not(session, small):
    def swap(drafts):
        intro, happened, now, update = drafts
        return [intro, now, happened, update]

    publish(session, "small", swap)
    sections = by_key(record.compare(session, "small", 1, 2))
    assert [k for k, s in sections.items() if s.moved] == ["what-now"]
    assert sections["introduction"].moved is False


def test_an_accepted_correction_adds_an_update_between_the_versions(
    session, moderator, make_correction
):
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes; it was 415.",
        apply_text=True,
        expected_version=correction.version,
    )
    comparison = record.compare(session, "demo", 1, 2)
    assert [(u.number, u.revision_number) for u in comparison.updates_added] == [(1, 2)]
    assert comparison.updates_added[0].body.startswith("An earlier version said 412")
    assert comparison.updates_key == "update"
    intro = by_key(comparison)["introduction"]
    assert ("delete", "412") in intro.ops and ("insert", "415") in intro.ops
    # Backwards, the same update is one the older version does not have yet.
    backwards = record.compare(session, "demo", 2, 1)
    assert backwards.updates_added == [] and [u.number for u in backwards.updates_removed] == [1]
    assert ("delete", "415") in by_key(backwards)["introduction"].ops


def test_only_updates_after_the_older_version_count_as_added(session, small):
    import_article(session, SMALL + "\nFirst note.\n", slug="small", new_revision=True)
    publish(session, "small", retext("what-now", "Later."))
    import_article(
        session,
        SMALL.replace("Nobody knows.", "Later.") + "\nFirst note.\n\nSecond note.\n",
        slug="small",
        new_revision=True,
    )
    assert [u.number for u in record.compare(session, "small", 1, 4).updates_added] == [1, 2]
    assert [u.number for u in record.compare(session, "small", 2, 4).updates_added] == [2]
    assert record.compare(session, "small", 2, 3).updates_added == []


def test_unknown_versions_and_articles_are_not_found(session, small):
    with pytest.raises(NotFound, match="no version 9"):
        record.compare(session, "small", 1, 9)
    with pytest.raises(NotFound, match="no version 0"):
        record.compare(session, "small", 0, 1)
    with pytest.raises(NotFound):
        record.compare(session, "nope", 1, 1)


def test_the_history_leaves_minor_revisions_out_unless_asked(session, small):
    publish(session, "small", retext("what-now", "Nobody knows yet."), summary="Typo", minor=True)
    publish(session, "small", retext("what-now", "Nobody knows it."), summary="Real")
    public = record.history(session, "small")
    assert [r.number for r in public.revisions] == [3, 1]
    assert (public.minor_hidden, public.minor_total) == (1, 1)
    everything = record.history(session, "small", include_minor=True)
    assert [r.number for r in everything.revisions] == [3, 2, 1]
    assert everything.minor_hidden == 0
    # Hidden from the list, yet readable and comparable across.
    assert read_article(session, "small", 2).revision.is_minor
    across = by_key(record.compare(session, "small", 1, 3))["what-now"]
    assert old_and_new(across.ops) == ("Nobody knows.", "Nobody knows it.")


def test_the_corrections_log_lists_accepted_ones_newest_first_with_sources(
    session, moderator, make_correction
):
    first, _ = make_correction(links=["https://example.org/report", "https://news.example/a"])
    second, _ = make_correction(
        quote=QuoteInput("27 were treated in hospital"),
        kind="clarification",
        proposed_text="27 were treated in hospital, 4 still there",
    )
    make_correction(quote=QuoteInput("3 people were confirmed dead"))  # pending: not logged
    for correction, text in ((first, "Homes: 415."), (second, "Hospital: clarified.")):
        decisions.accept(
            session,
            moderator,
            correction.id,
            update_text=text,
            apply_text=correction is first,
            expected_version=correction.version,
        )
    log = record.corrections_log(session, "demo")
    assert [(e.update_number, e.revision_number, e.kind.value) for e in log.entries] == [
        (2, 3, "clarification"),
        (1, 2, "correction"),
    ]
    newest, oldest = log.entries
    assert (
        newest.quote == "27 were treated in hospital"
        and newest.update_text == "Hospital: clarified."
    )
    assert oldest.quote == "412 homes" and oldest.text_applied and not newest.text_applied
    assert [(s.url, s.domain) for s in oldest.sources] == [
        ("https://example.org/report", "example.org"),
        ("https://news.example/a", "news.example"),
    ]
    assert (oldest.section_key, oldest.section_heading) == ("introduction", "")


def test_the_corrections_log_says_in_which_version_the_text_was_corrected(
    session, moderator, make_correction, make_user
):
    at_once, _ = make_correction()
    later, _ = make_correction(quote=QuoteInput("27 were treated"), proposed_text="29 were treated")
    never, _ = make_correction(quote=QuoteInput("3 people"), proposed_text="three people")
    for correction in (at_once, later, never):
        decisions.accept(
            session,
            moderator,
            correction.id,
            update_text="Fixed.",
            apply_text=correction is at_once,
            expected_version=correction.version,
        )  # versions 2, 3, 4
    author = make_user("author@example.org", Role.AUTHOR)
    draft = drafts.open_draft(session, author, "demo")
    draft = suggestions.apply_suggestion(session, author, "demo", later.id, draft.version)
    drafts.publish_draft(session, author, "demo", "Applied the hospital figure", draft.version)

    log = {e.quote: e for e in record.corrections_log(session, "demo").entries}

    assert (log["412 homes"].revision_number, log["412 homes"].applied_revision_number) == (2, 2)
    assert (
        log["27 were treated"].revision_number,
        log["27 were treated"].applied_revision_number,
    ) == (
        3,
        5,
    )
    assert (log["3 people"].applied_revision_number, log["3 people"].text_applied) == (None, False)


def test_the_corrections_log_of_an_article_without_any_is_empty(session, demo_article):
    assert record.corrections_log(session, "demo").entries == []


def test_feed_entries_are_updates_and_visible_revisions_newest_first(session, small):
    import_article(session, SMALL + "\nA note.\n", slug="small", new_revision=True, summary="Note")
    publish(session, "small", retext("what-now", "Typo."), summary="Typo", minor=True)
    feed = record.feed(session, "small")
    # The update and the version that published it share a time: the update comes first.
    assert [(e.kind, e.number) for e in feed.entries] == [
        ("update", 1),
        ("revision", 2),
        ("revision", 1),
    ]
    assert feed.updated == max(e.at for e in feed.entries)
    ids = [e.id for e in feed.entries]
    assert len(set(ids)) == 3 and all(i.startswith("urn:uuid:") for i in ids)
    assert ids == [e.id for e in record.feed(session, "small").entries]  # stable


def test_the_feed_keeps_only_the_newest_entries(session, small):
    for n in range(3):
        publish(session, "small", retext("what-now", f"Take {n}."))
    assert [e.number for e in record.feed(session, "small", size=2).entries] == [4, 3]
