"""The reader's record: history, comparing versions, the corrections log and the Atom feed."""

from __future__ import annotations

import re

import feedparser
import pytest

from corrections.models import RevisionKind, Role
from corrections.services import articles, decisions
from corrections.services.anchors import QuoteInput
from corrections.services.revisions import SectionDraft, lock_article, publish_revision


def publish(session, slug, change, *, summary="Edited.", minor=False, actor=None):
    """Publish the next revision with ``change(drafts) -> drafts``, as the author's editor."""
    view = articles.read_article(session, slug)
    drafts = change([SectionDraft(s.key, s.heading, s.kind, s.text) for s in view.sections])
    article = lock_article(session, slug)
    revision = publish_revision(
        session, article, kind=RevisionKind.EDIT, summary=summary, actor=actor, drafts=drafts
    )
    revision.is_minor = minor
    session.commit()
    return revision.number


def replace_text(old, new):
    def change(drafts):
        return [SectionDraft(d.key, d.heading, d.kind, d.text.replace(old, new)) for d in drafts]

    return change


def main_of(page) -> str:
    html = page.get_data(as_text=True)
    return html[html.index("<main") : html.index("</main>")]


def text_of(html: str) -> str:
    """What a reader sees, roughly: tags dropped, whitespace folded."""
    return " ".join(re.sub(r"<[^>]+>", "", html).split())


@pytest.fixture
def moderator(make_user):
    return make_user("mod@example.org", Role.MODERATOR, display_name="Mo Derator")


@pytest.fixture
def flood(session, demo_text, make_user):
    """Three versions: imported, an author's edit (by Ann Author), a minor typo fix."""
    author = make_user("author@example.org", Role.AUTHOR, display_name="Ann Author")
    articles.import_article(session, demo_text, slug="flood", title="Flood <Report>")
    publish(session, "flood", replace_text("412 homes", "415 homes"), summary="Toll", actor=author)
    publish(session, "flood", replace_text("Kingsway", "King’s Way"), summary="Typo", minor=True)


# History ----------------------------------------------------------------------------------


def test_the_history_lists_each_version_with_kind_summary_who_and_links(client, flood):
    html = main_of(client.get("/a/flood/history"))
    text = text_of(html)
    assert "Version 2" in text and "Version 1" in text
    assert text.index("Version 2") < text.index("Version 1")
    assert "Edited Toll Ann Author" in text and "Imported text First published. —" in text
    assert 'href="/a/flood/v/2"' in html and 'href="/a/flood/v/1"' in html
    assert html.count(">Read<") == 2
    assert 'href="/a/flood/diff/1..2">Compare with the one before' in html
    assert "/a/flood/diff/0..1" not in html
    assert "Flood &lt;Report&gt;" in html  # the title is escaped


def test_minor_revisions_are_hidden_from_the_history_unless_asked_for(client, flood):
    public = main_of(client.get("/a/flood/history"))
    assert "Version 3" not in public and "Typo" not in public
    assert "1 minor revision" in text_of(public)
    assert 'href="/a/flood/history?minor=1">Show minor revisions' in public
    everything = main_of(client.get("/a/flood/history?minor=1"))
    assert "Version 3" in everything and "Typo" in everything
    assert '<span class="badge">minor</span>' in everything
    assert 'href="/a/flood/diff/2..3"' in everything
    assert ">Hide minor revisions<" in everything


def test_a_minor_revision_stays_readable_marked_minor_and_comparable_across(client, flood):
    page = client.get("/a/flood/v/3")
    assert page.status_code == 200
    assert "(a minor revision)" in text_of(main_of(page))
    across = main_of(client.get("/a/flood/diff/1..3"))
    assert "<del>412</del><ins>415</ins>" in across
    assert "<del>Kingsway</del><ins>King’s Way</ins>" in across


