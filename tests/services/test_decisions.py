"""Decisions on corrections, and the accept transaction under concurrency."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from corrections.extensions import db
from corrections.models import (
    AnchorState,
    Correction,
    CorrectionStatus,
    ModerationAction,
    OutboxMessage,
    Revision,
    Role,
    Update,
)
from corrections.services import decisions
from corrections.services.abuse import Submitter
from corrections.services.articles import read_article
from corrections.services.errors import Conflict, Forbidden, Invalid


@pytest.fixture
def moderator(make_user):
    return make_user("mod@example.org", Role.MODERATOR)


def reporting(app, email):
    return Submitter(secret=app.config["SECRET_KEY"], name="Ann", email=email)


def accept(session, moderator, correction, **kw):
    arguments = {
        "update_text": "An earlier version said 412 homes; it was 415.",
        "apply_text": False,
        "expected_version": correction.version,
    }
    return decisions.accept(session, moderator, correction.id, **{**arguments, **kw})


def test_accepting_publishes_update_one_in_version_two(app, session, moderator, make_correction):
    correction, _ = make_correction(submitter=reporting(app, "ann@example.org"))
    published = accept(session, moderator, correction)
    assert (published.update.number, published.revision.number) == (1, 2)
    view = read_article(session, "demo")
    assert view.revision.number == 2
    assert [(u.number, u.revision_number) for u in view.updates] == [(1, 2)]
    assert read_article(session, "demo", 1).updates == []
    session.refresh(correction)
    assert correction.status == CorrectionStatus.ACCEPTED
    assert correction.update_id == published.update.id and correction.version == 2
    action = session.scalars(select(ModerationAction)).one()
    assert (action.action, action.old_status, action.new_status) == (
        "accept",
        "pending",
        "accepted",
    )
    message = session.scalars(select(OutboxMessage)).one()
    assert message.to_email == "ann@example.org" and "Update 1 in version 2" in message.body
    # Absolute links, under PUBLIC_URL (in development, the address `make run` serves).
    assert f"(http://127.0.0.1:5000/c/{correction.public_id})" in message.body
    assert "The article: http://127.0.0.1:5000/a/demo#update-1\n" in message.body


def test_the_email_links_are_under_the_public_url(app, session, moderator, make_correction):
    app.config["PUBLIC_URL"] = "https://news.example.org/fixes"
    correction, _ = make_correction(submitter=reporting(app, "ann@example.org"))
    decisions.reject(
        session,
        moderator,
        correction.id,
        reason="not_an_error",
        note="",
        expected_version=correction.version,
    )
    body = session.scalars(select(OutboxMessage.body)).one()
    assert f"(https://news.example.org/fixes/c/{correction.public_id})" in body
    assert "The article: https://news.example.org/fixes/a/demo\n" in body


def test_accepting_can_replace_the_quoted_words(session, moderator, make_correction):
    correction, _ = make_correction()
    accept(session, moderator, correction, apply_text=True)
    intro = read_article(session, "demo").sections[0].text
    assert "415 homes had been evacuated" in intro and "412 homes" not in intro
    assert "412 homes" in read_article(session, "demo", 1).sections[0].text
    session.refresh(correction)
    assert correction.anchor.state == AnchorState.APPLIED and correction.text_applied


def test_other_anchors_follow_the_text_when_words_are_replaced(session, moderator, make_correction):
    from corrections.services.anchors import QuoteInput

    target, _ = make_correction()
    bystander, _ = make_correction(quote=QuoteInput("27 were treated in hospital"))
    accept(session, moderator, target, apply_text=True, update_text="Homes: 415.")
    session.refresh(bystander)
    anchor = bystander.anchor
    text = read_article(session, "demo").sections[0].text
    assert anchor.state == AnchorState.CURRENT
    assert text[anchor.current_start : anchor.current_end] == "27 were treated in hospital"


def test_a_second_accept_of_the_same_correction_conflicts(session, moderator, make_correction):
    correction, _ = make_correction()
    version = correction.version
    accept(session, moderator, correction)
    with pytest.raises(Conflict, match="decided or changed"):
        accept(session, moderator, correction, expected_version=version)
    assert session.scalar(select(func.count()).select_from(Update)) == 1


def test_a_stale_view_conflicts_and_changes_nothing(session, moderator, make_correction):
    correction, _ = make_correction()
    decisions.ask_for_info(
        session, moderator, correction.id, message="Which report?", expected_version=1
    )
    with pytest.raises(Conflict):
        accept(session, moderator, correction, expected_version=1)
    assert session.scalar(select(func.count()).select_from(Revision)) == 1


def test_readers_cannot_decide(session, make_user, make_correction):
    reader = make_user("r@example.org")
    correction, _ = make_correction()
    with pytest.raises(Forbidden):
        accept(session, reader, correction)
    with pytest.raises(Forbidden):
        accept(session, None, correction)
    with pytest.raises(Forbidden):
        decisions.reject(session, reader, correction.id, reason="spam", note="", expected_version=1)


def test_an_empty_update_text_is_refused(session, moderator, make_correction):
    correction, _ = make_correction()
    with pytest.raises(Invalid) as caught:
        accept(session, moderator, correction, update_text="  ")
    assert "update_text" in caught.value.fields


def test_reject_with_a_reason_and_a_note_for_the_reporter(app, session, moderator, make_correction):
    correction, _ = make_correction(submitter=reporting(app, "ann@example.org"))
    decisions.reject(
        session,
        moderator,
        correction.id,
        reason="no_reliable_source",
        note="The blog is not a source.",
        expected_version=1,
    )
    session.refresh(correction)
    assert correction.status == CorrectionStatus.REJECTED
    assert correction.decision_note == "The blog is not a source."
    assert "reason: no reliable source" in session.scalars(select(OutboxMessage.body)).one()
    with pytest.raises(Invalid):
        decisions.reject(
            session, moderator, correction.id, reason="whim", note="", expected_version=2
        )


def test_duplicate_needs_another_correction_of_the_same_article(
    session, moderator, make_correction
):
    first, _ = make_correction()
    second, _ = make_correction()
    with pytest.raises(Invalid):
        decisions.mark_duplicate(
            session, moderator, second.id, duplicate_of=second.id, expected_version=1
        )
    decisions.mark_duplicate(
        session, moderator, second.id, duplicate_of=first.id, expected_version=1
    )
    session.refresh(second)
    assert second.status == CorrectionStatus.DUPLICATE and second.duplicate_of_id == first.id


def test_reopen_returns_a_rejected_correction_but_never_an_accepted_one(
    session, moderator, make_correction
):
    rejected, _ = make_correction()
    decisions.reject(session, moderator, rejected.id, reason="spam", note="", expected_version=1)
    decisions.reopen(session, moderator, rejected.id, expected_version=2, reason="Too quick")
    session.refresh(rejected)
    assert rejected.status == CorrectionStatus.PENDING
    accepted, _ = make_correction()
    accept(session, moderator, accepted)
    with pytest.raises(Conflict, match="never unpublished"):
        decisions.reopen(session, moderator, accepted.id, expected_version=2)
    actions = session.scalars(select(ModerationAction.action).order_by(ModerationAction.id)).all()
    assert actions == ["reject", "reopen", "accept"]


def test_a_moderator_adds_an_update_by_hand(session, moderator, demo_article):
    published = decisions.add_update(session, moderator, "demo", "Power is back everywhere.")
    assert (published.update.number, published.revision.number) == (1, 2)
    assert read_article(session, "demo").updates[0].body == "Power is back everywhere."


def run_in_threads(app, count, work):
    """Run ``work(index)`` in ``count`` threads at once, each with its own app context and
    database session; return what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list[object] = [None] * count

    def target(index: int) -> None:
        with app.app_context():
            try:
                barrier.wait()
                results[index] = work(index)
            except Exception as exc:  # collected for the assertions
                results[index] = exc
            finally:
                db.session.remove()

    threads = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def test_eight_concurrent_accepts_of_different_corrections_get_numbers_one_to_eight(
    app, session, moderator, make_correction
):
    ids = [make_correction()[0].id for _ in range(8)]
    moderator_id = moderator.id
    session.commit()

    def work(index: int):
        from corrections.models import User

        actor = db.session.get(User, moderator_id)
        published = decisions.accept(
            db.session,
            actor,
            ids[index],
            update_text=f"Fix {index}",
            apply_text=False,
            expected_version=1,
        )
        return published.update.number

    results = run_in_threads(app, 8, work)
    # A thread that raised (or never finished) left an exception (or None), not a number:
    # name it, rather than let sorted() fail comparing it with the numbers.
    failed = [r for r in results if not isinstance(r, int)]
    assert failed == [], results
    assert sorted(results) == list(range(1, 9)), results  # type: ignore[type-var]
    session.expire_all()
    assert session.scalars(select(Update.number).order_by(Update.number)).all() == list(range(1, 9))
    numbers = session.scalars(select(Revision.number).order_by(Revision.number)).all()
    assert numbers == list(range(1, 10))
    statuses = session.scalars(select(Correction.status)).all()
    assert statuses == [CorrectionStatus.ACCEPTED] * 8


