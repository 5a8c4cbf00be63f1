"""Export and import: an article's whole record survives the round trip."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import delete, func, select

from corrections.db import Base
from corrections.models import (
    Anchor,
    AnchorState,
    Article,
    Comment,
    Correction,
    Revision,
    Role,
    User,
)
from corrections.services import (
    author_revisions,
    comments,
    decisions,
    drafts,
    portability,
    suggestions,
)
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.errors import Conflict, Invalid


def busy_article(app, session, make_user, make_correction):
    """The demo article with comments, replies, an edit, a flag, decisions and an update."""
    moderator = make_user("mod@example.org", Role.MODERATOR)
    secret = app.config["SECRET_KEY"]
    guest = Submitter(secret=secret, name="Ann", email="ann@example.org", network_hash="n1")
    first = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body="Quoting *this*",
        submitter=guest,
        site_mode="post",
        quote=QuoteInput("118 millimetres of rain"),
    )
    comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body="A reply",
        submitter=Submitter(secret=secret, name="Бо", network_hash="n2"),
        site_mode="post",
        parent_id=first.comment.id,
    )
    comments.edit_comment(
        session,
        first.comment.id,
        "Quoting **this**",
        user=None,
        edit_secret=first.edit_secret,
        site_mode="post",
        secret=secret,
    )
    comments.flag_comment(session, first.comment.id, reason="other", note="odd", reporter_key="k")
    rejected, _ = make_correction()
    duplicate, _ = make_correction()
    reporter = Submitter(secret=secret, name="Cy", email="cy@example.org")
    accepted, _ = make_correction(submitter=reporter)
    decisions.reject(
        session, moderator, rejected.id, reason="other", note="No.", expected_version=1
    )
    decisions.mark_duplicate(
        session, moderator, duplicate.id, duplicate_of=rejected.id, expected_version=1
    )
    decisions.accept(
        session,
        moderator,
        accepted.id,
        update_text="Fixed “412”.",
        apply_text=True,
        expected_version=1,
    )
    # The author applies a second correction later, in an edit that also deletes the words
    # the first comment quotes (its anchor is orphaned), then fixes a typo (marked minor).
    author = make_user("author@example.org", Role.AUTHOR)
    later, _ = make_correction(quote=QuoteInput("27 were treated"), proposed_text="29 were treated")
    decisions.accept(
        session, moderator, later.id, update_text="It was 29.", apply_text=False, expected_version=1
    )
    draft = drafts.open_draft(session, author, "demo")
    draft = suggestions.apply_suggestion(session, author, "demo", later.id, draft.version)
    edit(session, author, draft, "what-happened", "118 millimetres of rain", "heavy rain")
    draft = drafts.open_draft(session, author, "demo")
    drafts.publish_draft(session, author, "demo", "Applied a correction", draft.version)
    draft = edit(
        session, author, drafts.open_draft(session, author, "demo"), "what-now", "A417", "A 417"
    )
    drafts.publish_draft(session, author, "demo", "Typo", draft.version)
    author_revisions.set_minor(session, author, "demo", 5, True)


def edit(session, author, draft, key, old, new):
    items = [dict(item) for item in draft.sections]
    for item in items:
        if item["key"] == key:
            assert old in item["text"]
            item["text"] = item["text"].replace(old, new)
    return drafts.save_draft(session, author, "demo", items, "", draft.version)


def empty_every_table(session):
    for table in reversed(Base.metadata.sorted_tables):
        session.execute(delete(table))
    session.commit()


def test_an_export_with_private_data_restores_exactly(app, session, make_user, make_correction):
    busy_article(app, session, make_user, make_correction)
    exported = portability.export_article(session, "demo", with_private=True)
    text = json.dumps(exported)  # it is plain JSON
    empty_every_table(session)
    portability.import_article(session, json.loads(text))
    again = portability.export_article(session, "demo", with_private=True)
    assert again == exported
    assert session.scalar(select(func.count()).select_from(Comment)) == 2
    assert session.scalar(select(func.count()).select_from(Correction)) == 4
    restored = session.scalars(select(Article)).one()
    assert restored.current_revision.number == 5
    # what the record is made of came back as it was
    revisions = session.scalars(select(Revision).order_by(Revision.number)).all()
    assert [(r.kind.value, r.is_minor) for r in revisions] == [
        ("import", False),
        ("update", False),
        ("update", False),
        ("edit", False),
        ("edit", True),
    ]
    states = session.execute(select(Anchor.id, Anchor.state)).all()
    assert {state for _, state in states} >= {AnchorState.ORPHANED, AnchorState.APPLIED}
    applied = session.execute(
        select(Correction.applied_text, Revision.number)
        .join(Revision, Correction.applied_revision_id == Revision.id)
        .order_by(Revision.number)
    ).all()
    assert applied == [("415 homes", 2), ("29 were treated", 4)]
    assert portability.export_article(session, "demo")["version"] == portability.FORMAT_VERSION


def test_an_export_of_the_first_format_still_restores(app, session, make_user, make_correction):
    busy_article(app, session, make_user, make_correction)
    document = portability.export_article(session, "demo", with_private=True)
    document["version"] = 1
    for row in document["tables"]["corrections"]:
        del row["applied_text"], row["applied_revision_id"]
    empty_every_table(session)
    portability.import_article(session, document)
    assert session.scalar(select(func.count()).select_from(Correction)) == 4


def test_a_public_export_leaves_out_emails_and_secrets(app, session, make_user, make_correction):
    busy_article(app, session, make_user, make_correction)
    text = json.dumps(portability.export_article(session, "demo"))
    for secret in (
        "ann@example.org",
        "cy@example.org",
        "mod@example.org",
        "author@example.org",
        "scrypt:",
    ):
        assert secret not in text
    document = json.loads(text)
    assert document["private"] is False
    assert {row["display_name"] for row in document["tables"]["users"]} == {"mod", "author"}


def test_a_public_export_restores_with_placeholder_accounts(
    app, session, make_user, make_correction
):
    busy_article(app, session, make_user, make_correction)
    document = portability.export_article(session, "demo")
    empty_every_table(session)
    portability.import_article(session, document)
    restored = session.scalars(select(User)).all()
    assert len(restored) == 2
    for user in restored:
        assert user.email.endswith("@export.invalid") and not user.is_active
    assert (
        portability.export_article(session, "demo")["tables"]["comments"]
        == (document["tables"]["comments"])
    )


def test_import_refuses_a_database_that_has_articles(session, demo_article):
    document = portability.export_article(session, "demo")
    with pytest.raises(Conflict, match="empty database"):
        portability.import_article(session, document)


def test_import_refuses_what_is_not_an_export(session):
    with pytest.raises(Invalid):
        portability.import_article(session, {"format": "something else"})


def test_the_cli_round_trip(runner, session, demo_article, tmp_path):
    result = runner.invoke(args=["export", "demo", "--with-private"])
    assert result.exit_code == 0, result.output
    path = tmp_path / "demo.json"
    path.write_text(result.output, "utf-8")
    empty_every_table(session)
    restored = runner.invoke(args=["import-json", str(path)])
    assert restored.exit_code == 0, restored.output
    assert "Restored /a/demo at version 1" in restored.output
    missing = runner.invoke(args=["export", "nope"])
    assert missing.exit_code == 2 and "no article" in missing.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", "utf-8")
    assert runner.invoke(args=["import-json", str(bad)]).exit_code == 2