def test_the_history_offers_a_form_to_compare_any_two_versions(client, flood):
    html = main_of(client.get("/a/flood/history?minor=1"))
    form = html[html.index('<form class="compare-form"') : html.index("</form>")]
    assert 'method="get" action="/a/flood/compare"' in form
    assert '<select id="compare-from" name="from">' in form
    assert '<select id="compare-to" name="to">' in form
    assert '<option value="2" selected>' in form.split('name="to"')[0]
    assert '<option value="3" selected>' in form.split('name="to"')[1]
    answer = client.get("/a/flood/compare?from=3&to=1")
    assert answer.status_code == 302 and answer.headers["Location"] == "/a/flood/diff/1..3"


def test_a_compare_without_two_versions_goes_back_to_the_history_with_a_message(client, flood):
    for query in ("", "?from=1", "?from=x&to=2", "?from=0&to=2"):
        answer = client.get(f"/a/flood/compare{query}")
        assert answer.status_code == 302 and answer.headers["Location"] == "/a/flood/history"
    assert "Choose two versions to compare." in client.get("/a/flood/history").get_data(True)


# Comparing two versions ---------------------------------------------------------------------


def test_the_diff_page_summarises_and_marks_words_added_and_removed(client, flood):
    page = client.get("/a/flood/diff/1..2")
    html = main_of(page)
    assert page.status_code == 200
    assert '<meta name="robots" content="noindex">' in page.get_data(as_text=True)
    summary = text_of(html[html.index('<p class="diff-summary">') :].split("</p>")[0])
    assert re.fullmatch(
        r"Version 1 \(\d+ \w+ \d{4}\) → version 2 \(\d+ \w+ \d{4}\): "
        r"1 section changed, 0 updates added\.",
        summary,
    )
    assert 'href="/a/flood/v/1">Version 1</a>' in html
    assert 'href="/a/flood/v/2">version 2</a>' in html
    assert "By Wednesday morning <del>412</del><ins>415</ins> homes" in html
    # Readable without colour: the page says what the marks mean.
    assert (
        "Added words are <ins>underlined</ins>; removed words are <del>struck through</del>" in html
    )


def test_unchanged_sections_are_folded_under_their_heading(client, flood):
    html = main_of(client.get("/a/flood/diff/1..2"))
    folded = re.findall(
        r'<details class="diff-section diff-section--unchanged">\s*<summary>'
        r'<span class="diff-heading">([^<]*)</span> <span class="badge">unchanged</span>',
        html,
    )
    assert folded == [
        "WHAT HAPPENED",
        "WHO WAS RESPONSIBLE?",
        "WHAT NOW?",
        "A LONGER VIEW",
        "UPDATE",
    ]
    assert (
        '<section class="diff-section diff-section--changed" aria-labelledby="d-introduction">'
        in html
    )


def test_new_removed_renamed_and_moved_sections_are_named_in_words(client, session, flood):
    def rework(drafts):
        intro, happened, responsible, now, longer, update = drafts
        renamed = SectionDraft(now.key, "WHAT COMES NEXT", now.kind, now.text)
        added = SectionDraft("sources", "SOURCES", happened.kind, "The council.")
        return [intro, longer, happened, renamed, added, update]

    publish(session, "flood", rework, summary="Rework")
    text = text_of(main_of(client.get("/a/flood/diff/3..4")))
    assert "SOURCES New section" in text
    assert "WHO WAS RESPONSIBLE? Section removed" in text
    assert "WHAT NOW? WHAT COMES NEXT Renamed from “WHAT NOW?”" in text
    assert "A LONGER VIEW Moved from place 5 to place 2" in text
    assert "4 sections changed, 0 updates added" in text


def test_a_changed_heading_on_import_is_a_removed_and_a_new_section(client, session, demo_text):
    articles.import_article(session, demo_text, slug="flood")
    revised = demo_text.replace("WHAT NOW?", "WHAT NEXT?")
    articles.import_article(session, revised, slug="flood", new_revision=True)
    html = main_of(client.get("/a/flood/diff/1..2"))
    assert '<h2 id="d-what-now"><del>WHAT NOW?</del></h2>' in html
    assert '<ins class="diff-block"><p>The water is expected to fall' in html
    assert "Section removed" in html and "New section" in html


