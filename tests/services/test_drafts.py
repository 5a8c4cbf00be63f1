"""The author's drafts: roles, saving, publishing, conflicts and rebasing, suggested edits,
minor marks, uploads, and what happens to quote anchors when the author edits."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from corrections.extensions import db
from corrections.models import (
    Anchor,
    AnchorState,
    Draft,
    ModerationAction,
    Revision,
    RevisionKind,
    Role,
    User,
)
from corrections.services import (
    articles,
    author_revisions,
    comments,
    decisions,
    drafts,
    suggestions,
)
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.articles import read_article
from corrections.services.errors import Conflict, Forbidden, Invalid, NotFound
from corrections.text.article_format import MAX_FILE_BYTES


@pytest.fixture
def author(make_user, demo_article):
    return make_user("author@example.org", Role.AUTHOR)


def sections(draft):
    return [dict(s) for s in draft.sections]


def text_of(items, key):
    return next(s["text"] for s in items if s["key"] == key)


def save(session, author, draft, items, summary=""):
    return drafts.save_draft(session, author, "demo", items, summary, draft.version)


def revision_count(session):
    return session.scalar(select(func.count()).select_from(Revision))


def actions(session, action):
    return list(session.scalars(select(ModerationAction).where(ModerationAction.action == action)))


def edit_section(session, author, key, old, new):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    for item in items:
        if item["key"] == key:
            assert old in item["text"]
            item["text"] = item["text"].replace(old, new)
    return save(session, author, draft, items)


# Who may -----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR])
def test_readers_and_moderators_cannot_open_save_or_publish_drafts(
    session, make_user, demo_article, role
):
    user = make_user("someone@example.org", role)
    with pytest.raises(Forbidden):
        drafts.open_draft(session, user, "demo")
    with pytest.raises(Forbidden):
        drafts.save_draft(session, user, "demo", [], "", 1)
    with pytest.raises(Forbidden):
        drafts.publish_draft(session, user, "demo", "Edited", 1)
    with pytest.raises(Forbidden):
        author_revisions.set_minor(session, user, "demo", 1, True)
    with pytest.raises(Forbidden):
        suggestions.suggested_edits(session, user, "demo")


def test_signed_out_callers_cannot_open_a_draft(session, demo_article):
    with pytest.raises(Forbidden):
        drafts.open_draft(session, None, "demo")


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_authors_and_admins_open_a_draft_of_the_latest_revision(
    session, make_user, demo_article, role
):
    user = make_user("writer@example.org", role)
    draft = drafts.open_draft(session, user, "demo")
    view = read_article(session, "demo")
    assert draft.base_revision_id == view.revision.id and draft.version == 1
    assert [(s["key"], s["heading"], s["kind"], s["text"]) for s in draft.sections] == [
        (s.key, s.heading, s.kind.value, s.text) for s in view.sections
    ]


def test_opening_twice_gives_the_same_draft_and_other_authors_get_their_own(
    session, author, make_user
):
    first = drafts.open_draft(session, author, "demo")
    assert drafts.open_draft(session, author, "demo").id == first.id
    other = make_user("other@example.org", Role.AUTHOR)
    assert drafts.open_draft(session, other, "demo").id != first.id


def test_an_unknown_article_has_no_draft(session, author):
    with pytest.raises(NotFound):
        drafts.open_draft(session, author, "nope")


# Saving ------------------------------------------------------------------------------------


def test_saving_replaces_the_text_and_the_summary_and_counts_the_version(session, author):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    items[0]["text"] = "A new introduction.\r\n\r\nWith two paragraphs.  "
    saved = save(session, author, draft, items, "Rewrote the introduction")
    assert saved.version == 2 and saved.summary == "Rewrote the introduction"
    assert saved.sections[0]["text"] == "A new introduction.\n\nWith two paragraphs."
    assert read_article(session, "demo").sections[0].text.startswith("Heavy rain")


def test_a_save_from_a_second_tab_with_an_old_version_conflicts(session, author):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    drafts.save_draft(session, author, "demo", items, "tab one", 1)
    with pytest.raises(Conflict, match="another tab"):
        drafts.save_draft(session, author, "demo", items, "tab two", 1)
    assert drafts.open_draft(session, author, "demo").summary == "tab one"


def test_sections_can_be_added_removed_and_reordered(session, author):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    keys = [s["key"] for s in items]
    assert keys[:3] == ["introduction", "what-happened", "who-was-responsible"]
    body, updates = items[:-1], items[-1]
    body[1], body[2] = body[2], body[1]
    del body[3]  # WHAT NOW?
    body.insert(1, {"heading": "WHAT WE KNOW", "kind": "body", "text": "Three things."})
    saved = save(session, author, draft, [*body, updates])
    assert [s["key"] for s in saved.sections] == [
        "introduction",
        "what-we-know",
        "who-was-responsible",
        "what-happened",
        "a-longer-view",
        "update",
    ]


def test_a_new_section_never_takes_the_key_of_an_existing_one(session, author):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    items.insert(1, {"key": "my-key", "heading": "What happened", "text": "Again."})
    saved = save(session, author, draft, items)
    assert saved.sections[1]["key"] == "what-happened-2"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda items: items[1].update(heading=""), "needs a heading"),
        (lambda items: items[1].update(heading="X" * 201), "at most 200"),
        (lambda items: items[1].update(heading="TWO\nLINES"), "one line"),
        (lambda items: items[1].update(text="x" * 100_001), "at most 100,000"),
        (lambda items: items[2].update(key="what-happened"), "used twice"),
        (lambda items: items[-1].update(text="Update 1: sneaked in"), "not edited here"),
        (lambda items: items.append(dict(items[0], key=None)), "must stay, as the last"),
        (lambda items: items[1].update(kind="updates"), "only the last section"),
        (
            lambda items: [*items[:-1], *({"heading": f"S{n}"} for n in range(95)), items[-1]],
            "at most 100 sections",
        ),
    ],
)
def test_a_draft_that_breaks_the_rules_is_refused_and_not_saved(session, author, change, message):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    items = change(items) or items
    with pytest.raises(Invalid, match=message):
        save(session, author, draft, items)
    assert drafts.open_draft(session, author, "demo").version == 1


def test_only_the_first_section_may_go_without_a_heading(session, author):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    items[0], items[1] = items[1], items[0]
    with pytest.raises(Invalid, match="Section 2 needs a heading"):
        save(session, author, draft, items)


def test_discarding_throws_the_draft_away(session, author):
    edit_section(session, author, "introduction", "412 homes", "400 homes")
    drafts.discard_draft(session, author, "demo")
    assert session.scalar(select(func.count()).select_from(Draft)) == 0
    assert "412 homes" in drafts.open_draft(session, author, "demo").sections[0]["text"]


# Publishing ---------------------------------------------------------------------------------


def test_publishing_makes_version_two_of_kind_edit_and_drops_the_draft(session, author):
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    body, updates = items[:-1], items[-1]
    body[1], body[2] = body[2], body[1]
    del body[3]
    body.insert(1, {"heading": "WHAT WE KNOW", "kind": "body", "text": "Three things."})
    body[0]["text"] = body[0]["text"].replace("412 homes", "415 homes")
    draft = save(session, author, draft, [*body, updates])

    revision = drafts.publish_draft(session, author, "demo", "Reordered  and\nfixed", draft.version)

    assert revision.number == 2 and revision.kind == RevisionKind.EDIT
    assert revision.summary == "Reordered and fixed" and revision.created_by_id == author.id
    view = read_article(session, "demo")
    assert view.revision.number == 2
    assert [s.key for s in view.sections] == [s["key"] for s in draft.sections]
    assert "415 homes" in view.sections[0].text and view.sections[1].text == "Three things."
    assert session.scalar(select(func.count()).select_from(Draft)) == 0
    [logged] = actions(session, "publish")
    assert logged.target_type == "article" and logged.actor_id == author.id
    assert logged.reason == "Version 2: Reordered and fixed"


def test_publishing_needs_a_summary(session, author):
    draft = edit_section(session, author, "introduction", "412 homes", "415 homes")
    with pytest.raises(Invalid, match="what changed"):
        drafts.publish_draft(session, author, "demo", "   ", draft.version)
    with pytest.raises(Invalid, match="at most 500"):
        drafts.publish_draft(session, author, "demo", "x" * 501, draft.version)
    assert revision_count(session) == 1


def test_publishing_an_unchanged_draft_is_refused(session, author):
    draft = drafts.open_draft(session, author, "demo")
    with pytest.raises(Invalid, match="nothing to publish"):
        drafts.publish_draft(session, author, "demo", "Nothing", draft.version)


def test_publishing_from_a_stale_tab_conflicts(session, author):
    edit_section(session, author, "introduction", "412 homes", "415 homes")
    with pytest.raises(Conflict, match="another tab"):
        drafts.publish_draft(session, author, "demo", "Fix", 1)
    assert revision_count(session) == 1


# Someone published meanwhile ------------------------------------------------------------------


def accept_412(session, make_user, make_correction, *, apply_text=True):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes.",
        apply_text=apply_text,
        expected_version=correction.version,
    )
    return correction


def test_a_correction_accepted_while_drafting_makes_publishing_conflict_with_the_change_listed(
    session, author, make_user, make_correction
):
    draft = edit_section(session, author, "what-happened", "190 rescues", "192 rescues")
    accept_412(session, make_user, make_correction)  # version 2 replaces "412 homes"

    with pytest.raises(drafts.DraftConflict) as caught:
        drafts.publish_draft(session, author, "demo", "More rescues", draft.version)

    meanwhile = caught.value.meanwhile
    assert (meanwhile.base_number, meanwhile.latest_number) == (1, 2)
    [change] = meanwhile.changes
    assert change.key == "introduction" and change.status == "changed"
    assert ("insert", "415") in change.ops and ("delete", "412") in change.ops
    assert meanwhile.also_in_draft == set()
    assert [u.number for u in meanwhile.updates] == [1]
    assert "Version 2 was published" in caught.value.message
    assert revision_count(session) == 2  # nothing published, nothing overwritten


def test_rebasing_takes_the_newer_text_where_the_author_made_no_change_then_publish_works(
    session, author, make_user, make_correction
):
    draft = edit_section(session, author, "what-happened", "190 rescues", "192 rescues")
    accept_412(session, make_user, make_correction)

    result = drafts.rebase_draft(session, author, "demo", draft.version)

    assert result.rebased.took_newer == ["introduction"] and result.rebased.needs_look == []
    assert result.base_number == 2
    rebased = result.draft
    assert "415 homes" in text_of(rebased.sections, "introduction")
    assert "192 rescues" in text_of(rebased.sections, "what-happened")
    revision = drafts.publish_draft(session, author, "demo", "More rescues", rebased.version)
    view = read_article(session, "demo")
    assert revision.number == 3 and view.revision.number == 3
    assert "415 homes" in view.sections[0].text and "192 rescues" in view.sections[1].text


def test_rebasing_merges_word_by_word_where_both_changed_different_words_of_a_section(
    session, author, make_user, make_correction
):
    draft = edit_section(session, author, "introduction", "3 people", "4 people")
    accept_412(session, make_user, make_correction)  # version 2: "415 homes", text applied

    with pytest.raises(drafts.DraftConflict) as caught:
        drafts.publish_draft(session, author, "demo", "Toll", draft.version)
    assert caught.value.meanwhile.also_in_draft == {"introduction"}
    assert "You changed Introduction too" in caught.value.message

    result = drafts.rebase_draft(session, author, "demo", draft.version)
    assert result.rebased.merged == ["introduction"] and result.rebased.needs_look == []
    intro = text_of(result.draft.sections, "introduction")
    assert "415 homes" in intro and "4 people" in intro  # both changes, neither lost
    assert result.draft.looks == []

    drafts.publish_draft(session, author, "demo", "Toll", result.draft.version)
    published = read_article(session, "demo").sections[0].text
    assert "415 homes" in published and "4 people" in published  # the fix is not reverted


def test_rebasing_keeps_the_authors_words_where_both_changed_the_same_words_until_checked(
    session, author, make_user, make_correction
):
    draft = edit_section(session, author, "introduction", "412 homes", "about 400 homes")
    accept_412(session, make_user, make_correction)

    result = drafts.rebase_draft(session, author, "demo", draft.version)

    assert result.rebased.needs_look == ["introduction"] and result.rebased.merged == []
    [look] = result.rebased.looks
    assert (look.reason, look.version) == ("overlap", 2)
    assert [(p.part, p.base, p.mine, p.theirs) for p in look.passages] == [
        ("text", "412", "about 400", "415")
    ]
    assert "about 400 homes" in text_of(result.draft.sections, "introduction")
    # kept on the draft, so the editor shows it until the author says they checked it
    reopened = drafts.open_draft(session, author, "demo")
    assert [item["key"] for item in reopened.looks] == ["introduction"]
    saved = save(session, author, reopened, sections(reopened))
    assert [item["key"] for item in saved.looks] == ["introduction"]
    checked = drafts.save_draft(
        session, author, "demo", sections(saved), "", saved.version, checked=["introduction"]
    )
    assert checked.looks == []


def test_another_rebase_keeps_the_looks_not_checked_yet(
    session, author, make_user, make_correction, app
):
    draft = edit_section(session, author, "introduction", "412 homes", "about 400 homes")
    accept_412(session, make_user, make_correction)
    draft = drafts.rebase_draft(session, author, "demo", draft.version).draft
    moderator = session.scalars(select(User).where(User.email == "mod@example.org")).one()
    decisions.add_update(session, moderator, "demo", "More to come.")

    again = drafts.rebase_draft(session, author, "demo", draft.version)

    assert again.rebased.looks == [] and again.base_number == 3
    assert [item["key"] for item in again.draft.looks] == ["introduction"]


# Not undoing an accepted correction -----------------------------------------------------------


def test_publishing_a_draft_that_takes_out_an_applied_fix_is_refused_until_confirmed(
    session, author, make_user, make_correction
):
    draft = edit_section(session, author, "introduction", "412 homes", "about 400 homes")
    correction = accept_412(session, make_user, make_correction)
    draft = drafts.rebase_draft(session, author, "demo", draft.version).draft

    with pytest.raises(drafts.UndoesCorrection) as caught:
        drafts.publish_draft(session, author, "demo", "Rounded", draft.version)

    refused = caught.value
    assert refused.status == 409 and refused.code == "undoes_correction"
    [fix] = refused.undone
    assert (fix.correction_id, fix.update_number, fix.section_key) == (
        correction.id,
        1,
        "introduction",
    )
    assert (fix.old_words, fix.new_words) == ("412 homes", "415 homes")
    assert refused.message.startswith(
        "Publishing this draft would undo an accepted correction: Update 1 changed "
        "“412 homes” to “415 homes” in the introduction."
    )
    assert revision_count(session) == 2 and actions(session, "publish") == []

    revision = drafts.publish_draft(
        session, author, "demo", "Rounded", draft.version, confirm_undo=True
    )
    assert revision.number == 3
    assert "about 400 homes" in read_article(session, "demo").sections[0].text
    [logged] = actions(session, "change_applied_text")
    assert logged.target_id == correction.id and logged.actor_id == author.id
    assert logged.reason.startswith("Version 3 changed the corrected words “415 homes”")


def test_importing_a_file_that_takes_out_an_applied_fix_is_refused_until_confirmed(
    session, author, make_user, make_correction, demo_text
):
    """The file path (upload form, ``corrections import --new-revision``) is guarded as the
    draft is: the demo file still says "412 homes", which the accepted fix replaced."""
    correction = accept_412(session, make_user, make_correction)
    with pytest.raises(drafts.UndoesCorrection) as caught:
        articles.import_article(session, demo_text, slug="demo", new_revision=True, actor=author)
    assert caught.value.message.startswith(
        "Publishing this file would undo an accepted correction: Update 1 changed "
        "“412 homes” to “415 homes” in the introduction."
    )
    assert revision_count(session) == 2 and actions(session, "change_applied_text") == []

    result = articles.import_article(
        session, demo_text, slug="demo", new_revision=True, actor=author, confirm_undo=True
    )
    assert result.revision.number == 3
    assert "412 homes" in read_article(session, "demo").sections[0].text
    [logged] = actions(session, "change_applied_text")
    assert logged.target_id == correction.id and logged.actor_id == author.id
    assert logged.reason.startswith("Version 3 changed the corrected words “415 homes”")


def test_importing_a_file_that_keeps_the_fix_needs_no_confirmation(
    session, author, make_user, make_correction, demo_text
):
    accept_412(session, make_user, make_correction)
    text = demo_text.replace("412 homes", "415 homes").replace("3 people", "4 people")
    result = articles.import_article(session, text, slug="demo", new_revision=True)
    assert result.revision.number == 3 and actions(session, "change_applied_text") == []


def test_typing_the_old_words_back_after_a_fix_is_refused(
    session, author, make_user, make_correction
):
    accept_412(session, make_user, make_correction)
    draft = edit_section(session, author, "introduction", "415 homes", "412 homes")
    with pytest.raises(drafts.UndoesCorrection):
        drafts.publish_draft(session, author, "demo", "Back", draft.version)


def test_a_moderators_own_wording_of_the_fix_is_what_is_protected(
    session, author, make_user, make_correction
):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes.",
        apply_text=True,
        replacement="some 415 homes",
        expected_version=correction.version,
    )
    session.expire_all()
    assert session.get(type(correction), correction.id).applied_text == "some 415 homes"
    draft = edit_section(session, author, "introduction", "some 415 homes", "415 homes")
    with pytest.raises(drafts.UndoesCorrection, match="“some 415 homes”"):
        drafts.publish_draft(session, author, "demo", "Tidy", draft.version)


def test_a_fix_the_author_applied_from_the_editor_is_protected_too(
    session, author, make_user, make_correction
):
    correction = accept_412(session, make_user, make_correction, apply_text=False)
    draft = drafts.open_draft(session, author, "demo")
    draft = suggestions.apply_suggestion(session, author, "demo", correction.id, draft.version)
    drafts.publish_draft(session, author, "demo", "Applied", draft.version)
    draft = edit_section(session, author, "introduction", "415 homes", "many homes")
    with pytest.raises(drafts.UndoesCorrection):
        drafts.publish_draft(session, author, "demo", "Vaguer", draft.version)


@pytest.mark.parametrize(
    ("key", "old", "new"),
    [
        ("introduction", "3 people", "4 people"),  # the same section, other words
        ("what-happened", "190 rescues", "192 rescues"),  # another section
    ],
)
def test_edits_that_leave_the_fix_alone_publish_at_once(
    session, author, make_user, make_correction, key, old, new
):
    accept_412(session, make_user, make_correction)
    draft = edit_section(session, author, key, old, new)
    assert drafts.publish_draft(session, author, "demo", "Edit", draft.version).number == 3


def test_a_fix_changed_knowingly_is_not_asked_about_again_but_its_old_words_are(
    session, author, make_user, make_correction
):
    accept_412(session, make_user, make_correction)
    draft = edit_section(session, author, "introduction", "415 homes", "hundreds of homes")
    drafts.publish_draft(session, author, "demo", "Vaguer", draft.version, confirm_undo=True)
    draft = edit_section(session, author, "introduction", "3 people", "4 people")
    assert drafts.publish_draft(session, author, "demo", "Toll", draft.version).number == 4
    draft = edit_section(session, author, "introduction", "hundreds of homes", "412 homes")
    with pytest.raises(drafts.UndoesCorrection):
        drafts.publish_draft(session, author, "demo", "Back", draft.version)


def test_rebasing_places_a_section_added_meanwhile_after_the_one_it_follows(
    session, author, demo_text
):
    draft = edit_section(session, author, "what-happened", "190 rescues", "192 rescues")
    with_new = demo_text.replace("WHAT NOW?", "THE RESCUE\n\nBoats came.\n\nWHAT NOW?")
    author_revisions.upload_revision(session, author, "demo", with_new.encode(), "New section")

    result = drafts.rebase_draft(session, author, "demo", draft.version)

    keys = [s["key"] for s in result.draft.sections]
    assert keys.index("the-rescue") == keys.index("who-was-responsible") + 1
    assert result.rebased.added_meanwhile == ["the-rescue"]


# Suggested edits --------------------------------------------------------------------------------


def test_an_accepted_suggestion_is_applied_in_the_draft_and_marked_when_published(
    session, author, make_user, make_correction
):
    correction = accept_412(session, make_user, make_correction, apply_text=False)
    waiting = suggestions.suggested_edits(session, author, "demo")
    [suggestion] = waiting["introduction"]
    assert suggestion.quote == "412 homes" and suggestion.proposed_text == "415 homes"
    assert suggestion.still_matches and not suggestion.in_draft and suggestion.update_number == 1

    draft = drafts.open_draft(session, author, "demo")
    draft = suggestions.apply_suggestion(session, author, "demo", correction.id, draft.version)

    assert "415 homes" in text_of(draft.sections, "introduction")
    assert "412 homes" in read_article(session, "demo").sections[0].text  # not published yet
    assert suggestions.suggested_edits(session, author, "demo")["introduction"][0].in_draft
    with pytest.raises(Invalid, match="already"):
        suggestions.apply_suggestion(session, author, "demo", correction.id, draft.version)

    drafts.publish_draft(session, author, "demo", "Applied the correction", draft.version)

    session.expire_all()
    assert "415 homes" in read_article(session, "demo").sections[0].text
    assert correction.text_applied is True
    assert correction.anchor.state == AnchorState.APPLIED
    assert suggestions.suggested_edits(session, author, "demo") == {}
    [applied] = actions(session, "apply_text")
    assert applied.target_id == correction.id and applied.reason.endswith("version 3")


def test_a_suggestion_follows_the_quote_when_the_author_edited_elsewhere_in_the_section(
    session, author, make_user, make_correction
):
    correction = accept_412(session, make_user, make_correction, apply_text=False)
    draft = edit_section(session, author, "introduction", "Heavy rain", "Very heavy rain")
    draft = suggestions.apply_suggestion(session, author, "demo", correction.id, draft.version)
    intro = text_of(draft.sections, "introduction")
    assert intro.startswith("Very heavy rain") and "415 homes" in intro


def test_a_suggestion_whose_words_the_author_rewrote_is_refused(
    session, author, make_user, make_correction
):
    correction = accept_412(session, make_user, make_correction, apply_text=False)
    draft = edit_section(session, author, "introduction", "412 homes", "hundreds of homes")
    with pytest.raises(Invalid, match="edit them by hand"):
        suggestions.apply_suggestion(session, author, "demo", correction.id, draft.version)


def test_a_correction_applied_when_accepted_is_no_suggestion(
    session, author, make_user, make_correction
):
    correction = accept_412(session, make_user, make_correction, apply_text=True)
    assert suggestions.suggested_edits(session, author, "demo") == {}
    draft = drafts.open_draft(session, author, "demo")
    with pytest.raises(Invalid, match="no suggested text"):
        suggestions.apply_suggestion(session, author, "demo", correction.id, draft.version)


# Minor revisions ---------------------------------------------------------------------------------


def test_marking_a_revision_minor_and_back_is_audited(session, author):
    edit = edit_section(session, author, "introduction", "412 homes", "415 homes")
    drafts.publish_draft(session, author, "demo", "Typo", edit.version)

    assert author_revisions.set_minor(session, author, "demo", 2, True).is_minor is True
    assert author_revisions.set_minor(session, author, "demo", 2, True).is_minor is True
    assert author_revisions.set_minor(session, author, "demo", 2, False).is_minor is False

    logged = session.scalars(
        select(ModerationAction)
        .where(ModerationAction.target_type == "revision")
        .order_by(ModerationAction.id)
    ).all()
    assert [(a.action, a.old_status, a.new_status) for a in logged] == [
        ("mark_minor", "listed", "minor"),
        ("unmark_minor", "minor", "listed"),
    ]
    with pytest.raises(NotFound):
        author_revisions.set_minor(session, author, "demo", 9, True)


@pytest.mark.parametrize("apply_text", [True, False])
def test_a_version_that_published_an_update_cannot_be_hidden(
    session, author, make_user, make_correction, apply_text
):
    accept_412(session, make_user, make_correction, apply_text=apply_text)  # version 2
    with pytest.raises(Invalid, match="Version 2 published Update 1; a version that publishes"):
        author_revisions.set_minor(session, author, "demo", 2, True)
    session.expire_all()
    assert not session.get(Revision, 2).is_minor and actions(session, "mark_minor") == []


def test_an_update_added_by_hand_or_by_a_file_keeps_its_version_listed(
    session, author, make_user, demo_text
):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    decisions.add_update(session, moderator, "demo", "By hand.")  # version 2
    with_update = demo_text + "\nBy hand.\n\nUpdate 2, 16 October 2025: From a file.\n"
    author_revisions.upload_revision(session, author, "demo", with_update.encode(), "File")
    for number in (2, 3):
        with pytest.raises(Invalid, match=f"Version {number} published Update {number - 1}"):
            author_revisions.set_minor(session, author, "demo", number, True)


def test_a_version_already_minor_can_always_be_listed_again(session, author, make_user):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    published = decisions.add_update(session, moderator, "demo", "By hand.")
    published.revision.is_minor = True  # marked before the rule existed
    session.commit()
    assert author_revisions.set_minor(session, author, "demo", 2, False).is_minor is False


# Uploads ------------------------------------------------------------------------------------------


def test_uploading_a_file_publishes_the_next_revision(session, author, demo_text):
    changed = demo_text.replace("412 homes", "415 homes").encode()
    result = author_revisions.upload_revision(session, author, "demo", changed, "From the file")
    assert result.revision.number == 2 and result.revision.summary == "From the file"
    assert "415 homes" in read_article(session, "demo").sections[0].text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"\xff\xfe not utf-8", "not UTF-8"),
        (b"   \n", "empty"),
        (b"x" * (MAX_FILE_BYTES + 1), "over the limit of 1,000,000 bytes"),
    ],
)
def test_a_bad_file_is_refused_in_one_line_and_writes_nothing(session, author, data, message):
    with pytest.raises(Invalid, match=message) as caught:
        author_revisions.upload_revision(session, author, "demo", data, "Bad")
    assert "\n" not in caught.value.message
    assert revision_count(session) == 1


def test_an_upload_for_an_unknown_article_creates_nothing(session, author, demo_text):
    with pytest.raises(NotFound):
        author_revisions.upload_revision(session, author, "other", demo_text.encode(), "")
    assert revision_count(session) == 1


# Anchors after an author's edit ------------------------------------------------------------


def quote_comment(session, app, key, words):
    submitter = Submitter(secret=app.config["SECRET_KEY"], name="Ann", network_hash="net")
    return comments.post_comment(
        session,
        slug="demo",
        section_key=key,
        body=f"About “{words}”.",
        submitter=submitter,
        site_mode="post",
        quote=QuoteInput(words),
    ).comment


def test_quotes_of_untouched_words_keep_their_anchor_and_quotes_of_deleted_words_are_orphaned(
    session, app, author
):
    kept = quote_comment(session, app, "what-happened", "640 people overnight")
    lost = quote_comment(session, app, "what-happened", "Police have not released their names")
    elsewhere = quote_comment(session, app, "what-now", "£86,000")
    draft = drafts.open_draft(session, author, "demo")
    items = sections(draft)
    for item in items:
        if item["key"] == "what-happened":
            item["text"] = ("Added first. " + item["text"]).replace(
                " Police have not released their names.", ""
            )
    draft = save(session, author, draft, items)

    revision = drafts.publish_draft(session, author, "demo", "Trimmed", draft.version)

    session.expire_all()
    text = read_article(session, "demo").sections[1].text
    anchor = session.get(Anchor, kept.anchor_id)
    assert anchor.state == AnchorState.CURRENT and anchor.current_revision_id == revision.id
    assert text[anchor.current_start : anchor.current_end] == "640 people overnight"
    assert session.get(Anchor, lost.anchor_id).state == AnchorState.ORPHANED
    untouched = session.get(Anchor, elsewhere.anchor_id)
    assert untouched.state == AnchorState.CURRENT


def test_quotes_of_a_removed_section_refer_to_an_earlier_version(session, app, author):
    quoted = quote_comment(session, app, "what-now", "£86,000")
    draft = drafts.open_draft(session, author, "demo")
    items = [s for s in sections(draft) if s["key"] != "what-now"]
    draft = save(session, author, draft, items)
    drafts.publish_draft(session, author, "demo", "Removed WHAT NOW?", draft.version)
    session.expire_all()
    assert session.get(Anchor, quoted.anchor_id).state == AnchorState.ORPHANED


# At the same moment ---------------------------------------------------------------------------


def run_in_threads(app, works):
    """Run each of ``works`` in its own thread, app context and session, all at once."""
    barrier = threading.Barrier(len(works))
    results: list[object] = [None] * len(works)

    def target(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[index] = works[index]()
            except Exception as exc:  # collected for the assertions
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_two_tabs_saving_the_same_version_at_once_give_one_save(app, session, author):
    draft = drafts.open_draft(session, author, "demo")
    items, author_id = sections(draft), author.id
    session.commit()

    def save_as(summary):
        def work():
            actor = db.session.get(User, author_id)
            return drafts.save_draft(db.session, actor, "demo", items, summary, 1).version

        return work

    results = run_in_threads(app, [save_as("one"), save_as("two")])
    assert sorted(map(type, results), key=str) == sorted([int, Conflict], key=str), results
    session.expire_all()
    assert drafts.open_draft(session, author, "demo").version == 2


def test_an_accept_and_a_publish_at_once_never_lose_either_change(
    app, session, author, make_user, make_correction
):
    draft = edit_section(session, author, "what-happened", "190 rescues", "192 rescues")
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    ids = (author.id, moderator.id, correction.id, draft.version)
    session.commit()

    def publish():
        actor = db.session.get(User, ids[0])
        return drafts.publish_draft(db.session, actor, "demo", "Rescues", ids[3]).number

    def accept():
        actor = db.session.get(User, ids[1])
        return decisions.accept(
            db.session, actor, ids[2], update_text="Fixed.", apply_text=True, expected_version=1
        ).revision.number

    published, accepted = run_in_threads(app, [publish, accept])

    assert isinstance(accepted, int), accepted
    assert isinstance(published, int | drafts.DraftConflict), published
    session.expire_all()
    text = " ".join(s.text for s in read_article(session, "demo").sections)
    assert "415 homes" in text  # the accepted correction is never overwritten
    assert ("192 rescues" in text) == isinstance(published, int)
