"""Quoted words marked on the article page, linked both ways with their comments."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from corrections.models import Anchor, AnchorState, Comment, CommentStatus
from corrections.services import articles, comments
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput
from tests.web.test_reader import add_comments, count_queries

QUOTED = "118 millimetres of rain"


def quote(session, words=QUOTED, *, slug="demo", key="what-happened", name="Ann", n=0):
    return comments.post_comment(
        session,
        slug=slug,
        section_key=key,
        body=f"About those words ({n})",
        submitter=Submitter(secret="s", name=name, network_hash=f"net-{n}"),
        site_mode="post",
        quote=QuoteInput(words),
    ).comment


def page(client, path="/a/demo"):
    response = client.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_quote_is_marked_and_linked_both_ways(client, session, demo_article):
    comment = quote(session)
    html = page(client)
    q = comment.anchor_id
    assert f'<mark class="quote-mark" id="q-{q}">{QUOTED}</mark>' in html
    assert f'<a class="quote-ref" href="#c-{comment.id}"' in html
    assert f'<a href="#q-{q}">The words it quotes</a>' in html
    assert html.count(f'id="q-{q}"') == 1


def test_overlapping_quotes_keep_the_page_valid(client, session, demo_article):
    first = quote(session, "118 millimetres of rain", n=1)
    second = quote(session, "millimetres of rain at Ashcombe Moor", n=2)
    third = quote(session, "millimetres", n=3)
    html = page(client)
    for c in (first, second, third):
        assert html.count(f'id="q-{c.anchor_id}"') == 1
        assert f'href="#c-{c.id}"' in html
    words = re.search(r"<p>The Met Office recorded (.*?)</p>", html).group(1)
    assert re.sub(r"<[^>]+>", "", words).startswith("118 millimetres of rain at Ashcombe Moor in")
    assert words.count("<mark") == words.count("</mark>")


def test_held_comments_mark_nothing(app, client, session, demo_article):
    held = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body="Held",
        submitter=Submitter(secret="s", name="Ann", network_hash="n"),
        site_mode="pre",
        quote=QuoteInput(QUOTED),
    ).comment
    assert held.status == CommentStatus.PENDING
    assert "quote-mark" not in page(client)


def test_hostile_section_text_and_names_stay_escaped_inside_marks(client, session, demo_text):
    hostile = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'
    text = demo_text.replace("118 millimetres of rain", hostile + " 118 millimetres of rain")
    articles.import_article(session, text, slug="flood")
    comment = quote(session, hostile, slug="flood", name='"><script>alert(2)</script>')
    html = page(client, "/a/flood")
    assert "<script>alert" not in html and "<img src=x" not in html
    escaped = (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;"
    )
    assert f'<mark class="quote-mark" id="q-{comment.anchor_id}">{escaped}</mark>' in html
    assert 'aria-label="The comment by &#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;' in html


def test_an_orphaned_quote_links_to_its_words_on_the_earlier_version(
    client, session, demo_article, demo_text
):
    comment = quote(session)
    changed = demo_text.replace(QUOTED, "a great deal of rain")
    articles.import_article(session, changed, slug="demo", new_revision=True)
    assert session.get(Anchor, comment.anchor_id).state == AnchorState.ORPHANED
    latest = page(client)
    q = comment.anchor_id
    assert "quote-mark" not in latest
    link = f'href="/a/demo/v/1?q={q}#q-{q}">read these words in version 1</a>'
    assert "About an earlier version" in latest and link in latest
    earlier = page(client, f"/a/demo/v/1?q={q}")
    assert f'<mark class="quote-mark" id="q-{q}">{QUOTED}</mark>' in earlier
    assert f'href="#c-{comment.id}"' in earlier
    # Every quote made against version 1 is marked there, with or without ?q=.
    assert f'id="q-{q}"' in page(client, "/a/demo/v/1")


def test_a_quote_beyond_the_first_page_of_its_thread_is_reached_with_q(
    client, session, demo_article
):
    sid = next(
        s.section_id
        for s in articles.read_article(session, "demo").sections
        if s.key == "what-happened"
    )
    for n in range(55):
        session.add(
            Comment(
                article_id=demo_article.id,
                section_id=sid,
                author_name=f"R{n}",
                body_source="x",
                body_html=f"<p>number {n}</p>",
                status=CommentStatus.PUBLISHED,
            )
        )
    session.commit()
    comment = quote(session)
    q = comment.anchor_id
    assert f'id="q-{q}"' not in page(client)
    more = page(client, f"/a/demo/s/what-happened/comments?after={comment.id - 1}")
    assert f'href="/a/demo?q={q}#q-{q}">The words it quotes</a>' in more
    linked = page(client, f"/a/demo?q={q}")
    assert f'<mark class="quote-mark" id="q-{q}">{QUOTED}</mark>' in linked
    back = f"/a/demo/s/what-happened/comments?after={comment.id - 1}#c-{comment.id}"
    assert f'href="{back}"' in linked


@pytest.mark.parametrize("q", ["²", "99999999999999999999", "-1", "abc", "12345"])
def test_a_q_that_names_no_quote_marks_nothing(client, session, demo_article, q):
    assert "quote-mark" not in page(client, f"/a/demo?q={q}")


def test_q_never_marks_a_held_comments_quote(client, session, demo_article):
    held = comments.post_comment(
        session,
        slug="demo",
        section_key="what-happened",
        body="Held",
        submitter=Submitter(secret="s", name="Ann", network_hash="n"),
        site_mode="pre",
        quote=QuoteInput(QUOTED),
    ).comment
    assert "quote-mark" not in page(client, f"/a/demo?q={held.anchor_id}")


def test_the_validator_changes_with_the_marks(client, session, demo_article):
    etag = client.get("/a/demo").headers["ETag"]
    comment = quote(session)
    marked = client.get("/a/demo", headers={"If-None-Match": etag})
    assert marked.status_code == 200 and "quote-mark" in marked.get_data(as_text=True)
    etag = marked.headers["ETag"]
    with_q = client.get(f"/a/demo?q={comment.anchor_id}", headers={"If-None-Match": etag})
    assert with_q.status_code == 200 and with_q.headers["ETag"] != etag
    session.execute(
        Comment.__table__.update()
        .where(Comment.id == comment.id)
        .values(status=CommentStatus.REJECTED)
    )
    session.commit()
    gone = client.get("/a/demo", headers={"If-None-Match": etag})
    assert gone.status_code == 200 and "quote-mark" not in gone.get_data(as_text=True)


def test_marks_cost_no_queries_and_q_one(app, client, session, demo_article, demo_text):
    articles.import_article(session, demo_text, slug="other")
    add_comments(session, demo_article, 10)
    other = articles.get_article(session, "other")
    add_comments(session, other, 300)
    plain = count_queries(app, client, "/a/other")
    for n in range(20):
        quote(session, QUOTED, slug="other", n=n)
    assert session.scalar(select(Anchor.id).order_by(Anchor.id.desc()).limit(1)) is not None
    assert count_queries(app, client, "/a/other") == plain == count_queries(app, client, "/a/demo")
    anchor = session.scalar(select(Anchor.id).limit(1))
    assert count_queries(app, client, f"/a/other?q={anchor}") == plain + 1