def test_markup_in_a_revision_is_shown_as_text_never_run(client, session, flood):
    publish(session, "flood", replace_text("Tuesday, 14 October.", "<script>alert(1)</script>"))
    html = main_of(client.get("/a/flood/diff/3..4"))
    assert "<script>" not in html
    assert "<ins>&lt;script&gt;alert(1)&lt;/script&gt;</ins>" in html


def test_an_update_published_in_between_is_listed_as_added(
    client, session, moderator, make_correction
):
    correction, _ = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said <412> homes.",
        apply_text=True,
        expected_version=correction.version,
    )
    html = main_of(client.get("/a/demo/diff/1..2"))
    assert "1 section changed, 1 update added." in text_of(html)
    assert '<ins><a href="/a/demo#update-1">Update 1</a>' in html
    assert "An earlier version said &lt;412&gt; homes.</ins>" in html
    assert "1 update added:" in html


def test_the_older_version_always_comes_first_in_the_address(client, flood):
    answer = client.get("/a/flood/diff/3..1")
    assert answer.status_code == 301 and answer.headers["Location"] == "/a/flood/diff/1..3"


def test_a_version_compared_with_itself_says_they_are_the_same(client, flood):
    page = client.get("/a/flood/diff/2..2")
    assert page.status_code == 200
    text = text_of(main_of(page))
    assert "Version 2 compared with itself" in text and "the same version" in text
    assert "<ins>" not in main_of(page)


def test_unknown_versions_get_the_404_page(client, flood):
    for path in (
        "/a/flood/diff/1..9",
        "/a/flood/diff/0..1",
        "/a/nope/diff/1..2",
        "/a/flood/diff/a..b",
    ):
        page = client.get(path)
        assert page.status_code == 404, path
        assert b"Not found" in page.data


def test_the_version_banner_links_to_what_changed(client, flood):
    latest = text_of(main_of(client.get("/a/flood")))
    assert "Version 3, updated" in latest and "(a minor revision), see what changed." in latest
    assert 'href="/a/flood/diff/2..3">see what changed' in client.get("/a/flood").get_data(True)
    old = client.get("/a/flood/v/2").get_data(as_text=True)
    assert 'href="/a/flood/diff/1..2">see what changed in version 2' in old
    first = client.get("/a/flood/v/1").get_data(as_text=True)
    assert "see what changed" not in first


# The corrections log ----------------------------------------------------------------------


def test_the_corrections_log_lists_accepted_corrections_newest_first(
    client, session, moderator, make_correction
):
    first, _ = make_correction(links=["https://example.org/report?a=1&b=2"])
    second, _ = make_correction(
        quote=QuoteInput("27 were treated in hospital"),
        kind="clarification",
        proposed_text="27 were treated",
        links=["https://news.example/story"],
    )
    make_correction(quote=QuoteInput("3 people were confirmed dead"))  # pending: not listed
    for correction, text in ((first, "Homes: <b>415</b>."), (second, "Hospital: clarified.")):
        decisions.accept(
            session,
            moderator,
            correction.id,
            update_text=text,
            apply_text=False,
            expected_version=correction.version,
        )
    html = main_of(client.get("/a/demo/corrections"))
    text = text_of(html)
    assert text.index("Update 2: Clarification") < text.index("Update 1: Correction")
    assert "3 people were confirmed dead" not in text
    assert 'href="/a/demo#update-1">Update 1</a>' in html
    assert 'href="/a/demo/v/2">version 2</a>' in html and 'href="/a/demo/v/3">version 3</a>' in html
    assert "<p>412 homes</p>" in html and "<p>27 were treated in hospital</p>" in html
    assert "Homes: &lt;b&gt;415&lt;/b&gt;." in html and "<b>415</b>" not in html
    assert (
        '<a href="https://example.org/report?a=1&amp;b=2" rel="nofollow ugc noopener">'
        "example.org</a>"
    ) in html
    assert 'rel="nofollow ugc noopener">news.example</a>' in html


