"""Importing articles and publishing revisions."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from corrections.models import Article, Revision, RevisionSection, SectionText, Update
from corrections.services import articles
from corrections.services.errors import Conflict, Invalid, NotFound


def test_importing_creates_version_one_with_every_section(session, demo_text):
    result = articles.import_article(session, demo_text, slug="flood", title="Flood")
    view = articles.read_article(session, "flood")
    assert result.revision.number == 1
    assert view.revision.number == 1 and view.is_latest
    assert [s.key for s in view.sections][0] == "introduction"
    assert view.sections[-1].kind.value == "updates"
    assert view.updates == []


def test_the_seed_article_imports_with_six_sections(session, seed_text):
    result = articles.import_article(session, seed_text, slug="crocus")
    view = articles.read_article(session, "crocus")
    assert len(view.sections) == 6
    assert result.title_derived
    assert view.article.title.startswith("Most of the Friday night crowd")


def test_an_existing_slug_is_refused_without_new_revision(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    with pytest.raises(Conflict, match="--new-revision"):
        articles.import_article(session, demo_text, slug="flood")
    assert session.scalar(select(func.count()).select_from(Revision)) == 1


def test_a_new_revision_leaves_the_first_one_reading_as_before(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    before = articles.read_article(session, "flood", 1)
    changed = demo_text.replace("3 people were confirmed dead", "4 people were confirmed dead")
    result = articles.import_article(session, changed, slug="flood", new_revision=True)
    assert result.revision.number == 2
    session.expire_all()
    again = articles.read_article(session, "flood", 1)
    latest = articles.read_article(session, "flood")
    assert [s.text for s in again.sections] == [s.text for s in before.sections]
    assert not again.is_latest and latest.revision.number == 2
    assert "4 people" in latest.sections[0].text and "3 people" in again.sections[0].text


def test_unchanged_sections_share_their_stored_text(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    changed = demo_text.replace("Tuesday, 14 October.", "Tuesday, 14 October 2025.")
    articles.import_article(session, changed, slug="flood", new_revision=True)
    sections = len(articles.read_article(session, "flood").sections)
    assert session.scalar(select(func.count()).select_from(SectionText)) == sections + 1
    assert session.scalar(select(func.count()).select_from(RevisionSection)) == 2 * sections


def test_reimporting_the_same_text_makes_no_revision(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    with pytest.raises(Conflict, match="Nothing changed"):
        articles.import_article(session, demo_text, slug="flood", new_revision=True)


def test_revision_numbers_are_consecutive(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    for n in range(2, 6):
        text = demo_text.replace("412 homes", f"{400 + n} homes")
        articles.import_article(session, text, slug="flood", new_revision=True)
    numbers = session.scalars(select(Revision.number).order_by(Revision.number)).all()
    assert numbers == [1, 2, 3, 4, 5]


def test_new_headings_become_new_sections_and_removed_ones_leave_the_layout(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    text = demo_text.replace("A LONGER VIEW", "WHAT THE RECORDS SAY")
    articles.import_article(session, text, slug="flood", new_revision=True)
    keys = [s.key for s in articles.read_article(session, "flood").sections]
    assert "what-the-records-say" in keys and "a-longer-view" not in keys
    old_keys = [s.key for s in articles.read_article(session, "flood", 1).sections]
    assert "a-longer-view" in old_keys


def test_updates_in_a_new_revision_are_appended_and_dated_by_the_revision(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    text = demo_text + "\nUpdate 1, 16 October 2025: The toll is 4.\n\nPower is back.\n"
    articles.import_article(session, text, slug="flood", new_revision=True)
    latest = articles.read_article(session, "flood")
    assert [(u.number, u.body, u.revision_number) for u in latest.updates] == [
        (1, "The toll is 4.", 2),
        (2, "Power is back.", 2),
    ]
    assert latest.updates[0].published_at.date().isoformat() == "2025-10-16"
    assert articles.read_article(session, "flood", 1).updates == []


def test_a_published_update_cannot_be_rewritten_by_an_import(session, demo_text):
    articles.import_article(session, demo_text + "\nFirst note.\n", slug="flood")
    with pytest.raises(Invalid, match="cannot be changed"):
        articles.import_article(
            session, demo_text + "\nA different note.\n", slug="flood", new_revision=True
        )
    assert session.scalar(select(func.count()).select_from(Update)) == 1


def test_revisions_refuse_to_be_rewritten(session, demo_text):
    result = articles.import_article(session, demo_text, slug="flood")
    result.revision.summary = "rewritten history"
    with pytest.raises(ValueError, match="immutable"):
        session.flush()
    session.rollback()


def test_a_bad_slug_is_refused(session, demo_text):
    with pytest.raises(Invalid, match="slug"):
        articles.import_article(session, demo_text, slug="Not A Slug")
    assert session.scalar(select(func.count()).select_from(Article)) == 0


def test_unknown_articles_and_versions_are_not_found(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    with pytest.raises(NotFound):
        articles.read_article(session, "nope")
    with pytest.raises(NotFound, match="no version 7"):
        articles.read_article(session, "flood", 7)


def test_the_database_refuses_a_second_revision_or_update_with_the_same_number(session, demo_text):
    from sqlalchemy.exc import IntegrityError

    from corrections.models import RevisionKind

    article = articles.import_article(session, demo_text + "\nA note.\n", slug="flood").article
    session.add(Revision(article_id=article.id, number=1, kind=RevisionKind.IMPORT, summary=""))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()
    revision = session.scalars(select(Revision)).one()
    session.add(Update(article_id=article.id, number=1, body="Again.", revision_id=revision.id))
    with pytest.raises(IntegrityError):
        session.flush()
    session.rollback()


def test_the_seed_article_reads_back_from_the_database_byte_for_byte(session, seed_text):
    from corrections.text.article_format import parse_article

    articles.import_article(session, seed_text, slug="crocus")
    session.expire_all()
    stored = [(s.key, s.heading, s.text) for s in articles.read_article(session, "crocus").sections]
    assert stored == [(s.key, s.heading, s.text) for s in parse_article(seed_text).sections]


def test_the_state_of_an_article_names_what_read_article_reads(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    articles.import_article(
        session, demo_text.replace("412", "415"), slug="flood", new_revision=True
    )
    revision = session.scalars(select(Revision).where(Revision.number == 1)).one()
    revision.is_minor = True
    session.commit()
    for number in (None, 1, 2):
        view = articles.read_article(session, "flood", number)
        state = articles.article_state(session, "flood", number)
        assert state == articles.ArticleState(
            view.article.id, view.revision.id, view.latest_number, view.revision.is_minor
        )
    assert articles.article_state(session, "flood", 1).is_minor is True
    for slug, number, message in (("nope", None, "no article"), ("flood", 7, "no version 7")):
        with pytest.raises(NotFound, match=message) as read:
            articles.read_article(session, slug, number)
        with pytest.raises(NotFound) as state:
            articles.article_state(session, slug, number)
        assert state.value.message == read.value.message


def test_one_section_of_the_latest_revision_is_the_one_read_article_shows(session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    articles.import_article(
        session, demo_text.replace("412", "415"), slug="flood", new_revision=True
    )
    view = articles.read_article(session, "flood")
    for section in view.sections:
        article, revision, found = articles.latest_section_view(session, "flood", section.key)
        assert (article.id, revision.id, found) == (view.article.id, view.revision.id, section)
    assert "415 homes" in articles.latest_section_view(session, "flood", "introduction")[2].text
    with pytest.raises(NotFound, match="has no section 'nope' in its latest version"):
        articles.latest_section_view(session, "flood", "nope")
    with pytest.raises(NotFound, match="no article called 'gone'"):
        articles.latest_section_view(session, "gone", "introduction")
