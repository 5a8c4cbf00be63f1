"""Reader corrections: the rules of submitting, tracking, withdrawing and answering."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from corrections.models import (
    Ban,
    BanKind,
    Correction,
    CorrectionLink,
    CorrectionStatus,
    ModerationAction,
    RevisionKind,
    Role,
    Update,
    WordKind,
    WordRule,
)
from corrections.services import corrections as service
from corrections.services.abuse import Submitter, email_ban_hash
from corrections.services.anchors import QuoteInput
from corrections.services.corrections import (
    answer_info_request,
    get_tracked,
    tracking_view,
    withdraw,
)
from corrections.services.errors import Conflict, Forbidden, Invalid, NotFound
from corrections.services.hashing import token_hash
from corrections.services.revisions import lock_article, publish_revision


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def refused(make_correction, **overrides) -> Invalid:
    with pytest.raises(Invalid) as caught:
        make_correction(**overrides)
    return caught.value


def set_status(session, correction, status, **values):
    for name, value in {"status": status, **values}.items():
        setattr(correction, name, value)
    session.commit()


def test_a_correction_with_two_links_is_pending_with_its_anchor_links_and_hashed_token(
    session, make_correction
):
    links = ["https://example.org/report", "http://news.example.com/flood#figures"]
    correction, token = make_correction(links=links)
    assert correction.status == CorrectionStatus.PENDING and correction.version == 1
    assert token.startswith("trk_") and correction.token_hash == token_hash(token)
    assert token not in (correction.token_hash, correction.public_id)
    assert len(correction.public_id) >= 16
    assert correction.anchor.exact == "412 homes"
    assert correction.anchor.revision_id == correction.anchor.current_revision_id
    assert [(link.url, link.domain) for link in correction.links] == [
        ("https://example.org/report", "example.org"),
        ("http://news.example.com/flood#figures", "news.example.com"),
    ]


def test_links_are_normalized_and_duplicates_kept_once(session, make_correction):
    correction, _ = make_correction(
        links=["HTTPS://Example.ORG", "https://example.org/", "", "example.com/a b"]
    )
    assert [link.url for link in correction.links] == [
        "https://example.org/",
        "https://example.com/a%20b",
    ]


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "data:text/html,<script>x</script>"])
def test_javascript_and_data_links_are_refused_with_the_links_message_and_nothing_stored(
    session, make_correction, bad
):
    error = refused(make_correction, links=["https://example.org/", bad])
    assert error.fields["links-1"] == ["Only http and https links are accepted: " + repr(bad)]
    assert count(session, Correction) == count(session, CorrectionLink) == 0


def test_no_link_and_six_links_are_refused(session, make_correction):
    assert refused(make_correction, links=["", " "]).fields == {
        "links": ["Add at least one source link."]
    }
    six = [f"https://example.org/{n}" for n in range(6)]
    assert refused(make_correction, links=six).fields == {"links": ["At most 5 source links."]}
    assert count(session, Correction) == 0


@pytest.mark.parametrize(
    ("quote", "message"),
    [
        ("", "Select or type the words"),
        ("four hundred homes", "We could not find these words"),
        ("the", "appear"),
    ],
)
def test_a_missing_or_ambiguous_quote_is_refused_on_the_quote_field(
    session, make_correction, quote, message
):
    error = refused(make_correction, quote=QuoteInput(quote))
    assert list(error.fields) == ["quote"] and message in error.fields["quote"][0]
    assert count(session, Correction) == 0


def test_context_picks_one_of_several_occurrences(session, make_correction):
    correction, _ = make_correction(
        section_key="what-happened",
        quote=QuoteInput("1968", prefix="built after the "),
        proposed_text="1969",
    )
    assert correction.anchor.prefix.endswith("built after the ")


def test_the_update_section_cannot_be_quoted(session, make_correction):
    error = refused(make_correction, section_key="update", quote=QuoteInput("Update"))
    assert "UPDATE section" in error.fields["quote"][0]


def test_an_unknown_section_is_not_found(session, make_correction):
    with pytest.raises(NotFound):
        make_correction(section_key="nowhere")


def test_every_field_problem_is_reported_at_once(session, make_correction):
    error = refused(
        make_correction,
        kind="opinion",
        proposed_text="  ",
        explanation="x" * 2001,
        links=["ftp://example.org/"],
        quote=QuoteInput("not in the text"),
        submitter=Submitter(secret="s", name="", email="not-an-email"),
    )
    assert set(error.fields) == {
        "kind",
        "proposed_text",
        "explanation",
        "links-0",
        "quote",
        "reporter_name",
        "reporter_email",
    }
    assert error.message == "Some fields need your attention."


def test_lengths_are_limited(session, make_correction):
    assert "5,000" in refused(make_correction, proposed_text="x" * 5001).message
    assert "80" in refused(make_correction, submitter=Submitter("s", name="n" * 81)).message
    correction, _ = make_correction(proposed_text="x" * 5000, explanation="")
    assert correction.explanation == ""


def test_a_signed_in_reporter_is_named_after_their_account_unless_they_give_a_name(
    session, make_correction, make_user
):
    user = make_user("reader@example.org", Role.READER, display_name="Rita Reader")
    correction, _ = make_correction(submitter=Submitter(secret="s", user=user))
    assert correction.reporter_name == "Rita Reader" and correction.reporter_user_id == user.id
    assert correction.reporter_email is None
    other, _ = make_correction(
        submitter=Submitter(secret="s", user=user, name="R."), proposed_text="416 homes"
    )
    assert other.reporter_name == "R."


def test_the_email_is_optional_and_stored_lower_cased(session, make_correction):
    correction, _ = make_correction(submitter=Submitter("s", name="Ann", email=" Ann@Example.ORG "))
    assert correction.reporter_email == "ann@example.org"


def test_a_banned_email_is_refused_and_nothing_stored(app, session, make_correction):
    secret = app.config["SECRET_KEY"]
    session.add(
        Ban(kind=BanKind.EMAIL, value_hash=email_ban_hash(secret, "spam@example.org"), label="s")
    )
    session.commit()
    with pytest.raises(Forbidden, match="blocked"):
        make_correction(submitter=Submitter(secret, name="S", email="SPAM@example.org"))
    assert count(session, Correction) == 0


def test_a_blocked_word_is_refused_on_its_field(session, make_correction):
    session.add(WordRule(kind=WordKind.BLOCKED, word="scam"))
    session.commit()
    error = refused(make_correction, explanation="This is a scam.")
    assert list(error.fields) == ["explanation"] and "scam" in error.message


def test_a_repeat_with_the_same_idempotency_key_returns_the_first_without_a_token(
    session, make_correction, app
):
    first, token = make_correction(idempotency_key="k" * 64)
    result = service.submit_correction(
        session,
        slug="demo",
        section_key="introduction",
        quote=QuoteInput("412 homes"),
        kind="correction",
        proposed_text="415 homes",
        explanation="",
        links=["https://example.org/report"],
        submitter=Submitter(secret=app.config["SECRET_KEY"], name="Ann"),
        idempotency_key="k" * 64,
    )
    assert (result.created, result.tracking_token) == (False, None)
    assert result.correction.id == first.id and token
    assert count(session, Correction) == 1


def test_the_right_token_finds_the_correction(session, make_correction):
    correction, token = make_correction()
    assert get_tracked(session, correction.public_id, token).id == correction.id


@pytest.mark.parametrize("token", [None, "", "trk_wrong"])
def test_a_wrong_token_looks_exactly_like_an_unknown_id(session, make_correction, token):
    correction, _ = make_correction()
    with pytest.raises(NotFound) as wrong:
        get_tracked(session, correction.public_id, token)
    with pytest.raises(NotFound) as unknown:
        get_tracked(session, "no-such-id", "trk_anything")
    assert wrong.value.message == unknown.value.message


def test_an_accepted_correction_tells_its_update_and_version(session, make_correction):
    correction, token = make_correction()
    article = lock_article(session, "demo")
    revision = publish_revision(
        session, article, kind=RevisionKind.UPDATE, summary="U1", actor=None
    )
    entry = Update(article_id=article.id, number=1, body="415 homes.", revision_id=revision.id)
    session.add(entry)
    session.flush()
    set_status(session, correction, CorrectionStatus.ACCEPTED, update_id=entry.id)
    tracked = tracking_view(session, correction.public_id, token)
    assert (tracked.update_number, tracked.revision_number) == (1, 2)
    assert tracked.section_key == "introduction" and tracked.article.slug == "demo"


def test_a_duplicate_names_the_correction_it_duplicates(session, make_correction):
    first, _ = make_correction()
    second, token = make_correction()
    set_status(session, second, CorrectionStatus.DUPLICATE, duplicate_of_id=first.id)
    assert tracking_view(session, second.public_id, token).duplicate_of == first.public_id


def test_withdrawing_bumps_the_version_and_logs_it_once(session, make_correction):
    correction, token = make_correction()
    withdrawn = withdraw(session, correction.public_id, token)
    assert withdrawn.status == CorrectionStatus.WITHDRAWN and withdrawn.version == 2
    with pytest.raises(Conflict, match="already withdrawn"):
        withdraw(session, correction.public_id, token)
    actions = session.scalars(select(ModerationAction)).all()
    assert [(a.action, a.old_status, a.new_status, a.target_id) for a in actions] == [
        ("correction_withdrawn", "pending", "withdrawn", correction.id)
    ]


@pytest.mark.parametrize(
    ("status", "word"),
    [(CorrectionStatus.ACCEPTED, "accepted"), (CorrectionStatus.REJECTED, "rejected")],
)
def test_a_decided_correction_cannot_be_withdrawn(session, make_correction, status, word):
    correction, token = make_correction()
    set_status(session, correction, status)
    with pytest.raises(Conflict, match=f"already {word}"):
        withdraw(session, correction.public_id, token)


def test_withdrawing_with_a_wrong_token_is_not_found(session, make_correction):
    correction, _ = make_correction()
    with pytest.raises(NotFound):
        withdraw(session, correction.public_id, "trk_guess")
    assert session.get(Correction, correction.id).status == CorrectionStatus.PENDING


def test_a_decision_between_reading_and_writing_wins_and_the_withdrawal_conflicts(
    session, make_correction, monkeypatch
):
    correction, token = make_correction()
    read = service.get_tracked

    def read_then_a_moderator_decides(*args):
        found = read(*args)
        session.execute(
            update(Correction)
            .where(Correction.id == found.id)
            .values(version=Correction.version + 1, status=CorrectionStatus.NEEDS_INFO)
            .execution_options(synchronize_session=False)
        )
        return found

    monkeypatch.setattr(service, "get_tracked", read_then_a_moderator_decides)
    with pytest.raises(Conflict, match="at the same moment"):
        withdraw(session, correction.public_id, token)
    assert count(session, ModerationAction) == 0


def test_answering_a_question_returns_it_to_pending_and_bumps_the_version(session, make_correction):
    correction, token = make_correction()
    set_status(session, correction, CorrectionStatus.NEEDS_INFO, info_request="Which report?")
    answered = answer_info_request(session, correction.public_id, token, "  The 3pm one.  ")
    assert answered.status == CorrectionStatus.PENDING and answered.version == 2
    assert answered.reporter_reply == "The 3pm one."
    action = session.scalars(select(ModerationAction)).one()
    assert (action.action, action.old_status, action.new_status) == (
        "correction_info_given",
        "needs_info",
        "pending",
    )


def test_an_answer_needs_a_question_and_some_words(session, make_correction):
    correction, token = make_correction()
    with pytest.raises(Conflict, match="no question to answer"):
        answer_info_request(session, correction.public_id, token, "Here you are.")
    set_status(session, correction, CorrectionStatus.NEEDS_INFO)
    with pytest.raises(Invalid) as empty:
        answer_info_request(session, correction.public_id, token, "   ")
    with pytest.raises(Invalid) as long:
        answer_info_request(session, correction.public_id, token, "x" * 2001)
    assert list(empty.value.fields) == list(long.value.fields) == ["reply"]


def test_the_same_correction_of_the_same_words_twice_within_ten_minutes_is_refused(
    app, session, make_correction, make_user
):
    guest = Submitter(secret="s", name="Ann", network_hash="net-a")
    make_correction(submitter=guest)
    error = refused(
        make_correction, submitter=Submitter(secret="s", name="Bo", network_hash="net-a")
    )
    assert "same correction of these words" in error.message
    assert set(error.fields) == {"proposed_text"}
    assert count(session, Correction) == 1
    # Other words, another proposed text, or another network: received as usual.
    make_correction(submitter=guest, proposed_text="416 homes")
    make_correction(submitter=guest, quote=QuoteInput("3 people"), proposed_text="415 homes")
    make_correction(submitter=Submitter(secret="s", name="Cy", network_hash="net-b"))
    assert count(session, Correction) == 4


def test_an_account_repeating_itself_from_another_network_is_refused(
    session, make_correction, make_user
):
    user = make_user("reader@example.org", Role.READER)
    make_correction(submitter=Submitter(secret="s", user=user, network_hash="home"))
    with pytest.raises(Invalid, match="same correction"):
        make_correction(submitter=Submitter(secret="s", user=user, network_hash="work"))


def test_the_same_correction_is_received_again_after_ten_minutes(session, make_correction):
    from datetime import timedelta

    guest = Submitter(secret="s", name="Ann", network_hash="net-a")
    first, _ = make_correction(submitter=guest)
    session.execute(
        update(Correction)
        .where(Correction.id == first.id)
        .values(created_at=first.created_at - timedelta(minutes=11))
    )
    session.commit()
    again, _ = make_correction(submitter=guest)
    assert again.id != first.id


def test_a_double_submit_is_not_refused_as_a_repeat(session, make_correction):
    guest = Submitter(secret="s", name="Ann", network_hash="net-a")
    first, token = make_correction(submitter=guest, idempotency_key="form-1")
    result = service.submit_correction(
        session,
        slug="demo",
        section_key="introduction",
        quote=QuoteInput("412 homes"),
        kind="correction",
        proposed_text="415 homes",
        explanation="The council revised the figure.",
        links=["https://example.org/report"],
        submitter=guest,
        idempotency_key="form-1",
    )
    assert not result.created and result.correction.id == first.id
    assert result.tracking_token is None and token


def test_a_double_submit_that_raced_the_first_gets_the_first_not_a_refusal(
    session, make_correction, monkeypatch
):
    """Sent again while the first was being saved: its look-up by key ran before the first
    was committed, and the repeat check then finds the first. It is the same request."""
    guest = Submitter(secret="s", name="Ann", network_hash="net-a")
    first, _ = make_correction(submitter=guest, idempotency_key="form-1")
    real_lookup, calls = service._by_idempotency_key, []

    def lookup_that_missed_the_first(db_session, key):
        calls.append(key)
        return None if len(calls) == 1 else real_lookup(db_session, key)

    monkeypatch.setattr(service, "_by_idempotency_key", lookup_that_missed_the_first)
    repeat, token = make_correction(submitter=guest, idempotency_key="form-1")
    assert repeat.id == first.id and token is None and count(session, Correction) == 1
    with pytest.raises(Invalid, match="same correction"):  # without the key: a refusal
        make_correction(submitter=guest)
