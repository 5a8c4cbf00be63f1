"""What a moderator reads of one correction before deciding: the reporter's earlier ones."""

from __future__ import annotations

import pytest

from corrections.models import Role
from corrections.services import review
from corrections.services.abuse import Submitter
from corrections.services.errors import Forbidden


@pytest.fixture
def moderator(make_user):
    return make_user("mod@example.org", Role.MODERATOR)


def by(app, email=None, network=None, name="Ann"):
    return Submitter(secret=app.config["SECRET_KEY"], name=name, email=email, network_hash=network)


def test_earlier_corrections_are_only_those_the_reporter_sent_before(
    app, session, moderator, make_correction
):
    first, _ = make_correction(submitter=by(app, "ann@example.org"), proposed_text="413 homes")
    second, _ = make_correction(submitter=by(app, "ann@example.org"), proposed_text="414 homes")
    middle, _ = make_correction(submitter=by(app, "ann@example.org"), proposed_text="415 homes")
    later, _ = make_correction(submitter=by(app, "ann@example.org"), proposed_text="416 homes")
    stranger, _ = make_correction(submitter=by(app, "bo@example.org"), proposed_text="417 homes")

    seen = review.review(session, moderator, middle.id)
    assert [c.id for c in seen.reporter_history] == [second.id, first.id]
    assert later.id not in [c.id for c in seen.reporter_history]
    assert review.review(session, moderator, first.id).reporter_history == []
    history = review.review(session, moderator, later.id).reporter_history
    assert [c.id for c in history] == [middle.id, second.id, first.id]
    assert review.review(session, moderator, stranger.id).reporter_history == []


def test_the_same_network_counts_as_the_same_reporter(app, session, moderator, make_correction):
    first, _ = make_correction(submitter=by(app, network="net-a", name="Ann"))
    again, _ = make_correction(submitter=by(app, network="net-a", name="A."), proposed_text="416")
    assert [c.id for c in review.review(session, moderator, again.id).reporter_history] == [
        first.id
    ]


def test_only_moderators_review_a_correction(session, make_user, make_correction):
    correction, _ = make_correction()
    with pytest.raises(Forbidden):
        review.review(session, make_user("r@example.org"), correction.id)
