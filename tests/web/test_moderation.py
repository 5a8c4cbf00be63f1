"""The moderation pages through the site, CSRF on, signed in through the real form: the queue,
its decisions one at a time and in bulk, bans, word lists and the log."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, insert, select

from corrections.models import (
    Article,
    Ban,
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    ModerationAction,
    OutboxMessage,
    Role,
    Section,
    WordRule,
)
from corrections.services import bans, comments, moderation, word_lists
from corrections.services.abuse import Submitter
from corrections.services.errors import Forbidden, Invalid
from tests.conftest import csrf_token_in
from tests.forms import forms, hidden_fields
from tests.web.test_reader import count_queries


@pytest.fixture
def moderator(make_user):
    return make_user("mod@example.org", Role.MODERATOR, display_name="Mo")


@pytest.fixture
def mod_client(client, login, moderator):
    assert login(client, "mod@example.org").status_code == 302
    return client


def who(app, name="Ann", email=None, network="net-a") -> Submitter:
    return Submitter(app.config["SECRET_KEY"], name=name, email=email, network_hash=network)


def held(app, session, body="Held words", mode="pre", **kw) -> Comment:
    result = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body=body,
        submitter=who(app, **kw),
        site_mode=mode,
    )
    return result.comment


def status_of(session, comment_id) -> CommentStatus:
    session.expire_all()
    return session.get(Comment, comment_id).status


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def submit(client, page: str, target: str, **data):
    """Send the form of ``page`` whose action ends with ``target``, as a browser would."""
    return client.post(target, data={**hidden_fields(page, target), **data})


# Who may use the moderation pages ---------------------------------------------------------


@pytest.fixture
def targets(app, session, demo_article, moderator):
    """One pending comment per route, a ban to lift and a word to remove."""
    made = {
        name: held(app, session, f"{name} words", network=f"net-{name}").id
        for name in ("approve", "reject", "spam", "delete", "bulk", "author", "ban")
    }
    made["lift"] = bans.ban(
        session, moderator, kind="email", secret="s", email="old@example.org"
    ).ban.id
    made["rule"] = word_lists.add_word(session, moderator, "watched", "casino").id
    return made


def routes(t: dict[str, int]) -> list[tuple[str, str, dict]]:
    return [
        ("GET", "/moderate", {}),
        ("GET", "/moderate?tab=flagged", {}),
        ("POST", f"/moderate/comments/{t['approve']}/approve", {"seen": "pending"}),
        ("POST", f"/moderate/comments/{t['reject']}/reject", {"reason": "spam"}),
        ("POST", f"/moderate/comments/{t['spam']}/spam", {}),
        ("POST", f"/moderate/comments/{t['delete']}/delete", {}),
        ("POST", "/moderate/comments/bulk", {"ids": str(t["bulk"]), "action": "approve"}),
        ("POST", f"/moderate/comments/{t['author']}/author", {"action": "reject"}),
        ("GET", "/moderate/bans", {}),
        ("GET", f"/moderate/bans?comment={t['ban']}&kind=network", {}),
        ("POST", "/moderate/bans", {"kind": "email", "email": "x@example.org", "duration": "1d"}),
        ("POST", f"/moderate/bans/{t['lift']}/lift", {}),
        ("GET", "/moderate/words", {}),
        ("POST", "/moderate/words", {"kind": "blocked", "word": "scam"}),
        ("POST", f"/moderate/words/{t['rule']}/remove", {}),
        ("GET", "/moderate/log", {}),
        ("GET", "/moderate/log?target_type=comment", {}),
    ]


def send(client, method, path, data, token):
    if method == "GET":
        return client.get(path)
    return client.post(path, data={**data, "csrf_token": token})


def nothing_changed(session, targets) -> bool:
    session.expire_all()
    pending = [status_of(session, targets[k]) for k in ("approve", "reject", "bulk", "author")]
    return (
        pending == [CommentStatus.PENDING] * 4
        and count(session, Ban) == 1
        and count(session, WordRule) == 1
        and count(session, ModerationAction) == 2  # the fixture's ban and word
    )


def test_signed_out_visitors_are_sent_to_sign_in_from_every_moderation_route(
    client, session, targets
):
    token = csrf_token_in(client.get("/signin").text)
    for method, path, data in routes(targets):
        response = send(client, method, path, data, token)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/signin?next=%2Fmoderate"), path
    assert nothing_changed(session, targets)


def test_readers_get_403_on_every_moderation_route(client, session, make_user, login, targets):
    make_user("reader@example.org", Role.READER)
    login(client, "reader@example.org")
    token = csrf_token_in(client.get("/account").text)
    for method, path, data in routes(targets):
        response = send(client, method, path, data, token)
        assert response.status_code == 403, path
        assert response.mimetype == "text/html"
    assert nothing_changed(session, targets)


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUTHOR, Role.ADMIN])
def test_moderators_authors_and_admins_may_use_every_moderation_route(
    client, session, make_user, login, targets, role
):
    make_user("staff@example.org", role)
    login(client, "staff@example.org")
    token = csrf_token_in(client.get("/moderate").text)
    for method, path, data in routes(targets):
        response = send(client, method, path, data, token)
        assert response.status_code == (200 if method == "GET" else 303), (path, response.text)
    assert status_of(session, targets["approve"]) == CommentStatus.PUBLISHED
    assert status_of(session, targets["author"]) == CommentStatus.REJECTED
    assert count(session, ModerationAction) == 2 + 10  # one row per change


def test_the_header_links_moderators_to_the_queue_with_the_count_waiting(
    app, client, session, demo_article, make_user, login, moderator
):
    for n in range(3):
        held(app, session, f"n{n}", network=f"net-{n}")
    make_user("reader@example.org", Role.READER)
    login(client, "reader@example.org")
    assert 'href="/moderate"' not in client.get("/").text
    staff = app.test_client()
    login(staff, "mod@example.org")
    header = staff.get("/").text
    assert re.search(r'href="/moderate">Moderate <span class="badge mq-waiting">3<', header)


# The queue --------------------------------------------------------------------------------


def test_the_queue_shows_a_held_comment_with_its_reason_and_only_the_email_domain(
    app, session, mod_client, demo_article
):
    comment = held(app, session, "Read **this**", email="ann@example.org")
    page = mod_client.get("/moderate?tab=comments").text
    assert f"Comment #{comment.id} by Ann" in page and "<strong>this</strong>" in page
    assert "email at example.org" in page and "ann@example.org" not in page
    assert "Held: every comment is reviewed first" in page
    assert 'href="/a/demo#s-what-happened"' in page
    for action in ("approve", "reject", "spam", "delete"):
        assert f'action="/moderate/comments/{comment.id}/{action}"' in page
    assert f'name="ids" value="{comment.id}" form="bulk"' in page
    assert f"/moderate/bans?comment={comment.id}&amp;kind=network" in page


def test_the_queue_loads_its_keys_script_deferred_and_has_no_inline_script(
    mod_client, demo_article
):
    page = mod_client.get("/moderate").text
    assert '<script src="/static/moderation.js" defer></script>' in page
    assert re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", page) == []
    assert 'id="keys-dialog"' in page and "<kbd>j</kbd>" in page
    script = mod_client.get("/static/moderation.js")
    assert script.status_code == 200 and "scrollIntoView" in script.text
    script.close()


def test_approving_from_the_queue_publishes_and_returns_to_the_same_view(
    app, session, mod_client, moderator, demo_article
):
    comment = held(app, session, email="ann@example.org")
    query = f"tab=comments&article={demo_article.id}"
    page = mod_client.get(f"/moderate?{query}").text
    response = submit(mod_client, page, f"/moderate/comments/{comment.id}/approve")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/moderate?{query}"
    assert status_of(session, comment.id) == CommentStatus.PUBLISHED
    row = session.scalars(select(ModerationAction)).one()
    assert (row.actor_id, row.action, row.old_status, row.new_status) == (
        moderator.id,
        "comment_approved",
        "pending",
        "published",
    )
    after = mod_client.get(response.headers["Location"]).text
    assert f"Comment #{comment.id} approved." in after and "the queue is clear" in after
    assert count(session, OutboxMessage) == 1


def test_rejecting_from_the_queue_keeps_the_chosen_reason_and_note(
    app, session, mod_client, demo_article
):
    comment = held(app, session)
    page = mod_client.get("/moderate?tab=comments").text
    action = f"/moderate/comments/{comment.id}/reject"
    response = submit(mod_client, page, action, reason="abusive", note="Name-calling")
    assert response.status_code == 303
    assert status_of(session, comment.id) == CommentStatus.REJECTED
    assert session.get(Comment, comment.id).decision_reason == "abusive: Name-calling"
    row = session.scalars(select(ModerationAction)).one()
    assert (row.action, row.reason) == ("comment_rejected", "abusive: Name-calling")


def test_an_unknown_reject_reason_re_renders_the_queue_with_a_message(
    app, session, mod_client, demo_article
):
    comment = held(app, session)
    page = mod_client.get("/moderate?tab=comments").text
    response = submit(mod_client, page, f"/moderate/comments/{comment.id}/reject", reason="meh")
    assert response.status_code == 422
    assert "Please check the form" in response.text and f"Comment #{comment.id}" in response.text
    assert status_of(session, comment.id) == CommentStatus.PENDING


def test_a_comment_decided_by_someone_else_meanwhile_is_left_alone_with_a_409_page(
    app, session, mod_client, demo_article, make_user, login
):
    comment = held(app, session)
    stale = mod_client.get("/moderate?tab=comments").text
    other = app.test_client()
    make_user("other@example.org", Role.MODERATOR)
    login(other, "other@example.org")
    fresh = other.get("/moderate?tab=comments").text
    assert submit(other, fresh, f"/moderate/comments/{comment.id}/approve").status_code == 303
    for action, extra in (("approve", {}), ("reject", {"reason": "spam"}), ("spam", {})):
        response = submit(mod_client, stale, f"/moderate/comments/{comment.id}/{action}", **extra)
        assert response.status_code == 409, action
        assert "already" in response.text and response.mimetype == "text/html"
    assert status_of(session, comment.id) == CommentStatus.PUBLISHED
    assert count(session, ModerationAction) == 1


def test_the_flagged_tab_keeps_a_comment_and_dismisses_its_flags(
    app, session, mod_client, demo_article
):
    comment = held(app, session, "Out there", mode="post")
    comments.flag_comment(session, comment.id, reason="spam", note="", reporter_key="user:5")
    page = mod_client.get("/moderate?tab=flagged").text
    assert "Flagged as spam" in page and "Keep, dismiss flags" in page
    response = submit(mod_client, page, f"/moderate/comments/{comment.id}/approve")
    assert response.status_code == 303
    assert "Nothing here" in mod_client.get("/moderate?tab=flagged").text
    assert status_of(session, comment.id) == CommentStatus.PUBLISHED


def test_bulk_applies_to_the_selected_comments_and_reports_the_skipped(
    app, session, mod_client, moderator, demo_article
):
    made = [held(app, session, f"n{n}", network=f"net-{n}") for n in range(4)]
    page = mod_client.get("/moderate?tab=comments").text
    moderation.approve_comment(session, moderator, made[1].id)  # by someone else, meanwhile
    data = {**hidden_fields(page, "/moderate/comments/bulk"), "action": "spam"}
    data["ids"] = [str(made[0].id), str(made[1].id), str(made[2].id)]
    response = mod_client.post("/moderate/comments/bulk", data=data)
    assert response.status_code == 303
    statuses = [status_of(session, c.id) for c in made]
    assert statuses == [
        CommentStatus.SPAM,
        CommentStatus.PUBLISHED,
        CommentStatus.SPAM,
        CommentStatus.PENDING,
    ]
    message = mod_client.get(response.headers["Location"]).text
    assert "2 comments marked as spam; 1 skipped" in message


def test_bulk_without_a_selection_re_renders_with_a_message(app, session, mod_client, demo_article):
    held(app, session)
    page = mod_client.get("/moderate?tab=comments").text
    response = submit(mod_client, page, "/moderate/comments/bulk", action="approve")
    assert response.status_code == 422 and "Select at least one comment." in response.text


@pytest.mark.parametrize("bad", ["99999999999999999999", "3000000000", "0", "-5", "seven"])
def test_bulk_with_an_id_no_comment_can_have_re_renders_with_a_message(
    app, session, mod_client, demo_article, bad
):
    comment = held(app, session)
    page = mod_client.get("/moderate?tab=comments").text
    data = {**hidden_fields(page, "/moderate/comments/bulk"), "action": "approve"}
    data["ids"] = [str(comment.id), bad]
    response = mod_client.post("/moderate/comments/bulk", data=data)
    assert response.status_code == 422
    assert "Select comments from the queue; that is not a comment number." in response.text
    assert status_of(session, comment.id) == CommentStatus.PENDING


def test_all_from_this_author_rejects_their_waiting_comments_only(
    app, session, mod_client, demo_article
):
    theirs = [held(app, session, f"t{n}", email="ann@example.org", network="net-a") for n in (1, 2)]
    other = held(app, session, "other", email="bo@example.org", network="net-b")
    page = mod_client.get("/moderate?tab=comments").text
    action = f"/moderate/comments/{theirs[0].id}/author"
    response = submit(mod_client, page, action, action="reject", reason="spam")
    assert response.status_code == 303
    assert [status_of(session, c.id) for c in theirs] == [CommentStatus.REJECTED] * 2
    assert status_of(session, other.id) == CommentStatus.PENDING
    assert "2 comments from this author rejected." in mod_client.get("/moderate").text


def insert_pending(session, count_: int, status=CommentStatus.PENDING) -> list[int]:
    article_id = session.scalar(select(Article.id).where(Article.slug == "demo"))
    section_id = session.scalar(
        select(Section.id).where(Section.article_id == article_id, Section.key == "what-happened")
    )
    rows = [
        {
            "article_id": article_id,
            "section_id": section_id,
            "author_name": f"Flood {n}",
            "body_source": "spam",
            "body_html": "<p>spam</p>",
            "status": status,
        }
        for n in range(count_)
    ]
    ids = list(session.scalars(insert(Comment).returning(Comment.id), rows))
    session.commit()
    return ids


def test_tab_counts_stop_at_a_thousand_and_pages_load_more_by_keyset(
    session, mod_client, demo_article
):
    insert_pending(session, 1005)
    page = mod_client.get("/moderate?tab=comments").text
    assert re.search(
        r'tab=comments" aria-current="page">Comments <span class="mq-count">1,000\+<', page
    )
    assert 'class="badge mq-waiting">1,000+<' in page
    assert page.count('data-item="comment"') == 50
    first_ids = re.findall(r'id="q-c-(\d+)"', page)
    more = re.search(r'href="([^"]+)">Load more</a>', page).group(1).replace("&amp;", "&")
    assert more == f"/moderate?tab=comments&after={first_ids[-1]}"
    second = mod_client.get(more).text
    second_ids = re.findall(r'id="q-c-(\d+)"', second)
    assert len(second_ids) == 50 and int(second_ids[0]) == int(first_ids[-1]) + 1
    newest = mod_client.get("/moderate?tab=comments&order=newest").text
    assert re.findall(r'id="q-c-(\d+)"', newest)[0] == str(
        session.scalar(select(func.max(Comment.id)))
    )


def test_the_queue_filters_by_article_and_section_in_a_get_form(
    app, session, mod_client, demo_article
):
    here = held(app, session, "here")
    intro = comments.post_comment(
        session,
        slug="demo",
        section_key="introduction",
        body="intro words",
        submitter=who(app, network="net-i"),
        site_mode="pre",
    ).comment
    section = session.get(Comment, intro.id).section_id
    unfiltered = mod_client.get(f"/moderate?tab=comments&article={demo_article.id}").text
    assert f'<option value="{section}">introduction</option>' in unfiltered
    filtered = mod_client.get(
        f"/moderate?tab=comments&article={demo_article.id}&section={section}"
    ).text
    assert f'id="q-c-{intro.id}"' in filtered and f'id="q-c-{here.id}"' not in filtered
    assert 'Comments <span class="mq-count">1<' in filtered


def test_corrections_show_their_proposal_and_link_to_their_page(mod_client, make_correction):
    correction, _ = make_correction()
    page = mod_client.get("/moderate?tab=corrections").text
    assert f"Correction #{correction.id} from Ann" in page
    assert "412 homes" in page and "415 homes" in page and "1 link" in page
    assert f'href="/moderate/corrections/{correction.id}" data-open' in page


DECISIONS = ("approve", "reject", "spam", "delete")


def test_every_form_of_the_queue_carries_the_sessions_csrf_token_and_posts_for_its_item(
    app, session, mod_client, demo_article
):
    """The items' forms share one token and their URLs are made once a page: each must
    still post to its own comment, with the token of the session (as the header's forms)."""
    made = [held(app, session, f"n{n}", network=f"net-{n}") for n in range(3)]
    flagged = held(app, session, "Out there", mode="post")
    comments.flag_comment(session, flagged.id, reason="spam", note="", reporter_key="user:5")
    pages = {}
    for tab, ids, seen in (("comments", made, "pending"), ("flagged", [flagged], "published")):
        query = f"tab={tab}&article={demo_article.id}"
        page = pages[tab] = mod_client.get(f"/moderate?{query}").text
        token = hidden_fields(page, "/signout")["csrf_token"]
        assert hidden_fields(page, "/moderate/comments/bulk")["csrf_token"] == token
        starts = [m.start() for m in re.finditer(r'<li class="mq-item" id="q-c-', page)]
        ends = [*starts[1:], page.index("</ol>", starts[-1])]
        assert len(starts) == len(ids)
        for comment, start, end in zip(ids, starts, ends, strict=True):
            item = page[start:end]
            assert item.startswith(f'<li class="mq-item" id="q-c-{comment.id}"')
            decide = [f"/moderate/comments/{comment.id}/{a}" for a in DECISIONS]
            author = f"/moderate/comments/{comment.id}/author"
            assert [action for action, _ in forms(item)] == [*decide, author]
            for action, fields in forms(item):
                assert fields["csrf_token"] == token and fields["back"] == query, action
                assert fields.get("seen") == (seen if action in decide else None), action
    # The token is the session's: a form posts with it.
    last = f"/moderate/comments/{made[-1].id}/reject"
    assert submit(mod_client, pages["comments"], last, reason="spam").status_code == 303
    keep = f"/moderate/comments/{flagged.id}/approve"
    assert submit(mod_client, pages["flagged"], keep).status_code == 303
    assert status_of(session, made[-1].id) == CommentStatus.REJECTED


def test_the_queue_sends_as_many_queries_for_50_items_as_for_10(
    app, session, mod_client, demo_article, make_correction
):
    """Items' links, words and flags cost no query each: a full page asks what a short one does."""

    def add(n: int) -> None:
        insert_pending(session, n)
        published = insert_pending(session, n, status=CommentStatus.PUBLISHED)
        rows = [
            {"comment_id": c, "reason": FlagReason.SPAM, "reporter_key": "k"} for c in published
        ]
        session.execute(insert(Flag), rows)
        session.commit()
        for _ in range(n):
            make_correction()

    items = {"comments": 'data-item="comment"', "flagged": 'data-item="comment"'}
    items["corrections"] = 'data-item="correction"'

    def queries(n: int) -> dict[str, int]:
        for tab, item in items.items():  # a first look also reloads what the commit expired
            assert mod_client.get(f"/moderate?tab={tab}").text.count(item) == n, tab
        return {tab: count_queries(app, mod_client, f"/moderate?tab={tab}") for tab in items}

    add(10)
    few = queries(10)
    add(40)
    assert queries(50) == few


# Bans -------------------------------------------------------------------------------------


def test_banning_an_email_from_a_comment_refuses_them_and_rejects_their_waiting_comments(
    app, session, mod_client, demo_article
):
    first = held(app, session, "one", email="ann@example.org", network="net-a")
    second = held(app, session, "two", email="ann@example.org", network="net-b")
    form = mod_client.get(f"/moderate/bans?comment={first.id}&kind=email").text
    assert "a***@example.org" in form and "ann@example.org" not in form
    response = submit(
        mod_client,
        form,
        "/moderate/bans",
        kind="email",
        duration="30d",
        reason="threats",
        reject_pending="y",
    )
    assert response.status_code == 303 and response.headers["Location"] == "/moderate/bans"
    listing = mod_client.get("/moderate/bans").text
    assert "Banned a***@example.org (30 days). 2 waiting comment(s) rejected." in listing
    assert "ann@example.org" not in listing
    assert [status_of(session, c.id) for c in (first, second)] == [CommentStatus.REJECTED] * 2
    with pytest.raises(Forbidden, match="email is blocked"):
        held(app, session, "three", email="ann@example.org", network="net-c")


def test_banning_a_network_and_lifting_it_from_the_bans_page(
    app, session, mod_client, demo_article
):
    comment = held(app, session, network="net-x")
    form = mod_client.get(f"/moderate/bans?comment={comment.id}&kind=network").text
    assert (
        submit(mod_client, form, "/moderate/bans", kind="network", duration="forever").status_code
        == 303
    )
    with pytest.raises(Forbidden, match="network is blocked"):
        held(app, session, "again", network="net-x")
    ban_id = session.scalar(select(Ban.id))
    listing = mod_client.get("/moderate/bans").text
    assert f"the network of comment #{comment.id}" in listing and "forever" in listing
    lift = f"/moderate/bans/{ban_id}/lift"
    assert submit(mod_client, listing, lift, reason="a school").status_code == 303
    assert held(app, session, "back", network="net-x").status == CommentStatus.PENDING
    again = submit(mod_client, listing, lift)
    assert again.status_code == 409 and "no longer active" in again.text


def test_an_impossible_ban_re_renders_the_form_with_the_reason(
    app, session, mod_client, demo_article
):
    comment = held(app, session)  # a guest without an email
    form = mod_client.get(f"/moderate/bans?comment={comment.id}").text
    response = submit(mod_client, form, "/moderate/bans", kind="email", duration="1d")
    assert response.status_code == 422
    assert "This comment has no email address" in response.text
    assert count(session, Ban) == 0


# Word lists -------------------------------------------------------------------------------


def test_a_blocked_word_added_in_the_words_page_refuses_comments(
    app, session, mod_client, demo_article
):
    page = mod_client.get("/moderate/words").text
    response = submit(mod_client, page, "/moderate/words", kind="blocked", word="Scam")
    assert response.status_code == 303
    listing = mod_client.get("/moderate/words").text
    assert "“scam” is on the blocked list." in listing and "Blocked (1)" in listing
    with pytest.raises(Invalid, match="not accepted"):
        held(app, session, "A scam!", mode="post")


def test_a_watched_word_added_in_the_words_page_holds_comments(
    app, session, mod_client, demo_article
):
    page = mod_client.get("/moderate/words").text
    submit(mod_client, page, "/moderate/words", kind="watched", word="casino")
    comment = held(app, session, "The casino", mode="post")
    assert comment.status == CommentStatus.PENDING
    assert "Held: watched word: casino" in mod_client.get("/moderate?tab=comments").text


def test_a_duplicate_word_shows_a_409_and_a_word_can_be_removed(session, mod_client, demo_article):
    page = mod_client.get("/moderate/words").text
    submit(mod_client, page, "/moderate/words", kind="blocked", word="scam")
    again = submit(mod_client, page, "/moderate/words", kind="blocked", word="SCAM")
    assert again.status_code == 409 and "already on the blocked list" in again.text
    rule_id = session.scalar(select(WordRule.id))
    listing = mod_client.get("/moderate/words").text
    removed = submit(mod_client, listing, f"/moderate/words/{rule_id}/remove")
    assert removed.status_code == 303 and count(session, WordRule) == 0
    assert submit(mod_client, listing, f"/moderate/words/{rule_id}/remove").status_code == 404


# The log ----------------------------------------------------------------------------------


def log_lines(client, query="") -> str:
    """The entries of the log page (its filter form lists every action name)."""
    page = client.get(f"/moderate/log{query}").text
    return page.split('<ol class="mq-log">')[1] if '<ol class="mq-log">' in page else ""


def test_the_log_page_filters_by_who_what_and_action(
    app, session, mod_client, moderator, make_user, demo_article
):
    other = make_user("other@example.org", Role.ADMIN, display_name="Ada")
    one, two = held(app, session, "one"), held(app, session, "two", network="net-b")
    moderation.approve_comment(session, moderator, one.id)
    moderation.reject_comment(session, other, two.id, "spam")
    word_lists.add_word(session, moderator, "watched", "casino")

    every = log_lines(mod_client)
    assert every.count('class="mq-log-line"') == 3
    order = [every.index(a) for a in ("word_added", "comment_rejected", "comment_approved")]
    assert order == sorted(order)
    by_ada = log_lines(mod_client, f"?actor={other.id}")
    assert "comment_rejected" in by_ada and "Ada" in by_ada and "comment_approved" not in by_ada
    words = log_lines(mod_client, "?target_type=word_rule")
    assert "casino" in words and "comment_approved" not in words
    assert log_lines(mod_client, "?action=comment_approved").count('class="mq-log-line"') == 1
    assert "No entries match these filters" in mod_client.get("/moderate/log?action=nope").text


def test_the_log_page_pages_older_entries_by_keyset(session, mod_client, moderator):
    for n in range(55):
        word_lists.add_word(session, moderator, "watched", f"word{n}")
    first = mod_client.get("/moderate/log?target_type=word_rule").text
    assert first.count('class="mq-log-line"') == 50 and "word54" in first
    older = re.search(r'href="([^"]+)">Older entries</a>', first).group(1).replace("&amp;", "&")
    assert "target_type=word_rule" in older and "after=" in older
    rest = mod_client.get(older).text
    assert rest.count('class="mq-log-line"') == 5 and "— word0</span>" in rest