def test_the_corrections_log_says_when_there_are_none(client, demo_article):
    text = text_of(main_of(client.get("/a/demo/corrections")))
    assert "No corrections or clarifications have been accepted yet." in text
    assert client.get("/a/nope/corrections").status_code == 404


def test_the_article_and_the_history_link_to_the_corrections_log(client, flood):
    for path in ("/a/flood", "/a/flood/history"):
        assert 'href="/a/flood/corrections"' in client.get(path).get_data(as_text=True), path


# The Atom feed ----------------------------------------------------------------------------


@pytest.fixture
def with_an_update(session, flood, moderator):
    decisions.add_update(session, moderator, "flood", "Power is back <everywhere>.")


def test_the_feed_is_valid_atom_with_updates_and_visible_versions(client, with_an_update):
    response = client.get("/a/flood/updates.atom")
    assert response.status_code == 200 and response.mimetype == "application/atom+xml"
    parsed = feedparser.parse(response.data)
    assert parsed.bozo == 0 and parsed.version == "atom10"
    assert parsed.feed.title == "Flood <Report>: updates and versions"
    assert parsed.feed.id.startswith("urn:uuid:")
    # Update 1 (version 4), version 4, version 2, version 1; minor version 3 is left out.
    assert [e.title for e in parsed.entries] == [
        "Update 1: Power is back <everywhere>.",
        "Version 4: Update added",
        "Version 2: Toll",
        "Version 1: First published.",
    ]
    update, version4, version2, version1 = parsed.entries
    assert update.link == "http://localhost/a/flood#update-1"
    assert update.content[0].value == "Power is back <everywhere>."
    assert version2.link == "http://localhost/a/flood/v/2"
    assert "http://localhost/a/flood/diff/1..2" in [link.href for link in version2.links]
    assert version2.author == "Ann Author"
    assert all(e.updated_parsed and e.id.startswith("urn:uuid:") for e in parsed.entries)
    assert len({e.id for e in parsed.entries}) == 4
    assert parsed.feed.updated == max(e.updated for e in parsed.entries)


def test_feed_ids_stay_the_same_from_one_request_to_the_next(client, with_an_update):
    first = feedparser.parse(client.get("/a/flood/updates.atom").data)
    again = feedparser.parse(client.get("/a/flood/updates.atom").data)
    assert [e.id for e in first.entries] == [e.id for e in again.entries]


def test_a_feed_reader_polling_again_gets_304_until_something_new(client, session, flood):
    etag = client.get("/a/flood/updates.atom").headers["ETag"]
    again = client.get("/a/flood/updates.atom", headers={"If-None-Match": etag})
    assert again.status_code == 304
    publish(session, "flood", replace_text("190 rescues", "192 rescues"), summary="Rescues")
    fresh = client.get("/a/flood/updates.atom", headers={"If-None-Match": etag})
    assert fresh.status_code == 200 and b"Version 4: Rescues" in fresh.data


def test_the_article_page_advertises_the_feed(client, flood):
    html = client.get("/a/flood").get_data(as_text=True)
    head = html[: html.index("</head>")]
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Updates to Flood &lt;Report&gt;"'
        ' href="/a/flood/updates.atom">'
    ) in head
    assert client.get("/a/nope/updates.atom").status_code == 404


def test_characters_xml_cannot_carry_are_left_out_of_the_feed(client, session, flood, moderator):
    decisions.add_update(session, moderator, "flood", "Sirens\x07 sounded & <stopped>.")
    parsed = feedparser.parse(client.get("/a/flood/updates.atom").data)
    assert parsed.bozo == 0
    assert parsed.entries[0].content[0].value == "Sirens sounded & <stopped>."
