"""The moderation API: the queue, comment decisions and bans, for moderators' tokens only."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate
from sqlalchemy import func, select

from corrections.api.moderation import QueueSchema, queue_item
from corrections.models import (
    Ban,
    Comment,
    CommentStatus,
    Flag,
    FlagReason,
    ModerationAction,
    OutboxMessage,
    Role,
)
from corrections.services import comments, decisions, moderation_queue, tokens
from corrections.services.abuse import Submitter, email_ban_hash
from corrections.services.anchors import QuoteInput
from corrections.services.errors import Forbidden

QUEUE = "/api/v1/moderation/queue"


@pytest.fixture
def token_for(session, make_user):
    def make(email: str = "mod@example.org", role: Role = Role.MODERATOR) -> str:
        user = make_user(email, role, display_name=email.split("@")[0])
        return tokens.create_token(session, user, "test")[1]

    return make


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def held(app, session, body="Held", email=None, network="net-a", mode="pre") -> Comment:
    submitter = Submitter(app.config["SECRET_KEY"], name="Ann", email=email, network_hash=network)
    return comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body=body,
        submitter=submitter,
        site_mode=mode,
    ).comment


def status_of(session, comment_id) -> CommentStatus:
    session.expire_all()
    return session.get(Comment, comment_id).status


def calls(ids: dict[str, int]) -> list[tuple[str, str, dict | None]]:
    return [
        ("GET", f"{QUEUE}?kind=comments", None),
        ("GET", f"{QUEUE}?kind=corrections&status=pending", None),
        ("POST", f"/api/v1/moderation/comments/{ids['approve']}/approve", None),
        ("POST", f"/api/v1/moderation/comments/{ids['reject']}/reject", {"reason": "spam"}),
        ("POST", f"/api/v1/moderation/comments/{ids['spam']}/spam", None),
        ("POST", "/api/v1/moderation/bans", {"kind": "email", "email": "x@example.org"}),
    ]


@pytest.fixture
def ids(app, session, demo_article) -> dict[str, int]:
    return {
        name: held(app, session, name, network=f"net-{name}").id
        for name in ("approve", "reject", "spam")
    }


def call(client, method, path, body, headers):
    if method == "GET":
        return client.get(path, headers=headers)
    return client.post(path, json=body, headers=headers)


def test_every_moderation_endpoint_answers_401_without_a_token(client, session, ids):
    for method, path, body in calls(ids):
        response = call(client, method, path, body, {})
        assert response.status_code == 401, path
        assert response.get_json()["error"]["code"] == "unauthorized"
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert session.scalar(select(func.count()).select_from(ModerationAction)) == 0


def test_every_moderation_endpoint_answers_403_to_a_readers_token(client, session, ids, token_for):
    headers = bearer(token_for("reader@example.org", Role.READER))
    for method, path, body in calls(ids):
        response = call(client, method, path, body, headers)
        assert response.status_code == 403, path
        assert response.get_json()["error"]["code"] == "forbidden"
    assert [status_of(session, i) for i in ids.values()] == [CommentStatus.PENDING] * 3
    assert session.scalar(select(func.count()).select_from(Ban)) == 0


@pytest.mark.parametrize("role", [Role.MODERATOR, Role.AUTHOR, Role.ADMIN])
def test_moderators_authors_and_admins_may_call_every_moderation_endpoint(
    client, session, ids, token_for, role
):
    headers = bearer(token_for(f"{role.value}@example.org", role))
    for method, path, body in calls(ids):
        response = call(client, method, path, body, headers)
        assert response.status_code == (201 if "bans" in path else 200), (path, response.json)
    assert [status_of(session, ids[k]) for k in ("approve", "reject", "spam")] == [
        CommentStatus.PUBLISHED,
        CommentStatus.REJECTED,
        CommentStatus.SPAM,
    ]


def test_the_queue_lists_pending_comments_oldest_first_by_keyset(
    app, client, session, demo_article, token_for
):
    made = [held(app, session, f"n{n}", email="ann@example.org", network=f"n{n}") for n in range(3)]
    headers = bearer(token_for())
    first = client.get(f"{QUEUE}?kind=comments&limit=2", headers=headers).get_json()
    assert [i["id"] for i in first["items"]] == [made[0].id, made[1].id]
    item = first["items"][0]
    assert item["type"] == "comment" and item["status"] == "pending"
    assert (item["article"], item["section"], item["email_domain"]) == (
        "demo",
        "what-happened",
        "example.org",
    )
    assert item["hold_reason"] == "every comment is reviewed first" and item["flags"] == []
    assert "ann@example.org" not in str(first)
    rest = client.get(f"{QUEUE}?kind=comments&limit=2&after={first['next']}", headers=headers)
    assert [i["id"] for i in rest.get_json()["items"]] == [made[2].id]
    assert rest.get_json()["next"] is None


def test_the_queue_lists_corrections_and_flagged_comments(
    app, client, session, token_for, make_correction
):
    correction, _ = make_correction()
    public = held(app, session, "out", mode="post")
    comments.flag_comment(session, public.id, reason="spam", note="ads", reporter_key="user:1")
    headers = bearer(token_for())
    [item] = client.get(f"{QUEUE}?kind=corrections", headers=headers).get_json()["items"]
    assert (item["id"], item["type"], item["correction_kind"], item["links"]) == (
        correction.id,
        "correction",
        "correction",
        1,
    )
    assert (item["quote"], item["text"], item["author_name"]) == ("412 homes", "415 homes", "Ann")
    flagged = client.get(f"{QUEUE}?kind=comments&status=flagged", headers=headers).get_json()
    assert [(i["id"], i["flags"]) for i in flagged["items"]] == [
        (public.id, [{"reason": "spam", "note": "ads"}])
    ]


def test_the_queue_refuses_unknown_kinds_statuses_and_parameters(client, demo_article, token_for):
    headers = bearer(token_for())
    for query in ("kind=users", "kind=comments&status=needs_info", "kind=comments&sort=id", ""):
        response = client.get(f"{QUEUE}?{query}", headers=headers)
        assert response.status_code == 422, query
        assert response.get_json()["error"]["code"] == "invalid"


def test_approving_through_the_api_logs_notifies_and_a_second_approval_is_409(
    app, client, session, demo_article, token_for
):
    comment = held(app, session, email="ann@example.org")
    headers = bearer(token_for())
    url = f"/api/v1/moderation/comments/{comment.id}/approve"
    response = client.post(url, headers=headers)
    assert response.status_code == 200
    assert response.get_json() == {"id": comment.id, "status": "published"}
    again = client.post(url, headers=headers)
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "conflict"
    row = session.scalars(select(ModerationAction)).one()
    assert (row.action, row.old_status, row.new_status) == (
        "comment_approved",
        "pending",
        "published",
    )
    assert session.scalar(select(func.count()).select_from(OutboxMessage)) == 1
    missing = client.post("/api/v1/moderation/comments/999/approve", headers=headers)
    assert missing.status_code == 404


def test_rejecting_through_the_api_needs_a_known_reason_and_no_unknown_fields(
    app, client, session, demo_article, token_for
):
    comment = held(app, session)
    headers = bearer(token_for())
    url = f"/api/v1/moderation/comments/{comment.id}/reject"
    for body in ({}, {"reason": "boring"}, {"reason": "spam", "colour": "red"}):
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 422, body
    assert status_of(session, comment.id) == CommentStatus.PENDING
    ok = client.post(url, json={"reason": "off_topic", "note": "Wrong thread"}, headers=headers)
    assert ok.get_json() == {"id": comment.id, "status": "rejected"}
    assert session.get(Comment, comment.id).decision_reason == "off topic: Wrong thread"
    spam = client.post(f"/api/v1/moderation/comments/{comment.id}/spam", headers=headers)
    assert spam.status_code == 409


def test_a_decision_sent_with_the_status_seen_is_409_once_the_comment_moved_on(
    app, client, session, demo_article, token_for
):
    comment = held(app, session)
    headers = bearer(token_for())
    base = f"/api/v1/moderation/comments/{comment.id}"
    seen = {"expected_status": "pending"}
    assert client.post(f"{base}/approve", json=seen, headers=headers).status_code == 200
    late = client.post(f"{base}/reject", json={**seen, "reason": "spam"}, headers=headers)
    assert (
        late.status_code == 409 and "already been approved" in late.get_json()["error"]["message"]
    )
    assert client.post(f"{base}/spam", json=seen, headers=headers).status_code == 409
    assert status_of(session, comment.id) == CommentStatus.PUBLISHED
    odd = client.post(f"{base}/approve", json={"expected_status": "gone"}, headers=headers)
    assert odd.status_code == 422
    assert client.post(f"{base}/spam", json={"colour": 1}, headers=headers).status_code == 422
    # Without a status seen, a published comment can still be taken down.
    down = client.post(f"{base}/reject", json={"reason": "abusive"}, headers=headers)
    assert down.get_json() == {"id": comment.id, "status": "rejected"}


def test_a_ban_through_the_api_stores_a_hash_and_a_label_and_can_reject_pending(
    app, client, session, demo_article, token_for
):
    comment = held(app, session, email="ann@example.org", network="net-a")
    headers = bearer(token_for())
    response = client.post(
        "/api/v1/moderation/bans",
        json={"kind": "email", "comment_id": comment.id, "days": 7, "reject_pending": True},
        headers=headers,
    )
    assert response.status_code == 201
    body = response.get_json()
    assert (body["kind"], body["label"], body["rejected"]) == ("email", "a***@example.org", 1)
    assert body["expires_at"] is not None and "ann@example.org" not in str(body)
    ban = session.get(Ban, body["id"])
    assert ban.value_hash == email_ban_hash(app.config["SECRET_KEY"], "ann@example.org")
    assert status_of(session, comment.id) == CommentStatus.REJECTED
    with pytest.raises(Forbidden):
        held(app, session, "again", email="ann@example.org", network="net-z")
    network = client.post(
        "/api/v1/moderation/bans",
        json={"kind": "network", "comment_id": comment.id, "days": None, "reason": "spray"},
        headers=headers,
    ).get_json()
    assert network["label"] == f"the network of comment #{comment.id}"
    assert network["expires_at"] is None


def test_a_ban_through_the_api_refuses_bad_bodies_and_repeats(
    client, session, demo_article, token_for, make_user
):
    headers = bearer(token_for())
    reader = make_user("reader@example.org", Role.READER, display_name="Rita")
    bad = (
        {"kind": "planet", "email": "a@example.org"},
        {"kind": "email", "email": "a@example.org", "days": 0},
        {"kind": "email", "email": "a@example.org", "extra": True},
        {"kind": "email"},
        {"kind": "network"},
    )
    for body in bad:
        response = client.post("/api/v1/moderation/bans", json=body, headers=headers)
        assert response.status_code == 422, body
    account = client.post(
        "/api/v1/moderation/bans", json={"kind": "account", "user_id": reader.id}, headers=headers
    )
    assert account.get_json()["label"] == f"account #{reader.id} (Rita)"
    repeat = client.post(
        "/api/v1/moderation/bans", json={"kind": "account", "user_id": reader.id}, headers=headers
    )
    assert repeat.status_code == 409
    assert session.scalar(select(func.count()).select_from(Ban)) == 1


def test_the_openapi_document_describes_the_moderation_api_and_still_validates(client):
    spec = client.get("/api/v1/openapi.json").get_json()
    validate(spec)
    paths = spec["paths"]
    for path in (
        "/api/v1/moderation/queue",
        "/api/v1/moderation/comments/{comment_id}/approve",
        "/api/v1/moderation/comments/{comment_id}/reject",
        "/api/v1/moderation/comments/{comment_id}/spam",
        "/api/v1/moderation/bans",
    ):
        assert path in paths, path
    reject = paths["/api/v1/moderation/comments/{comment_id}/reject"]["post"]
    assert reject["security"] == [{"bearerAuth": []}]
    assert {"401", "403", "404", "409", "422"} <= set(reject["responses"])


def as_the_schema_reads(item) -> dict:
    """A queue item under the schema's names with the service's values (a datetime, not
    text): what the view gave ``QueueSchema`` to dump before it built the JSON itself."""
    common = {
        "id": item.id,
        "type": item.type,
        "status": item.status.value,
        "article": item.article_slug,
        "section": item.section_key,
        "created_at": item.created_at,
        "quote": item.quote,
    }
    if item.type == "comment":
        return {
            **common,
            "author_name": item.author_name,
            "text": item.html,
            "email_domain": item.email_domain,
            "hold_reason": item.hold_reason,
            "flags": [{"reason": f.reason, "note": f.note} for f in item.flags],
        }
    return {
        **common,
        "author_name": item.reporter_name,
        "text": item.proposed_text,
        "correction_kind": item.kind,
        "links": item.links,
    }


def test_the_queue_sends_byte_for_byte_what_its_schema_dumps_for_every_kind_of_item(
    app, client, session, demo_article, make_user, make_correction
):
    moderator = make_user("mod@example.org", Role.MODERATOR, display_name="Mo")
    headers = bearer(tokens.create_token(session, moderator, "test")[1])
    submitter = Submitter(app.config["SECRET_KEY"], name="Bo", network_hash="net-b")
    say = {"slug": "demo", "section_key": "what-happened", "submitter": submitter}
    public = comments.post_comment(session, body="Out", site_mode="post", **say).comment
    held(app, session, "With an email", email="ann@example.org")  # no quote, the domain shown
    comments.post_comment(
        session,
        body="A quoted reply",
        site_mode="pre",
        parent_id=public.id,
        quote=QuoteInput("118 millimetres"),
        **say,
    )
    held(app, session, "No email", network="net-c")
    comments.flag_comment(session, public.id, reason="spam", note="ads", reporter_key="user:1")
    comments.flag_comment(session, public.id, reason="off_topic", note="", reporter_key="user:2")
    make_correction(links=["https://example.org/a", "https://example.org/b"])
    asked, _ = make_correction(kind="clarification", proposed_text="416 homes", explanation="")
    decisions.ask_for_info(
        session, moderator, asked.id, message="Which report?", expected_version=asked.version
    )
    for kind, status, tab, limit in (
        ("comments", "pending", "comments", 2),  # a page with a next
        ("comments", "flagged", "flagged", 50),
        ("corrections", "pending", "corrections", 50),
        ("corrections", "needs_info", "needs-info", 50),
    ):
        page = moderation_queue.queue(session, moderator, tab=tab, limit=limit, newest_first=False)
        assert page.items, tab
        dumped = QueueSchema().dump(
            {"items": [as_the_schema_reads(i) for i in page.items], "next": page.next_after}
        )
        built = [queue_item(i) for i in page.items]
        assert [list(i.items()) for i in built] == [list(i.items()) for i in dumped["items"]]
        response = client.get(f"{QUEUE}?kind={kind}&status={status}&limit={limit}", headers=headers)
        assert response.status_code == 200
        assert response.get_data() == app.json.response(dumped).get_data(), tab
    comment_page = moderation_queue.queue(session, moderator, tab="comments", limit=50)
    assert {(i.quote is None, i.email_domain is None) for i in comment_page.items} == {
        (True, False),
        (False, True),
        (True, True),
    }


def queued_comments(session, article, count: int, status: CommentStatus) -> list[int]:
    """``count`` comments of the article with ``status``, written in bulk."""
    from corrections.services import articles

    sections = articles.read_article(session, article.slug).sections
    rows = [
        {
            "article_id": article.id,
            "section_id": sections[n % len(sections)].section_id,
            "author_name": f"Reader {n}",
            "author_email": f"reader{n}@example.org",
            "body_source": "x",
            "body_html": f"<p>comment {n}</p>",
            "status": status,
            "hold_reason": "every comment is reviewed first",
            "depth": 0,
            "flag_count": 0,
        }
        for n in range(count)
    ]
    session.execute(Comment.__table__.insert(), rows)
    return list(session.scalars(select(Comment.id).where(Comment.status == status)))


@pytest.mark.parametrize(
    "kind", ["comments&status=pending", "comments&status=flagged", "corrections"]
)
def test_a_queue_page_sends_as_many_queries_for_50_items_as_for_10(
    client, session, demo_article, make_correction, token_for, kind
):
    from tests.web.test_reader import recorded

    if kind.startswith("corrections"):
        for n in range(50):
            make_correction(proposed_text=f"{500 + n} homes")
    else:
        status = CommentStatus.PUBLISHED if "flagged" in kind else CommentStatus.PENDING
        ids = queued_comments(session, demo_article, 50, status)
        session.execute(
            Flag.__table__.insert(),
            [{"comment_id": i, "reason": FlagReason.SPAM, "reporter_key": "user:1"} for i in ids],
        )
        session.commit()
    headers = bearer(token_for())
    client.get(f"{QUEUE}?kind={kind}", headers=headers)  # the token's first use is written
    few, few_queries = recorded(client, f"{QUEUE}?kind={kind}&limit=10", headers)
    many, many_queries = recorded(client, f"{QUEUE}?kind={kind}&limit=50", headers)
    assert (len(few.get_json()["items"]), len(many.get_json()["items"])) == (10, 50)
    assert len(few_queries) == len(many_queries) <= 3  # the token, the page, its open flags
