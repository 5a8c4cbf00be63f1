"""An article's own moderation mode: who may set it, what it accepts, the log, its effect."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from corrections.models import Article, CommentStatus, ModerationAction, Role
from corrections.services import article_settings, comments
from corrections.services.abuse import Submitter
from corrections.services.errors import Forbidden, Invalid, NotFound


def logged(session):
    return session.scalars(
        select(ModerationAction).where(ModerationAction.action == "set_moderation_mode")
    ).all()


@pytest.mark.parametrize("role", [Role.READER, Role.MODERATOR])
def test_readers_and_moderators_cannot_set_it(session, make_user, demo_article, role):
    user = make_user("someone@example.org", role)
    with pytest.raises(Forbidden):
        article_settings.set_moderation_mode(session, user, "demo", "pre")
    with pytest.raises(Forbidden):
        article_settings.set_moderation_mode(session, None, "demo", "pre")
    assert session.get(Article, demo_article.id).moderation_mode is None and logged(session) == []


@pytest.mark.parametrize("role", [Role.AUTHOR, Role.ADMIN])
def test_authors_and_admins_set_and_clear_it_and_each_change_is_logged(
    session, make_user, demo_article, role
):
    user = make_user("writer@example.org", role)
    assert (
        article_settings.set_moderation_mode(session, user, "demo", "pre").moderation_mode == "pre"
    )
    article_settings.set_moderation_mode(session, user, "demo", "pre")  # no change: no entry
    assert article_settings.set_moderation_mode(session, user, "demo", None).moderation_mode is None
    entries = logged(session)
    assert [(e.old_status, e.new_status, e.actor_id, e.target_type) for e in entries] == [
        ("default", "pre", user.id, "article"),
        ("pre", "default", user.id, "article"),
    ]
    assert all(e.article_id == demo_article.id and e.target_id == demo_article.id for e in entries)


def test_the_command_line_sets_it_as_the_system(session, demo_article):
    article_settings.set_moderation_mode(session, None, "demo", "post", system=True)
    [entry] = logged(session)
    assert entry.actor_id is None and entry.reason == "From the command line"


@pytest.mark.parametrize(
    ("text", "mode"),
    [
        ("pre", "pre"),
        (" POST ", "post"),
        ("first-time", "first-time"),
        ("default", None),
        ("", None),
    ],
)
def test_modes_are_read_from_text(text, mode):
    assert article_settings.parse_mode(text) == mode


@pytest.mark.parametrize("text", ["sometimes", "first time", "pre\x00"])
def test_an_unknown_mode_is_refused_with_the_choices(text):
    with pytest.raises(Invalid, match="choose one of pre, post, first-time, default"):
        article_settings.parse_mode(text)


def test_the_service_refuses_an_unknown_mode_and_article(session, make_user, demo_article):
    author = make_user("author@example.org", Role.AUTHOR)
    with pytest.raises(Invalid):
        article_settings.set_moderation_mode(session, author, "demo", "sometimes")
    with pytest.raises(NotFound):
        article_settings.set_moderation_mode(session, author, "nope", "pre")


def test_the_articles_mode_decides_over_the_sites(app, session, make_user, demo_article):
    author = make_user("author@example.org", Role.AUTHOR)
    article_settings.set_moderation_mode(session, author, "demo", "pre")
    guest = Submitter(secret=app.config["SECRET_KEY"], name="Ann", network_hash="n")
    result = comments.post_comment(
        session,
        slug="demo",
        section_key="introduction",
        body="Held, although the site publishes at once.",
        submitter=guest,
        site_mode="post",
    )
    assert result.comment.status == CommentStatus.PENDING
