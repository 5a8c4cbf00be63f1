"""``corrections set-moderation SLUG MODE|default``."""

from __future__ import annotations

from sqlalchemy import select

from corrections.models import Article, ModerationAction


def mode(session):
    session.expire_all()
    return session.scalars(select(Article.moderation_mode)).one()


def test_setting_and_clearing_an_articles_moderation_mode(runner, session, demo_article):
    result = runner.invoke(args=["set-moderation", "demo", "pre"])
    assert result.exit_code == 0, result.output
    assert (
        "/a/demo: pre (its own setting): every new comment waits for a moderator." in result.output
    )
    assert mode(session) == "pre"

    result = runner.invoke(args=["set-moderation", "demo", "default"])
    assert result.exit_code == 0, result.output
    assert "(the site's setting)" in result.output and mode(session) is None
    entries = session.scalars(select(ModerationAction).order_by(ModerationAction.id)).all()
    assert [(e.action, e.old_status, e.new_status, e.actor_id) for e in entries] == [
        ("set_moderation_mode", "default", "pre", None),
        ("set_moderation_mode", "pre", "default", None),
    ]


def test_an_unknown_mode_or_article_is_one_line_and_exit_status_2(runner, session, demo_article):
    bad = runner.invoke(args=["set-moderation", "demo", "sometimes"])
    assert bad.exit_code == 2
    assert bad.output.strip().startswith("error: 'sometimes' is not a moderation mode")
    missing = runner.invoke(args=["set-moderation", "nope", "pre"])
    assert missing.exit_code == 2 and "no article called 'nope'" in missing.output
    assert mode(session) is None


def test_the_command_is_listed_with_its_modes(runner):
    result = runner.invoke(args=["set-moderation", "--help"])
    assert result.exit_code == 0 and "pre|post|first-time|default" in result.output
