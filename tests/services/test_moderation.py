"""Moderating comments: decisions, concurrency, bulk, notifications, bans and word lists."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
from sqlalchemy import event, func, insert, select

from corrections.db import DB_INT_MAX, utcnow
from corrections.extensions import db
from corrections.models import (
    Ban,
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    ModerationAction,
    OutboxMessage,
    Role,
    User,
    WordKind,
    WordRule,
)
from corrections.services import bans, comments, moderation, threads, word_lists
from corrections.services.abuse import Submitter, account_ban_hash, email_ban_hash
from corrections.services.errors import Conflict, Forbidden, Invalid, NotFound

SECRET = "test-secret"


@pytest.fixture
def moderator(make_user) -> User:
    return make_user("mod@example.org", Role.MODERATOR, display_name="Mo")


def guest(name="Ann", email=None, network="net-a") -> Submitter:
    return Submitter(secret=SECRET, name=name, email=email, network_hash=network)


def held(session, body="Held words", submitter=None, key="what-happened", **kw) -> Comment:
    """A comment waiting for a moderator (pre-moderation), through the real service."""
    result = comments.post_comment(
        session,
        slug="demo",
        section_key=key,
        body=body,
        submitter=submitter or guest(),
        site_mode="pre",
        **kw,
    )
    return result.comment


def published(session, body="Published words", submitter=None, **kw) -> Comment:
    result = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body=body,
        submitter=submitter or guest(),
        site_mode="post",
        **kw,
    )
    return result.comment


def actions(session, comment_id=None) -> list[ModerationAction]:
    query = select(ModerationAction).order_by(ModerationAction.id)
    if comment_id is not None:
        query = query.where(
            ModerationAction.target_type == "comment", ModerationAction.target_id == comment_id
        )
    return list(session.scalars(query))


def outbox(session) -> list[OutboxMessage]:
    return list(session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def flag(session, comment, key="user:99", reason="abusive") -> None:
    comments.flag_comment(session, comment.id, reason=reason, note="rude", reporter_key=key)


# Single decisions -------------------------------------------------------------------------


def test_approving_a_held_comment_publishes_it_and_logs_who_what_and_why(
    session, demo_article, moderator
):
    comment = held(session)
    assert comment.published_at is None
    approved = moderation.approve_comment(session, moderator, comment.id)
    assert approved.status == CommentStatus.PUBLISHED and approved.published_at is not None
    [row] = actions(session)
    assert (row.actor_id, row.action, row.target_type, row.target_id) == (
        moderator.id,
        "comment_approved",
        "comment",
        comment.id,
    )
    assert (row.old_status, row.new_status, row.article_id) == (
        "pending",
        "published",
        demo_article.id,
    )


def test_rejecting_keeps_the_reason_and_note_on_the_comment_and_in_the_log(
    session, demo_article, moderator
):
    comment = held(session)
    rejected = moderation.reject_comment(session, moderator, comment.id, "off_topic", " Not here ")
    assert rejected.status == CommentStatus.REJECTED
    assert rejected.decision_reason == "off topic: Not here"
    [row] = actions(session)
    assert (row.action, row.old_status, row.new_status, row.reason) == (
        "comment_rejected",
        "pending",
        "rejected",
        "off topic: Not here",
    )


def test_a_rejection_needs_one_of_the_known_reasons(session, demo_article, moderator):
    comment = held(session)
    with pytest.raises(Invalid, match="why"):
        moderation.reject_comment(session, moderator, comment.id, "because")
    with pytest.raises(Invalid, match="at most 400"):
        moderation.reject_comment(session, moderator, comment.id, "other", "x" * 401)
    assert session.get(Comment, comment.id).status == CommentStatus.PENDING
    assert actions(session) == []


def test_marking_spam_and_deleting_are_logged_with_their_old_and_new_status(
    session, demo_article, moderator
):
    spam, gone = held(session, "Buy now"), published(session, "Visible")
    moderation.mark_spam(session, moderator, spam.id)
    moderation.delete_comment(session, moderator, gone.id, "personal details")
    rows = [(r.target_id, r.action, r.old_status, r.new_status, r.reason) for r in actions(session)]
    assert rows == [
        (spam.id, "comment_spam", "pending", "spam", None),
        (gone.id, "comment_deleted", "published", "deleted", "personal details"),
    ]


def test_a_moderator_delete_leaves_a_placeholder_above_its_replies(
    session, demo_article, moderator
):
    parent = published(session, "The parent")
    reply = published(
        session, "A reply", submitter=guest("Bo", network="net-b"), parent_id=parent.id
    )
    moderation.delete_comment(session, moderator, parent.id)
    page = threads.thread_page(session, parent.section_id)
    assert [(c.id, c.is_placeholder) for c in page.comments] == [
        (parent.id, True),
        (reply.id, False),
    ]


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUTHOR, Role.ADMIN])
def test_moderators_authors_and_admins_may_decide(session, demo_article, make_user, role):
    actor = make_user(f"{role.value}@example.org", role)
    comment = held(session)
    assert moderation.approve_comment(session, actor, comment.id).status == CommentStatus.PUBLISHED


def test_readers_guests_and_disabled_moderators_may_not_decide(
    session, demo_article, make_user, moderator
):
    reader = make_user("reader@example.org", Role.READER)
    comment = held(session)
    for actor in (reader, None):
        with pytest.raises(Forbidden):
            moderation.approve_comment(session, actor, comment.id)
        with pytest.raises(Forbidden):
            moderation.bulk_decide(session, actor, [comment.id], "spam")
    moderator.disabled_at = utcnow()
    session.commit()
    with pytest.raises(Forbidden):
        moderation.reject_comment(session, moderator, comment.id, "spam")
    assert session.get(Comment, comment.id).status == CommentStatus.PENDING
    assert actions(session) == []


def test_deciding_a_missing_comment_is_not_found(session, moderator):
    with pytest.raises(NotFound):
        moderation.approve_comment(session, moderator, 12345)


# Concurrency ------------------------------------------------------------------------------


def test_a_second_decision_on_the_same_held_comment_conflicts_and_changes_nothing(
    session, demo_article, moderator, make_user
):
    other = make_user("other@example.org", Role.MODERATOR)
    comment = held(session, submitter=guest(email="ann@example.org"))
    moderation.approve_comment(session, moderator, comment.id)
    with pytest.raises(Conflict, match="already published"):
        moderation.approve_comment(session, other, comment.id)
    rejected = held(session, "second")
    moderation.reject_comment(session, moderator, rejected.id, "spam")
    for again in (moderation.approve_comment, moderation.mark_spam):
        with pytest.raises(Conflict, match="already been rejected"):
            again(session, other, rejected.id)
    assert len(actions(session, comment.id)) == 1 and len(actions(session, rejected.id)) == 1
    assert len(outbox(session)) == 1
    assert session.get(Comment, rejected.id).status == CommentStatus.REJECTED


def test_a_decision_on_a_comment_its_author_deleted_says_so(session, demo_article, moderator):
    result = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body="Oops",
        submitter=guest(),
        site_mode="pre",
    )
    comments.delete_comment(session, result.comment.id, user=None, edit_secret=result.edit_secret)
    with pytest.raises(Conflict, match="author has deleted"):
        moderation.approve_comment(session, moderator, result.comment.id)


def run_in_threads(app, count, work):
    """``work(index)`` in ``count`` threads released together, each with its own app context
    and database session; what each returned or raised."""
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

    workers = [threading.Thread(target=target, args=(i,)) for i in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
    return results


def test_two_moderators_approving_the_same_comment_at_once_apply_it_once(
    app, session, demo_article, moderator, make_user
):
    second = make_user("second@example.org", Role.MODERATOR)
    comment = held(session, submitter=guest(email="ann@example.org"))
    ids = [moderator.id, second.id]
    comment_id = comment.id

    def work(index: int):
        actor = db.session.get(User, ids[index])
        return moderation.approve_comment(db.session, actor, comment_id).status

    results = run_in_threads(app, 2, work)
    assert sorted(type(r).__name__ for r in results) == ["CommentStatus", "Conflict"], results
    session.rollback()  # ends this session's snapshot, if one is open, and expires
    assert session.get(Comment, comment_id).status == CommentStatus.PUBLISHED
    assert len(actions(session, comment_id)) == 1
    assert len(outbox(session)) == 1


def test_a_rejection_and_an_approval_at_once_leave_exactly_one_decision(
    app, session, demo_article, moderator, make_user
):
    second = make_user("second@example.org", Role.MODERATOR)
    comment = held(session)
    ids, comment_id = [moderator.id, second.id], comment.id

    def work(index: int):
        actor = db.session.get(User, ids[index])
        if index == 0:
            return moderation.approve_comment(db.session, actor, comment_id, expected="pending")
        return moderation.reject_comment(db.session, actor, comment_id, "spam", expected="pending")

    results = run_in_threads(app, 2, work)
    assert sum(isinstance(r, Conflict) for r in results) == 1, results
    assert sum(isinstance(r, Comment) for r in results) == 1, results
    session.rollback()  # ends this session's snapshot, if one is open, and expires
    [row] = actions(session, comment_id)
    assert session.get(Comment, comment_id).status.value == row.new_status


# Flags ------------------------------------------------------------------------------------


def open_flags(session, comment_id) -> int:
    return session.scalar(
        select(func.count())
        .select_from(Flag)
        .where(Flag.comment_id == comment_id, Flag.resolved_at.is_(None))
    )


def test_approving_a_flagged_comment_keeps_it_and_dismisses_its_flags_once(
    session, demo_article, moderator
):
    comment = published(session)
    flag(session, comment, "user:1")
    flag(session, comment, "user:2", reason="spam")
    kept = moderation.approve_comment(session, moderator, comment.id)
    assert kept.status == CommentStatus.PUBLISHED and open_flags(session, comment.id) == 0
    [row] = actions(session)
    assert (row.action, row.old_status, row.new_status) == (
        "comment_flags_dismissed",
        "published",
        "published",
    )
    assert row.reason.startswith("2 flag(s) dismissed")
    with pytest.raises(Conflict, match="no open flags"):
        moderation.approve_comment(session, moderator, comment.id)
    assert outbox(session) == []  # only held comments are notified


def test_rejecting_a_flagged_comment_resolves_its_flags(session, demo_article, moderator):
    comment = published(session)
    flag(session, comment)
    moderation.reject_comment(session, moderator, comment.id, "abusive")
    assert open_flags(session, comment.id) == 0
    flag_row = session.scalars(select(Flag)).one()
    assert flag_row.resolved_at is not None


# Notifications ----------------------------------------------------------------------------


def test_a_commenter_with_an_email_hears_of_the_approval_with_a_link(
    session, demo_article, moderator
):
    comment = held(session, submitter=guest(email="ann@example.org"))
    moderation.approve_comment(session, moderator, comment.id)
    [message] = outbox(session)
    assert message.to_email == "ann@example.org"
    assert "Demo" in message.subject and "published" in message.subject
    assert f":\nhttp://127.0.0.1:5000/a/demo#c-{comment.id}\n" in message.body


def test_a_commenter_with_an_email_hears_of_the_rejection_and_its_reason(
    session, demo_article, moderator
):
    comment = held(session, submitter=guest(email="ann@example.org"))
    moderation.reject_comment(session, moderator, comment.id, "duplicate", "Said above.")
    [message] = outbox(session)
    assert "not published" in message.subject and "“Demo”" in message.subject
    assert "duplicate: Said above." in message.body
    assert f"The article: http://127.0.0.1:5000/a/demo#c-{comment.id}\n" in message.body


def test_without_a_public_url_a_logged_only_message_keeps_the_path(
    app, session, demo_article, moderator
):
    app.config["PUBLIC_URL"] = None  # production that only logs its mail
    comment = held(session, submitter=guest(email="ann@example.org"))
    moderation.approve_comment(session, moderator, comment.id)
    [message] = outbox(session)
    assert f":\n/a/demo#c-{comment.id}\n" in message.body


def test_commenters_without_an_email_and_spam_or_deletes_send_nothing(
    session, demo_article, moderator
):
    no_email = held(session, "one")
    moderation.approve_comment(session, moderator, no_email.id)
    moderation.reject_comment(session, moderator, held(session, "two").id, "spam")
    with_email = guest(email="ann@example.org")
    moderation.mark_spam(session, moderator, held(session, "three", submitter=with_email).id)
    moderation.delete_comment(session, moderator, held(session, "four", submitter=with_email).id)
    assert outbox(session) == []


def test_an_account_commenter_is_told_at_their_account_email(
    session, demo_article, moderator, make_user
):
    reader = make_user("reader@example.org", Role.READER)
    comment = held(session, submitter=Submitter(secret=SECRET, user=reader, network_hash="n"))
    moderation.approve_comment(session, moderator, comment.id)
    assert [m.to_email for m in outbox(session)] == ["reader@example.org"]


# Bulk -------------------------------------------------------------------------------------


def test_bulk_decisions_change_the_open_comments_and_skip_the_rest(
    session, demo_article, moderator
):
    first, second, third = (held(session, f"text {n}") for n in range(3))
    moderation.approve_comment(session, moderator, third.id)
    ids = [first.id, second.id, third.id, 999]
    result = moderation.bulk_decide(
        session, moderator, ids, "reject", "spam", "bots", expected="pending"
    )
    assert (result.changed, result.skipped) == (2, 2)
    statuses = [session.get(Comment, c.id).status for c in (first, second, third)]
    assert statuses == [CommentStatus.REJECTED, CommentStatus.REJECTED, CommentStatus.PUBLISHED]
    logged = [(r.target_id, r.action, r.reason) for r in actions(session)][1:]
    assert logged == [
        (first.id, "comment_rejected", "spam: bots"),
        (second.id, "comment_rejected", "spam: bots"),
    ]


def test_bulk_refuses_an_empty_selection_an_unknown_action_and_too_many(
    session, demo_article, moderator
):
    with pytest.raises(Invalid, match="Select at least one"):
        moderation.bulk_decide(session, moderator, [], "approve")
    with pytest.raises(Invalid, match="approve, reject"):
        moderation.bulk_decide(session, moderator, [1], "publish")
    with pytest.raises(Invalid, match="at most 500"):
        moderation.bulk_decide(session, moderator, range(1, 502), "approve")


@pytest.mark.parametrize("bad", [0, -1, DB_INT_MAX + 1, 3_000_000_000, 10**20])
def test_bulk_refuses_ids_no_comment_can_have_before_any_sql(session, demo_article, moderator, bad):
    comment = held(session)
    with pytest.raises(Invalid, match="not a comment number") as caught:
        moderation.bulk_decide(session, moderator, [comment.id, bad], "approve")
    assert caught.value.fields == {"ids": [f"Comment numbers are from 1 to {DB_INT_MAX}."]}
    assert session.get(Comment, comment.id).status == CommentStatus.PENDING
    assert actions(session) == []


def test_all_from_this_author_means_the_same_account_email_or_network(
    session, demo_article, moderator, make_user
):
    reader = make_user("r@example.org", Role.READER)
    first = held(session, "a1", submitter=guest("Ann", "ann@example.org", "net-a"))
    same_email = held(session, "a2", submitter=guest("Ann B", "ann@example.org", "net-z"))
    same_network = held(session, "a3", submitter=guest("Other", None, "net-a"))
    stranger = held(session, "b1", submitter=guest("Bo", "bo@example.org", "net-b"))
    account = Submitter(secret=SECRET, user=reader, network_hash="net-r")
    mine = [held(session, f"r{n}", submitter=account) for n in range(2)]
    already = held(session, "a4", submitter=guest("Ann", "ann@example.org", "net-a"))
    moderation.approve_comment(session, moderator, already.id)

    assert moderation.comment_ids_by_author(session, first.id) == [
        first.id,
        same_email.id,
        same_network.id,
    ]
    assert moderation.comment_ids_by_author(session, mine[0].id) == [c.id for c in mine]
    result = moderation.decide_all_from_author(session, moderator, first.id, "spam")
    assert (result.changed, result.skipped) == (3, 0)
    assert session.get(Comment, stranger.id).status == CommentStatus.PENDING
    assert session.get(Comment, already.id).status == CommentStatus.PUBLISHED


# Bans -------------------------------------------------------------------------------------


def ban(session, actor, **kw):
    return bans.ban(session, actor, secret=SECRET, **kw)


def test_an_email_ban_keeps_only_a_keyed_hash_and_refuses_new_comments(
    session, demo_article, moderator
):
    comment = held(session, submitter=guest(email="Ann@Example.org"))
    result = ban(session, moderator, kind="email", comment_id=comment.id, reason="abuse")
    row = result.ban
    assert row.value_hash == email_ban_hash(SECRET, "ann@example.org")
    assert row.label == "a***@example.org" and row.expires_at is None
    assert "ann@example.org" not in (row.label + (row.reason or ""))
    with pytest.raises(Forbidden, match="email is blocked"):
        held(session, "again", submitter=guest(email="ann@example.org", network="other"))
    held(session, "fine", submitter=guest(email="bo@example.org", network="other"))
    [logged] = actions(session)
    assert (logged.action, logged.target_type, logged.target_id) == ("ban_created", "ban", row.id)
    assert "a***@example.org" in logged.reason and "ann@" not in logged.reason


def test_an_email_can_be_banned_directly_without_a_comment(session, demo_article, moderator):
    result = ban(session, moderator, kind="email", email="spam@example.org", duration=None)
    assert result.ban.label == "s***@example.org"
    with pytest.raises(Forbidden):
        held(session, submitter=guest(email="spam@example.org"))


def test_an_account_ban_refuses_that_account_and_names_it_by_number(
    session, demo_article, moderator, make_user
):
    reader = make_user("r@example.org", Role.READER, display_name="Rita")
    account = Submitter(secret=SECRET, user=reader, network_hash="net-r")
    comment = held(session, submitter=account)
    result = ban(session, moderator, kind="account", comment_id=comment.id)
    assert result.ban.label == f"account #{reader.id} (Rita)"
    assert result.ban.value_hash == account_ban_hash(SECRET, reader.id)
    with pytest.raises(Forbidden, match="account is blocked"):
        held(session, "again", submitter=account)


def test_a_network_ban_refuses_the_network_and_rejects_its_pending_comments(
    session, demo_article, moderator
):
    first = held(session, "one", submitter=guest("Ann", "ann@example.org", "net-a"))
    second = held(session, "two", submitter=guest("Other", None, "net-a"))
    elsewhere = held(session, "three", submitter=guest("Bo", None, "net-b"))
    result = ban(
        session,
        moderator,
        kind="network",
        comment_id=first.id,
        duration=timedelta(days=7),
        reason="spray",
        reject_pending=True,
    )
    assert result.rejected == 2
    assert result.ban.label == f"the network of comment #{first.id}"
    assert result.ban.value_hash == "net-a"
    statuses = [session.get(Comment, c.id).status for c in (first, second, elsewhere)]
    assert statuses == [CommentStatus.REJECTED, CommentStatus.REJECTED, CommentStatus.PENDING]
    assert outbox(session) == []  # a banned sender gets no mail from us
    with pytest.raises(Forbidden, match="network is blocked until"):
        held(session, "again", submitter=guest("New", None, "net-a"))
    assert [r.action for r in actions(session)] == [
        "ban_created",
        "comment_rejected",
        "comment_rejected",
    ]


def test_a_ban_rejects_many_pending_comments_in_bounded_chunks_each_logged(
    session, demo_article, moderator, monkeypatch
):
    monkeypatch.setattr(bans, "REJECT_CHUNK", 2)
    theirs = [held(session, f"n{n}", submitter=guest("Ann", "ann@example.org")) for n in range(5)]
    other = held(session, "other", submitter=guest("Bo", "bo@example.org", "net-b"))
    in_lists: list[int] = []

    def watch(conn, cursor, statement, parameters, context, executemany):
        for match in re.finditer(r"comments\.id IN \(([^)]*)\)", statement):
            in_lists.append(match.group(1).count(",") + 1)

    event.listen(db.engine, "before_cursor_execute", watch)
    try:
        result = ban(session, moderator, kind="email", email="ann@example.org", reject_pending=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", watch)
    assert result.rejected == 5
    session.expire_all()
    assert [session.get(Comment, c.id).status for c in theirs] == [CommentStatus.REJECTED] * 5
    assert session.get(Comment, other.id).status == CommentStatus.PENDING
    assert in_lists and max(in_lists) <= 2
    logged = [(r.action, r.target_id) for r in actions(session)]
    assert logged == [("ban_created", result.ban.id)] + [("comment_rejected", c.id) for c in theirs]


def test_a_ban_that_has_expired_no_longer_refuses(session, demo_article, moderator):
    comment = held(session, submitter=guest(email="ann@example.org"))
    result = ban(
        session, moderator, kind="email", comment_id=comment.id, duration=timedelta(days=1)
    )
    with pytest.raises(Forbidden):
        held(session, "again", submitter=guest(email="ann@example.org", network="n2"))
    row = session.get(Ban, result.ban.id)
    row.expires_at = utcnow() - timedelta(seconds=1)
    session.commit()
    assert held(session, "later", submitter=guest(email="ann@example.org", network="n3")).id
    with pytest.raises(Conflict, match="no longer active"):
        bans.lift_ban(session, moderator, row.id)
    assert [e.state for e in bans.list_bans(session, moderator).past] == ["expired"]


def test_a_lifted_ban_lets_them_post_again_and_cannot_be_lifted_twice(
    session, demo_article, moderator
):
    comment = held(session, submitter=guest(network="net-x"))
    result = ban(session, moderator, kind="network", comment_id=comment.id)
    lifted = bans.lift_ban(session, moderator, result.ban.id, reason="shared wifi")
    assert lifted.lifted_at is not None
    assert held(session, "again", submitter=guest(network="net-x")).id
    with pytest.raises(Conflict, match="no longer active"):
        bans.lift_ban(session, moderator, result.ban.id)
    with pytest.raises(NotFound):
        bans.lift_ban(session, moderator, 999)
    logged = [(r.action, r.old_status, r.new_status) for r in actions(session)]
    assert logged[-1] == ("ban_lifted", "active", "lifted")
    listed = bans.list_bans(session, moderator)
    assert listed.active == [] and [e.state for e in listed.past] == ["lifted"]


def test_a_second_active_ban_of_the_same_thing_conflicts(session, demo_article, moderator):
    ban(session, moderator, kind="email", email="ann@example.org")
    with pytest.raises(Conflict, match="already banned"):
        ban(session, moderator, kind="email", email="ANN@example.org")
    assert session.scalar(select(func.count()).select_from(Ban)) == 1


def test_bans_refuse_staff_guests_without_the_thing_and_readers(
    session, demo_article, moderator, make_user
):
    author = make_user("author@example.org", Role.AUTHOR)
    reader = make_user("r@example.org", Role.READER)
    no_email = held(session, submitter=guest(network=None))
    with pytest.raises(Invalid, match="Staff accounts"):
        ban(session, moderator, kind="account", user_id=author.id)
    with pytest.raises(Invalid, match="no email"):
        ban(session, moderator, kind="email", comment_id=no_email.id)
    with pytest.raises(Invalid, match="guest"):
        ban(session, moderator, kind="account", comment_id=no_email.id)
    with pytest.raises(Invalid, match="no network"):
        ban(session, moderator, kind="network", comment_id=no_email.id)
    with pytest.raises(Invalid, match="email, account or network"):
        ban(session, moderator, kind="planet", comment_id=no_email.id)
    with pytest.raises(Forbidden):
        ban(session, reader, kind="email", email="x@example.org")
    with pytest.raises(NotFound):
        ban(session, moderator, kind="network", comment_id=999)
    assert session.scalar(select(func.count()).select_from(Ban)) == 0


# Word lists -------------------------------------------------------------------------------


def test_words_are_stored_casefolded_once_per_list(session, moderator):
    rule = word_lists.add_word(session, moderator, "blocked", "  Straße ")
    assert rule.word == "strasse"
    word_lists.add_word(session, moderator, WordKind.WATCHED, "strasse")
    with pytest.raises(Conflict, match="already on the blocked list"):
        word_lists.add_word(session, moderator, "blocked", "STRASSE")
    lists = word_lists.list_words(session, moderator)
    assert [r.word for r in lists[WordKind.BLOCKED]] == ["strasse"]
    assert [r.word for r in lists[WordKind.WATCHED]] == ["strasse"]
    assert [r.action for r in actions(session)] == ["word_added", "word_added"]


def test_words_must_be_one_to_a_hundred_characters_that_can_match(session, moderator):
    for bad in ("", "   ", "x" * 101, "e-mail"):
        with pytest.raises(Invalid):
            word_lists.add_word(session, moderator, "blocked", bad)
    with pytest.raises(Invalid, match="blocked or the watched"):
        word_lists.add_word(session, moderator, "secret", "word")
    assert word_lists.add_word(session, moderator, "blocked", "buy  cheap!").word == "buy cheap!"


def test_a_blocked_word_refuses_and_a_watched_word_holds_through_post_comment(
    session, demo_article, moderator
):
    word_lists.add_word(session, moderator, "blocked", "Scam")
    word_lists.add_word(session, moderator, "watched", "casino")
    with pytest.raises(Invalid, match="not accepted"):
        published(session, "What a SCAM this is")
    comment = published(session, "The casino opened")
    assert comment.status == CommentStatus.PENDING and comment.hold_reason == "watched word: casino"


def test_removing_a_word_lets_it_through_and_is_logged(session, demo_article, moderator):
    rule = word_lists.add_word(session, moderator, "blocked", "scam")
    removed = word_lists.remove_word(session, moderator, rule.id)
    assert removed.word == "scam"
    assert session.scalar(select(func.count()).select_from(WordRule)) == 0
    assert published(session, "scam").status == CommentStatus.PUBLISHED
    with pytest.raises(NotFound):
        word_lists.remove_word(session, moderator, rule.id)
    last = actions(session)[-1]
    assert (last.action, last.old_status, last.reason) == ("word_removed", "blocked", "scam")


def test_readers_may_not_touch_the_word_lists(session, make_user):
    reader = make_user("r@example.org", Role.READER)
    with pytest.raises(Forbidden):
        word_lists.add_word(session, reader, "blocked", "x")
    with pytest.raises(Forbidden):
        word_lists.list_words(session, reader)


def test_many_flags_in_one_insert_still_resolve_in_one_decision(session, demo_article, moderator):
    comment = published(session)
    session.execute(
        insert(Flag),
        [
            {"comment_id": comment.id, "reason": FlagReason.SPAM, "reporter_key": f"user:{n}"}
            for n in range(30)
        ],
    )
    session.commit()
    moderation.mark_spam(session, moderator, comment.id)
    assert open_flags(session, comment.id) == 0
