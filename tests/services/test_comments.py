"""Comments: validation, moderation modes, abuse rules, editing, deleting, flagging."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from corrections.models import (
    Ban,
    BanKind,
    Comment,
    CommentEdit,
    CommentStatus,
    Role,
    WordKind,
    WordRule,
)
from corrections.services import comments, threads
from corrections.services.abuse import Submitter, email_ban_hash
from corrections.services.anchors import QuoteInput
from corrections.services.errors import Conflict, Forbidden, Invalid, NotFound

SECRET = "test-secret"


def guest(name="Ann", email=None, network="net-a") -> Submitter:
    return Submitter(secret=SECRET, name=name, email=email, network_hash=network)


def post(session, body="A fair point.", submitter=None, key="what-happened", mode="post", **kw):
    return comments.post_comment(
        session,
        slug="demo",
        section_key=key,
        body=body,
        submitter=submitter or guest(),
        site_mode=mode,
        **kw,
    )


def count(session, model=Comment) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_guest_comment_is_published_in_post_mode_with_sanitized_html(session, demo_article):
    result = post(session, body="See https://example.org <script>alert(1)</script>")
    comment = result.comment
    assert comment.status == CommentStatus.PUBLISHED
    assert '<a href="https://example.org/" rel="nofollow ugc noopener">' in comment.body_html
    assert "<script>" not in comment.body_html
    assert comment.body_source.endswith("<script>alert(1)</script>")
    assert result.edit_secret and comment.edit_secret_hash != result.edit_secret


def test_first_time_mode_holds_guests_and_new_accounts(session, demo_article, make_user):
    assert post(session, mode="first-time").comment.status == CommentStatus.PENDING
    reader = make_user("r@example.org")
    account = Submitter(secret=SECRET, user=reader, network_hash="net-r")
    first = post(session, body="first", submitter=account, mode="first-time").comment
    assert first.status == CommentStatus.PENDING and first.hold_reason == "first comment"
    first.status = CommentStatus.PUBLISHED
    session.commit()
    second = post(session, body="second", submitter=account, mode="first-time").comment
    assert second.status == CommentStatus.PUBLISHED


def test_an_unverified_guest_email_never_earns_trust(session, demo_article):
    earlier = post(session, body="one", submitter=guest(email="a@example.org"), mode="post")
    assert earlier.comment.status == CommentStatus.PUBLISHED
    later = post(session, body="two", submitter=guest(email="a@example.org"), mode="first-time")
    assert later.comment.status == CommentStatus.PENDING


def test_pre_mode_holds_everything_and_the_article_can_override(session, demo_article):
    assert post(session, mode="pre").comment.status == CommentStatus.PENDING
    demo_article.moderation_mode = "post"
    session.commit()
    assert post(session, body="other", mode="pre").comment.status == CommentStatus.PUBLISHED


def test_staff_comments_are_published_at_once(session, demo_article, make_user):
    moderator = make_user("m@example.org", Role.MODERATOR)
    staff = Submitter(secret=SECRET, user=moderator)
    assert post(session, submitter=staff, mode="pre").comment.status == CommentStatus.PUBLISHED


@pytest.mark.parametrize(
    ("body", "name", "field"),
    [
        ("", "Ann", "body"),
        ("   ", "Ann", "body"),
        ("x" * 10_001, "Ann", "body"),
        ("ok", "", "author_name"),
        ("ok", "n" * 81, "author_name"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(session, demo_article, body, name, field):
    with pytest.raises(Invalid) as caught:
        post(session, body=body, submitter=guest(name=name))
    assert field in caught.value.fields
    assert count(session) == 0


def test_a_bad_email_is_refused(session, demo_article):
    with pytest.raises(Invalid) as caught:
        post(session, submitter=guest(email="not an email"))
    assert "author_email" in caught.value.fields


def test_a_huge_email_is_refused_with_a_short_message(session, demo_article):
    with pytest.raises(Invalid) as caught:
        post(session, submitter=guest(email="@" * 5_000))
    assert "author_email" in caught.value.fields and len(caught.value.message) < 120


def test_unknown_sections_and_articles_are_not_found(session, demo_article):
    with pytest.raises(NotFound):
        post(session, key="nope")


def test_more_than_two_links_are_held_whatever_the_mode(session, demo_article):
    body = "https://a.example https://b.example https://c.example"
    comment = post(session, body=body, mode="post").comment
    assert comment.status == CommentStatus.PENDING and "links" in comment.hold_reason


def test_two_https_www_links_are_published_in_post_mode_and_three_are_held(session, demo_article):
    two = "See https://www.a.example/x and https://www.b.example/y"
    assert post(session, body=two, mode="post").comment.status == CommentStatus.PUBLISHED
    three = two + " and https://www.c.example/z"
    held = post(session, body=three, mode="post", submitter=guest(network="n2")).comment
    assert held.status == CommentStatus.PENDING and held.hold_reason == "more than 2 links"


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("https://www.a.example and https://www.b.example", 2),
        ("www.a.example and http://b.example", 2),
        ("[a](https://a.example)[b](https://b.example)[c](https://c.example)", 3),
        ("[https://a.example](https://a.example)", 1),
        ("<https://a.example>", 1),
        ("https://en.wikipedia.org/wiki/Flood_(disambiguation)", 1),
        ("`https://a.example` www.b.example", 2),
        ("awww.nice, no links; 3.14 and www", 0),
    ],
)
def test_links_are_counted_once_each(text, links):
    from corrections.services.abuse import count_links

    assert count_links(text) == links


def test_watched_words_hold_and_blocked_words_refuse(session, demo_article):
    session.add_all(
        [
            WordRule(kind=WordKind.WATCHED, word="casino"),
            WordRule(kind=WordKind.BLOCKED, word="slur"),
        ]
    )
    session.commit()
    held = post(session, body="Visit the Casino tonight", mode="post").comment
    assert held.status == CommentStatus.PENDING and "casino" in held.hold_reason
    with pytest.raises(Invalid, match="not accepted here"):
        post(session, body="what a SLUR", mode="post")
    assert count(session) == 1


def test_the_same_text_twice_within_ten_minutes_is_refused(session, demo_article):
    post(session, body="Same words")
    with pytest.raises(Invalid, match="same text"):
        post(session, body="Same words", submitter=guest(name="Other name"))
    other_network = guest(network="net-b")
    assert post(session, body="Same words", submitter=other_network).created


def test_a_new_guest_posting_in_several_sections_within_a_minute_is_held(session, demo_article):
    assert post(session, key="what-happened").comment.status == CommentStatus.PUBLISHED
    second = post(session, body="Another", key="what-now").comment
    assert second.status == CommentStatus.PENDING and "several sections" in second.hold_reason


def test_banned_emails_networks_and_accounts_are_refused(session, demo_article, make_user):
    session.add(
        Ban(
            kind=BanKind.EMAIL,
            value_hash=email_ban_hash(SECRET, "bad@example.org"),
            label="b***@example.org",
        )
    )
    session.add(Ban(kind=BanKind.NETWORK, value_hash="net-banned", label="network"))
    session.commit()
    with pytest.raises(Forbidden, match="blocked"):
        post(session, submitter=guest(email="BAD@example.org"))
    with pytest.raises(Forbidden):
        post(session, submitter=guest(network="net-banned"))
    assert count(session) == 0


def test_an_expired_ban_no_longer_applies(session, demo_article):
    from corrections.db import utcnow

    session.add(
        Ban(
            kind=BanKind.NETWORK,
            value_hash="net-a",
            label="n",
            expires_at=utcnow() - timedelta(minutes=1),
        )
    )
    session.commit()
    assert post(session).created


def test_the_same_idempotency_key_makes_one_comment(session, demo_article):
    first = post(session, idempotency_key="k1")
    second = post(session, idempotency_key="k1")
    assert first.created and not second.created
    assert first.comment.id == second.comment.id and count(session) == 1


def test_a_repeat_that_raced_the_first_is_answered_with_it_not_refused(
    session, demo_article, monkeypatch
):
    """Sent again while the first was being saved: the repeat's own look-up ran before the
    first was committed, and its checks then find the first. It is the same request, so it
    gets the first comment, not "you posted the same text"."""
    first = post(session, idempotency_key="k1")
    real_by_key = comments._by_key
    lookups = iter([None])
    monkeypatch.setattr(comments, "_by_key", lambda s, k: next(lookups, real_by_key(s, k)))
    repeat = post(session, idempotency_key="k1")
    assert not repeat.created and repeat.comment.id == first.comment.id and count(session) == 1
    with pytest.raises(Invalid):  # without the key, the same text is still refused
        post(session)


def test_a_quote_is_anchored_to_the_latest_revision(session, demo_article):
    quote = QuoteInput("118 millimetres of rain")
    comment = post(session, quote=quote).comment
    assert comment.anchor.exact == "118 millimetres of rain"
    assert comment.anchor.revision_id == demo_article.current_revision_id
    with pytest.raises(Invalid) as caught:
        post(session, body="other", quote=QuoteInput("words that are not there"))
    assert "quote" in caught.value.fields


def test_replies_must_answer_a_published_comment_of_the_same_thread(session, demo_article):
    parent = post(session).comment
    reply = post(session, body="Reply", parent_id=parent.id, submitter=guest(network="n2")).comment
    assert reply.parent_id == parent.id and reply.depth == 1
    with pytest.raises(Invalid, match="not in this thread"):
        post(session, body="x", key="what-now", parent_id=parent.id, submitter=guest(network="n3"))


def test_a_guest_edits_with_their_secret_and_history_is_kept(session, demo_article):
    result = post(session, body="Frist")
    edited = comments.edit_comment(
        session,
        result.comment.id,
        "First",
        user=None,
        edit_secret=result.edit_secret,
        site_mode="post",
        secret=SECRET,
    )
    assert edited.body_source == "First" and edited.edited_at is not None
    assert session.scalars(select(CommentEdit.body_source)).all() == ["Frist"]
    with pytest.raises(Forbidden):
        comments.edit_comment(
            session,
            result.comment.id,
            "Hijacked",
            user=None,
            edit_secret="wrong",
            site_mode="post",
            secret=SECRET,
        )


def test_editing_a_published_comment_sends_it_back_to_review_when_mode_holds(session, demo_article):
    result = post(session, mode="post")
    edited = comments.edit_comment(
        session,
        result.comment.id,
        "Changed",
        user=None,
        edit_secret=result.edit_secret,
        site_mode="first-time",
        secret=SECRET,
    )
    assert edited.status == CommentStatus.PENDING


def edit(session, result, body, mode="post", user=None):
    return comments.edit_comment(
        session,
        result.comment.id,
        body,
        user=user,
        edit_secret=result.edit_secret,
        site_mode=mode,
        secret=SECRET,
    )


def test_an_edit_that_adds_links_goes_back_to_review_in_post_mode(session, demo_article):
    result = post(session, body="Plain words", mode="post")
    assert result.comment.status == CommentStatus.PUBLISHED
    links = "https://a.example https://b.example https://c.example"
    edited = edit(session, result, links)
    assert edited.status == CommentStatus.PENDING
    assert edited.hold_reason == "edited: more than 2 links"


def test_an_edit_with_a_watched_word_goes_back_to_review_in_post_mode(session, demo_article):
    session.add(WordRule(kind=WordKind.WATCHED, word="casino"))
    session.commit()
    result = post(session, body="Plain words", mode="post")
    edited = edit(session, result, "Visit the casino")
    assert edited.status == CommentStatus.PENDING
    assert edited.hold_reason == "edited: watched word: casino"


def test_an_ordinary_edit_stays_published_in_post_mode(session, demo_article):
    result = post(session, body="Plain words", mode="post")
    assert edit(session, result, "Plainer words").status == CommentStatus.PUBLISHED


def test_an_edit_of_a_held_comment_records_the_new_reason(session, demo_article):
    result = post(session, body="Plain words", mode="pre")
    assert result.comment.hold_reason == "every comment is reviewed first"
    edited = edit(session, result, "https://a.example https://b.example https://c.example")
    assert edited.status == CommentStatus.PENDING
    assert edited.hold_reason == "edited: more than 2 links"


def test_an_edit_from_a_banned_network_or_email_is_refused_and_changes_nothing(
    session, demo_article
):
    by_network = post(session, body="Plain words", mode="post")
    by_email = post(
        session, body="Other words", submitter=guest(email="e@example.org", network="n2")
    )
    session.add(Ban(kind=BanKind.NETWORK, value_hash="net-a", label="network"))
    session.add(
        Ban(kind=BanKind.EMAIL, value_hash=email_ban_hash(SECRET, "e@example.org"), label="e")
    )
    session.commit()
    for result in (by_network, by_email):
        with pytest.raises(Forbidden, match="blocked"):
            edit(session, result, "Sneaky new words")
        session.refresh(result.comment)
        assert result.comment.body_source in ("Plain words", "Other words")
    assert count(session, CommentEdit) == 0


def test_an_edit_by_a_banned_account_is_refused(session, demo_article, make_user):
    from corrections.services.abuse import account_ban_hash

    reader = make_user("r@example.org")
    result = post(session, submitter=Submitter(secret=SECRET, user=reader), mode="post")
    session.add(
        Ban(kind=BanKind.ACCOUNT, value_hash=account_ban_hash(SECRET, reader.id), label="r")
    )
    session.commit()
    with pytest.raises(Forbidden):
        edit(session, result, "New words", user=reader)


def test_an_edit_with_a_blocked_word_is_refused(session, demo_article):
    session.add(WordRule(kind=WordKind.BLOCKED, word="slur"))
    session.commit()
    result = post(session, body="Plain words", mode="post")
    with pytest.raises(Invalid, match="not accepted here"):
        edit(session, result, "what a slur")


def test_staff_edits_stay_published(session, demo_article, make_user):
    moderator = make_user("m@example.org", Role.MODERATOR)
    result = post(session, submitter=Submitter(secret=SECRET, user=moderator), mode="pre")
    links = "https://a.example https://b.example https://c.example"
    assert edit(session, result, links, mode="pre", user=moderator).status == (
        CommentStatus.PUBLISHED
    )


def test_edits_are_refused_after_fifteen_minutes(session, demo_article):
    result = post(session)
    result.comment.created_at = result.comment.created_at - timedelta(minutes=16)
    session.commit()
    with pytest.raises(Forbidden, match="15 minutes"):
        comments.edit_comment(
            session,
            result.comment.id,
            "Late",
            user=None,
            edit_secret=result.edit_secret,
            site_mode="post",
            secret=SECRET,
        )


def test_deleting_a_comment_with_replies_leaves_a_placeholder(session, demo_article):
    parent = post(session)
    post(session, body="Reply", parent_id=parent.comment.id, submitter=guest(network="n2"))
    comments.delete_comment(session, parent.comment.id, user=None, edit_secret=parent.edit_secret)
    section_id = parent.comment.section_id
    page = threads.thread_page(session, section_id)
    assert [c.is_placeholder for c in page.comments] == [True, False]
    assert page.count == 1


def test_a_deleted_comment_without_replies_disappears(session, demo_article):
    result = post(session)
    comments.delete_comment(session, result.comment.id, user=None, edit_secret=result.edit_secret)
    assert threads.thread_page(session, result.comment.section_id).comments == []


def test_flagging_counts_once_per_reader(session, demo_article):
    comment = post(session).comment
    comments.flag_comment(session, comment.id, reason="spam", note="", reporter_key="net:x")
    with pytest.raises(Conflict, match="already"):
        comments.flag_comment(session, comment.id, reason="abusive", note="", reporter_key="net:x")
    comments.flag_comment(session, comment.id, reason="other", note="rude", reporter_key="user:2")
    session.refresh(comment)
    assert comment.flag_count == 2


def test_a_flag_needs_a_known_reason_and_other_needs_a_note(session, demo_article):
    comment = post(session).comment
    with pytest.raises(Invalid):
        comments.flag_comment(session, comment.id, reason="boring", note="", reporter_key="k")
    with pytest.raises(Invalid, match="what is wrong"):
        comments.flag_comment(session, comment.id, reason="other", note=" ", reporter_key="k")
