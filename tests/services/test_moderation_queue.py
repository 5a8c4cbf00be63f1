"""The queue's tabs, filters, keyset pages and capped counts, and the audit log read back."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select

from corrections.db import utcnow
from corrections.models import (
    Article,
    Comment,
    CommentStatus,
    CorrectionStatus,
    ModerationAction,
    Role,
    Section,
)
from corrections.services import (
    articles,
    comments,
    corrections,
    decisions,
    moderation,
    moderation_log,
    word_lists,
)
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from corrections.services.errors import Forbidden, Invalid
from corrections.services.moderation_queue import (
    Count,
    QueueComment,
    QueueCorrection,
    pending_total,
    queue,
    queue_screen,
    tab_counts,
)

SECRET = "test-secret"


@pytest.fixture
def moderator(make_user):
    return make_user("mod@example.org", Role.MODERATOR, display_name="Mo")


def post(session, body="Words", slug="demo", key="what-happened", mode="pre", **who):
    who = {"name": "Ann", "network_hash": "net-a", **who}
    return comments.post_comment(
        session,
        slug=slug,
        section_key=key,
        body=body,
        submitter=Submitter(secret=SECRET, **who),
        site_mode=mode,
    ).comment


def ids(page) -> list[int]:
    return [item.id for item in page.items]


def section_id(session, key: str, slug: str = "demo") -> int:
    return session.scalar(
        select(Section.id)
        .join(Article, Article.id == Section.article_id)
        .where(Article.slug == slug, Section.key == key)
    )


def test_each_tab_shows_its_own_items_oldest_first(
    session, demo_article, moderator, make_correction, fast_forms
):
    waiting = [post(session, f"held {n}") for n in range(2)]
    flagged = post(session, "public", mode="post", network_hash="net-f")
    comments.flag_comment(session, flagged.id, reason="spam", note="", reporter_key="user:7")
    pending_fix, _ = make_correction()
    asked, _ = make_correction(proposed_text="416 homes")
    asked.status = CorrectionStatus.NEEDS_INFO
    session.commit()

    assert ids(queue(session, moderator, tab="comments")) == [c.id for c in waiting]
    assert ids(queue(session, moderator, tab="flagged")) == [flagged.id]
    assert ids(queue(session, moderator, tab="corrections")) == [pending_fix.id]
    assert ids(queue(session, moderator, tab="needs-info")) == [asked.id]
    assert queue(session, moderator, tab="decided").items == []

    moderation.approve_comment(session, moderator, waiting[0].id)
    [decided] = queue(session, moderator, tab="decided").items
    assert (decided.action, decided.target_id, decided.actor_name) == (
        "comment_approved",
        waiting[0].id,
        "Mo",
    )
    assert ids(queue(session, moderator, tab="comments")) == [waiting[1].id]


def test_a_queued_comment_shows_its_hold_reason_flags_quote_and_only_the_email_domain(
    session, demo_article, moderator
):
    comment = post(session, "Held", email="ann@example.org")
    [item] = queue(session, moderator, tab="comments").items
    assert (item.author_name, item.email_domain, item.has_account) == ("Ann", "example.org", False)
    assert item.hold_reason == "every comment is reviewed first"
    assert (item.article_slug, item.section_key, item.html) == (
        "demo",
        "what-happened",
        comment.body_html,
    )
    assert "ann@" not in repr(item)
    public = post(session, "Out", mode="post", network_hash="net-z")
    comments.flag_comment(session, public.id, reason="other", note="Lies", reporter_key="user:1")
    [flagged] = queue(session, moderator, tab="flagged").items
    assert [(f.reason, f.note) for f in flagged.flags] == [("other", "Lies")]


def test_a_queued_correction_shows_its_quote_proposal_and_number_of_links(
    session, make_correction, moderator
):
    correction, _ = make_correction(links=["https://example.org/a", "https://example.org/b"])
    [item] = queue(session, moderator, tab="corrections").items
    assert (item.id, item.kind, item.quote, item.proposed_text, item.links) == (
        correction.id,
        "correction",
        "412 homes",
        "415 homes",
        2,
    )
    assert item.reporter_name == "Ann" and item.section_key == "introduction"


def test_each_queued_item_carries_the_values_of_its_own_rows(
    session, demo_article, moderator, make_user, make_correction
):
    """Every field, read against the stored rows: the queue selects columns and unpacks them
    by position, so a column out of place shows here."""
    public = post(session, "Out", mode="post", network_hash="net-p")
    reply = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body="A reply",
        submitter=Submitter(secret=SECRET, user=make_user("bo@example.org"), name="Bo"),
        site_mode="pre",
        parent_id=public.id,
        quote=QuoteInput("118 millimetres"),
    ).comment
    [item] = queue(session, moderator, tab="comments").items
    assert item == QueueComment(
        id=reply.id,
        status=CommentStatus.PENDING,
        article_slug="demo",
        article_title="Demo",
        section_key="what-happened",
        author_name=reply.author_name,
        has_account=True,
        email_domain=reply.author_email.rpartition("@")[2] if reply.author_email else None,
        hold_reason=reply.hold_reason,
        html=reply.body_html,
        quote="118 millimetres",
        created_at=reply.created_at,
        parent_id=public.id,
    )
    asked, token = make_correction(kind="clarification", explanation="Says so.")
    decisions.ask_for_info(
        session, moderator, asked.id, message="Which report?", expected_version=asked.version
    )
    corrections.answer_info_request(session, asked.public_id, token, "The May one.")
    [fix] = queue(session, moderator, tab="corrections").items
    assert fix == QueueCorrection(
        id=asked.id,
        public_id=asked.public_id,
        status=CorrectionStatus.PENDING,
        article_slug="demo",
        article_title="Demo",
        section_key="introduction",
        kind="clarification",
        quote="412 homes",
        proposed_text="415 homes",
        explanation="Says so.",
        reporter_name="Ann",
        links=1,
        created_at=asked.created_at,
        info_request="Which report?",
        reporter_reply="The May one.",
    )


def test_the_queue_filters_by_article_and_section(session, demo_article, demo_text, moderator):
    other = articles.import_article(session, demo_text, slug="other", title="Other").article
    here = post(session, "here", key="what-happened")
    there = post(session, "there", key="introduction", network_hash="net-b")
    elsewhere = post(session, "elsewhere", slug="other", network_hash="net-c")
    assert ids(queue(session, moderator, tab="comments", article_id=demo_article.id)) == [
        here.id,
        there.id,
    ]
    assert ids(queue(session, moderator, tab="comments", article_id=other.id)) == [elsewhere.id]
    intro = section_id(session, "introduction")
    assert ids(
        queue(session, moderator, tab="comments", article_id=demo_article.id, section_id=intro)
    ) == [there.id]
    counts = tab_counts(session, moderator, article_id=demo_article.id)
    assert counts["comments"] == Count(2) and counts["corrections"] == Count(0)
    assert tab_counts(session, moderator, section_id=intro)["comments"] == Count(1)


def test_load_more_pages_by_keyset_without_repeats_either_way(session, demo_article, moderator):
    made = [post(session, f"n{n}", network_hash=f"net-{n}").id for n in range(5)]
    first = queue(session, moderator, tab="comments", limit=2)
    second = queue(session, moderator, tab="comments", limit=2, after=first.next_after)
    last = queue(session, moderator, tab="comments", limit=2, after=second.next_after)
    assert [ids(first), ids(second), ids(last)] == [made[:2], made[2:4], made[4:]]
    assert last.next_after is None
    newest = queue(session, moderator, tab="comments", limit=3, newest_first=True)
    rest = queue(
        session, moderator, tab="comments", limit=3, newest_first=True, after=newest.next_after
    )
    assert ids(newest) + ids(rest) == made[::-1]


def insert_pending(session, count: int) -> None:
    """``count`` pending comments in one INSERT, as a flood would leave them."""
    article_id = session.scalar(select(Article.id).where(Article.slug == "demo"))
    section = section_id(session, "what-happened")
    session.execute(
        insert(Comment),
        [
            {
                "article_id": article_id,
                "section_id": section,
                "author_name": "Flood",
                "body_source": f"spam {n}",
                "body_html": f"<p>spam {n}</p>",
                "status": CommentStatus.PENDING,
                "network_hash": "net-flood",
            }
            for n in range(count)
        ],
    )
    session.commit()


def test_counts_stop_at_a_thousand_and_read_1000_plus(session, demo_article, moderator):
    insert_pending(session, 999)
    assert str(tab_counts(session, moderator)["comments"]) == "999"
    insert_pending(session, 6)
    counts = tab_counts(session, moderator)
    assert counts["comments"] == Count(1000, capped=True)
    assert str(counts["comments"]) == "1,000+" and str(counts["flagged"]) == "0"
    assert str(pending_total(session, moderator)) == "1,000+"
    assert len(queue(session, moderator, tab="comments").items) == 50


def test_the_header_total_adds_comments_and_corrections(
    session, demo_article, make_correction, moderator
):
    post(session)
    make_correction()
    assert pending_total(session, moderator) == Count(2)


def test_the_decided_tab_is_newest_first_and_follows_the_section_filter(
    session, demo_article, moderator
):
    first = post(session, "first", key="what-happened")
    second = post(session, "second", key="introduction", network_hash="net-b")
    moderation.approve_comment(session, moderator, first.id)
    moderation.mark_spam(session, moderator, second.id)
    word_lists.add_word(session, moderator, "blocked", "scam")  # not a decision: not listed
    assert [e.target_id for e in queue(session, moderator, tab="decided").items] == [
        second.id,
        first.id,
    ]
    intro = section_id(session, "introduction")
    assert [
        e.target_id for e in queue(session, moderator, tab="decided", section_id=intro).items
    ] == [second.id]
    assert tab_counts(session, moderator)["decided"] == Count(2)


def test_an_unknown_tab_is_invalid(session, moderator):
    with pytest.raises(Invalid, match="no tab"):
        queue(session, moderator, tab="everything")


@pytest.mark.parametrize(
    "read",
    [
        lambda session, actor: queue(session, actor, tab="comments"),
        lambda session, actor: queue(session, actor, tab="decided"),
        lambda session, actor: tab_counts(session, actor),
        lambda session, actor: pending_total(session, actor),
        lambda session, actor: moderation_log.audit_log(session, actor),
    ],
    ids=["queue", "decided", "tab_counts", "pending_total", "audit_log"],
)
def test_every_read_of_the_queue_and_the_log_needs_a_moderator(
    session, demo_article, moderator, make_user, read
):
    post(session)
    reader = make_user("r@example.org")
    disabled = make_user("gone@example.org", Role.ADMIN)
    disabled.disabled_at = utcnow()
    session.commit()
    for who in (None, reader, disabled):
        with pytest.raises(Forbidden):
            read(session, who)
    read(session, moderator)  # and it answers for a moderator


def test_the_queue_screen_is_for_moderators_and_lists_the_filters(
    session, demo_article, moderator, make_user
):
    with pytest.raises(Forbidden):
        queue_screen(session, make_user("r@example.org"), tab="comments")
    screen = queue_screen(session, moderator, tab="comments", article_id=demo_article.id)
    assert screen.articles == [(demo_article.id, "Demo")]
    assert [key for _, key in screen.sections][:2] == ["introduction", "what-happened"]
    assert set(screen.counts) == {"corrections", "needs-info", "comments", "flagged", "decided"}


def test_the_audit_log_filters_by_actor_target_and_action_newest_first_by_keyset(
    session, demo_article, moderator, make_user
):
    other = make_user("other@example.org", Role.ADMIN)
    one, two = post(session, "one"), post(session, "two", network_hash="net-b")
    moderation.approve_comment(session, moderator, one.id)
    moderation.reject_comment(session, other, two.id, "abusive")
    word_lists.add_word(session, moderator, "watched", "casino")
    every = moderation_log.audit_log(session, moderator)
    assert [e.action for e in every.items] == ["word_added", "comment_rejected", "comment_approved"]
    assert [
        e.action for e in moderation_log.audit_log(session, moderator, actor_id=moderator.id).items
    ] == [
        "word_added",
        "comment_approved",
    ]
    by_target = moderation_log.audit_log(session, moderator, target_type="comment")
    assert [e.target_id for e in by_target.items] == [two.id, one.id]
    assert [
        e.target_id
        for e in moderation_log.audit_log(session, moderator, action="comment_rejected").items
    ] == [two.id]
    page = moderation_log.audit_log(session, moderator, limit=2)
    rest = moderation_log.audit_log(session, moderator, limit=2, after=page.next_after)
    assert [e.id for e in page.items + rest.items] == [e.id for e in every.items]
    assert rest.next_after is None
    assert session.scalar(select(ModerationAction.id).limit(1)) is not None
