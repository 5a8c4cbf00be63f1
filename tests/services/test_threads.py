"""Reading threads: pages of 50, replies under parents, counts, own held comments."""

from __future__ import annotations

from corrections.models import Comment, CommentStatus
from corrections.services import threads
from corrections.services.articles import read_article


def add(session, article, section_id, n, *, status=CommentStatus.PUBLISHED, parent=None, **kw):
    comment = Comment(
        article_id=article.id,
        section_id=section_id,
        parent_id=parent.id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        author_name=f"Reader {n}",
        body_source=f"comment {n}",
        body_html=f"<p>comment {n}</p>",
        status=status,
        **kw,
    )
    session.add(comment)
    session.flush()
    return comment


def sections(session):
    return {s.key: s.section_id for s in read_article(session, "demo").sections}


def test_the_article_reads_the_first_fifty_of_each_thread_and_the_counts(session, demo_article):
    ids = sections(session)
    for n in range(60):
        add(session, demo_article, ids["what-happened"], n)
    add(session, demo_article, ids["what-now"], 100)
    add(session, demo_article, ids["what-now"], 101, status=CommentStatus.PENDING)
    session.commit()
    found = threads.article_threads(session, demo_article.id, list(ids.values()), threads.Viewer())
    happened = found[ids["what-happened"]]
    assert happened.count == 60 and len(happened.comments) == 50
    assert happened.next_after == happened.comments[-1].id
    assert [c.author_name for c in found[ids["what-now"]].comments] == ["Reader 100"]
    assert found[ids["introduction"]].comments == []


def test_show_more_continues_after_the_cursor(session, demo_article):
    ids = sections(session)
    made = [add(session, demo_article, ids["what-happened"], n) for n in range(60)]
    session.commit()
    page = threads.thread_page(session, ids["what-happened"], after=made[49].id)
    assert [c.id for c in page.comments] == [c.id for c in made[50:]]
    assert page.next_after is None


def test_replies_sit_under_their_parent_and_deep_ones_say_whom_they_answer(session, demo_article):
    sid = sections(session)["what-happened"]
    root = add(session, demo_article, sid, 0)
    other = add(session, demo_article, sid, 1)
    chain = [root]
    for n in range(2, 7):
        chain.append(add(session, demo_article, sid, n, parent=chain[-1]))
    session.commit()
    page = threads.thread_page(session, sid)
    order = [c.author_name for c in page.comments]
    assert order == ["Reader 0"] + [f"Reader {n}" for n in range(2, 7)] + ["Reader 1"]
    indents = {c.author_name: (c.indent, c.in_reply_to) for c in page.comments}
    assert indents["Reader 2"] == (1, None)
    assert indents["Reader 4"] == (3, None)
    assert indents["Reader 5"] == (3, "Reader 4")  # too deep to indent: named instead
    assert other.id in {c.id for c in page.comments}


def test_held_comments_are_shown_only_to_their_author(session, demo_article, make_user):
    sid = sections(session)["what-happened"]
    user = make_user("me@example.org")
    mine = add(session, demo_article, sid, 1, status=CommentStatus.PENDING, user_id=user.id)
    guest = add(session, demo_article, sid, 2, status=CommentStatus.PENDING)
    session.commit()
    assert threads.thread_page(session, sid).comments == []
    seen = threads.thread_page(session, sid, viewer=threads.Viewer(user_id=user.id))
    assert [c.id for c in seen.comments] == [mine.id] and seen.comments[0].mine
    by_cookie = threads.thread_page(session, sid, viewer=threads.Viewer(own_ids=(guest.id,)))
    assert [c.id for c in by_cookie.comments] == [guest.id]
    assert seen.count == 0  # held comments are not counted as published
