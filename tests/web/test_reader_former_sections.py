"""The latest page keeps the threads of sections a later version left out, in their own block."""

from __future__ import annotations

from corrections.services import articles, comments
from corrections.services.abuse import Submitter
from corrections.services.anchors import QuoteInput

BLOCK = "Comments on sections no longer in the article"


def post(app, session, key, body, words=None):
    submitter = Submitter(secret=app.config["SECRET_KEY"], name="Ann", network_hash="net")
    return comments.post_comment(
        session,
        slug="demo",
        section_key=key,
        body=body,
        submitter=submitter,
        site_mode="post",
        quote=QuoteInput(words) if words else None,
    ).comment


def test_comments_of_a_section_a_file_renamed_are_listed_with_the_version_that_had_it(
    app, client, session, demo_article, demo_text
):
    quoted = post(app, session, "what-now", "Is that <b>all</b>?", words="£86,000")
    plain = post(app, session, "what-now", "Thanks for the update.")
    articles.import_article(
        session, demo_text.replace("WHAT NOW?", "WHAT NEXT?"), slug="demo", new_revision=True
    )

    html = client.get("/a/demo").get_data(as_text=True)

    assert BLOCK in html
    block = html[html.index(BLOCK) :]
    assert '“WHAT NOW?”, last in <a href="/a/demo/v/1#s-what-now">version 1</a>' in block
    assert "(2 comments)" in block
    for comment in (quoted, plain):
        assert f'id="c-{comment.id}"' in block
        assert f'<a href="/a/demo/v/1#c-{comment.id}">in version 1</a>' in block
    assert "Is that <b>all</b>?" not in html  # the sanitized body, never the source
    assert "£86,000" in block and "read these words in version 1" in block
    # and on version 1 itself the thread is beside its section, as it always was
    old = client.get("/a/demo/v/1").get_data(as_text=True)
    assert BLOCK not in old and f'id="c-{plain.id}"' in old


def test_no_block_when_every_section_with_comments_is_still_there(
    app, client, session, demo_article, demo_text
):
    post(app, session, "what-now", "Still here.")
    articles.import_article(
        session, demo_text.replace("412 homes", "415 homes"), slug="demo", new_revision=True
    )
    assert BLOCK not in client.get("/a/demo").get_data(as_text=True)


def test_a_removed_section_without_published_comments_is_not_listed(
    client, session, demo_article, demo_text
):
    start = demo_text.index("WHAT NOW?")
    dropped = demo_text[:start] + demo_text[demo_text.index("A LONGER VIEW") :]
    articles.import_article(session, dropped, slug="demo", new_revision=True)
    assert BLOCK not in client.get("/a/demo").get_data(as_text=True)


def test_the_whole_thread_of_a_section_no_longer_in_the_article_stays_readable(
    app, client, session, demo_article, demo_text
):
    from tests.web.test_reader import add_comments

    add_comments(session, demo_article, 6 * 60)  # 60 on every section, what-now among them
    articles.import_article(
        session, demo_text.replace("WHAT NOW?", "WHAT NEXT?"), slug="demo", new_revision=True
    )

    first = client.get("/a/demo/s/what-now/comments")
    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "This section is no longer in the article" in html
    assert 'href="/a/demo/v/1#s-what-now">← Back to version 1</a>' in html
    assert "Reply" not in html  # read, not answered
    more = html.split('class="show-more" href="')[1].split('"')[0].replace("&amp;", "&")
    second = client.get(more)
    assert second.status_code == 200
    assert "No more comments." not in second.get_data(as_text=True)
    # answering it is refused, as posting to any section the latest version lacks
    assert client.get("/a/demo/s/what-now/reply/1").status_code == 404
    assert client.get("/a/demo/s/never-was/comments").status_code == 404
