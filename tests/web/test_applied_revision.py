"""'Applied in version N': the version whose text first had an accepted correction's fix, on
the public log, the reporter's tracking page and the moderator's correction page."""

from __future__ import annotations

import pytest

from corrections.models import Role
from corrections.services import decisions, drafts, suggestions
from corrections.services.anchors import QuoteInput


@pytest.fixture
def applied_later(session, make_user, make_correction):
    """Accepted in version 2 without replacing the words; the author applied it in version 3."""
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, token = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="An earlier version said 412 homes.",
        apply_text=False,
        expected_version=correction.version,
    )
    author = make_user("author@example.org", Role.AUTHOR)
    draft = drafts.open_draft(session, author, "demo")
    draft = suggestions.apply_suggestion(session, author, "demo", correction.id, draft.version)
    drafts.publish_draft(session, author, "demo", "Applied the correction", draft.version)
    return correction, token


def test_the_log_says_the_version_the_author_applied_the_fix_in(client, applied_later):
    html = client.get("/a/demo/corrections").get_data(as_text=True)
    assert 'in <a href="/a/demo/v/2">version 2</a>' in html  # where the update was published
    assert 'Applied in <a href="/a/demo/v/3">version 3</a>: the text was corrected there' in html
    assert "after the update" in html
    assert "corrected in version 2" not in html


def test_the_log_of_a_fix_applied_when_accepted_names_that_version(
    client, session, make_user, make_correction
):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, _ = make_correction()
    other, _ = make_correction(quote=QuoteInput("27 were treated"), proposed_text="29")
    for item, apply_text in ((correction, True), (other, False)):
        decisions.accept(
            session,
            moderator,
            item.id,
            update_text="Fixed.",
            apply_text=apply_text,
            expected_version=item.version,
        )
    html = client.get("/a/demo/corrections").get_data(as_text=True)
    assert 'Applied in <a href="/a/demo/v/2">version 2</a>: the text was corrected there.' in html
    assert "the quoted words have not been replaced in the text" in html  # the other one


def test_the_tracking_page_says_where_the_fix_was_applied(client, applied_later):
    correction, token = applied_later
    opened = client.get(f"/c/{correction.public_id}?token={token}", follow_redirects=True)
    html = opened.get_data(as_text=True)
    assert "Your correction" in html
    assert 'Applied in <a href="/a/demo/v/3">version 3</a>: the text now reads “415 homes”.' in html


def test_the_moderators_page_says_where_the_fix_was_applied(client, login, applied_later, session):
    login(client, "mod@example.org")
    correction, _ = applied_later
    html = client.get(f"/moderate/corrections/{correction.id}").get_data(as_text=True)
    assert (
        "These words were replaced by this correction's own fix: applied in "
        '<a href="/a/demo/v/3">version 3</a>.'
    ) in html


def test_a_correction_not_applied_says_nothing_of_a_version(
    client, session, make_user, make_correction
):
    moderator = make_user("mod@example.org", Role.MODERATOR)
    correction, token = make_correction()
    decisions.accept(
        session,
        moderator,
        correction.id,
        update_text="Noted.",
        apply_text=False,
        expected_version=correction.version,
    )
    opened = client.get(f"/c/{correction.public_id}?token={token}", follow_redirects=True)
    html = opened.get_data(as_text=True)
    assert "Accepted in" in html and "Applied in" not in html