def test_eight_concurrent_accepts_of_the_same_correction_give_one_success(
    app, session, moderator, make_correction
):
    correction_id = make_correction()[0].id
    moderator_id = moderator.id
    session.commit()

    def work(index: int):
        from corrections.models import User

        actor = db.session.get(User, moderator_id)
        return decisions.accept(
            db.session,
            actor,
            correction_id,
            update_text=f"Fix {index}",
            apply_text=False,
            expected_version=1,
        )

    results = run_in_threads(app, 8, work)
    successes = [r for r in results if isinstance(r, decisions.Published)]
    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(successes) == 1 and len(conflicts) == 7, results
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(Update)) == 1
    assert session.scalar(select(func.count()).select_from(Revision)) == 2


def test_accepting_with_the_text_replaced_reads_no_list_of_updates(
    session, moderator, demo_text, make_correction
):
    """However many updates an article has, replacing the quoted words reads the latest
    sections only (the accept at 10,000 updates stays as fast as at 0)."""
    from sqlalchemy import event

    from corrections.services import articles

    text = demo_text + "".join(
        f"\nUpdate {n}, 16 October 2025: Figure {n} revised.\n" for n in range(1, 31)
    )
    articles.import_article(session, text, slug="flood")
    correction, _ = make_correction(slug="flood")
    statements: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        statements.append(" ".join(statement.lower().split()))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        published = accept(session, moderator, correction, apply_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert published.update.number == 31
    assert "415 homes" in read_article(session, "flood").sections[0].text
    listing = [s for s in statements if "from updates" in s and "order by updates.number" in s]
    assert listing == [], listing
