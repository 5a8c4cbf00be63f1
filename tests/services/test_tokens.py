"""API tokens: shown once, stored hashed, revocable, tied to an active account."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from sqlalchemy import select

from corrections.db import utcnow
from corrections.models import ApiToken, ModerationAction, Role
from corrections.services import admin, tokens
from corrections.services.errors import Forbidden, Invalid, NotFound


def test_a_new_token_is_returned_once_and_stored_only_as_its_sha256(session, make_user):
    user = make_user()
    token, plaintext = tokens.create_token(session, user, "  my script ")
    assert plaintext.startswith("cor_") and len(plaintext) > 40
    stored = session.scalars(select(ApiToken)).one()
    assert stored.token_hash == hashlib.sha256(plaintext.encode()).hexdigest()
    assert plaintext not in (stored.token_hash, stored.name) and stored.name == "my script"
    assert tokens.create_token(session, user, "other")[1] != plaintext


def test_a_token_needs_a_name_of_reasonable_length(session, make_user):
    user = make_user()
    for name in ("", "   ", "x" * 81):
        with pytest.raises(Invalid):
            tokens.create_token(session, user, name)


def test_a_token_finds_its_account(session, make_user):
    user = make_user()
    _, plaintext = tokens.create_token(session, user, "script")
    assert tokens.user_for_token(session, plaintext) is user
    for wrong in (None, "", plaintext + "x", "cor_" + "a" * 300):
        assert tokens.user_for_token(session, wrong) is None


def test_last_use_is_written_at_most_once_a_minute(session, make_user):
    user = make_user()
    token, plaintext = tokens.create_token(session, user, "script")
    tokens.user_for_token(session, plaintext)
    first = session.get(ApiToken, token.id).last_used_at
    assert first is not None
    tokens.user_for_token(session, plaintext)
    session.expire_all()
    assert session.get(ApiToken, token.id).last_used_at == first
    token = session.get(ApiToken, token.id)
    token.last_used_at = utcnow() - timedelta(minutes=2)
    session.commit()
    tokens.user_for_token(session, plaintext)
    session.expire_all()
    assert session.get(ApiToken, token.id).last_used_at > first


def test_a_revoked_token_is_refused_and_no_longer_listed(session, make_user):
    user = make_user()
    token, plaintext = tokens.create_token(session, user, "script")
    tokens.revoke_token(session, user, token.id)
    assert tokens.user_for_token(session, plaintext) is None
    assert tokens.list_tokens(session, user) == []
    tokens.revoke_token(session, user, token.id)  # again: nothing more to do


def test_a_disabled_accounts_tokens_are_refused(session, make_user):
    boss = make_user("boss@example.org", Role.ADMIN)
    user = make_user()
    _, plaintext = tokens.create_token(session, user, "script")
    admin.disable_user(session, boss, user.id)
    assert tokens.user_for_token(session, plaintext) is None
    with pytest.raises(Forbidden):
        tokens.create_token(session, user, "another")


def test_nobody_else_but_an_admin_may_revoke_a_token(session, make_user):
    owner = make_user("owner@example.org")
    token, plaintext = tokens.create_token(session, owner, "script")
    for role in (Role.READER, Role.MODERATOR, Role.AUTHOR):
        other = make_user(f"{role.value}@example.org", role)
        with pytest.raises(Forbidden):
            tokens.revoke_token(session, other, token.id)
    with pytest.raises(Forbidden):
        tokens.revoke_token(session, None, token.id)
    assert tokens.user_for_token(session, plaintext) is owner


def test_an_admin_revoking_someone_elses_token_is_logged(session, make_user):
    owner = make_user("owner@example.org")
    boss = make_user("boss@example.org", Role.ADMIN)
    token, _ = tokens.create_token(session, owner, "script")
    tokens.revoke_token(session, boss, token.id)
    row = session.scalars(select(ModerationAction)).one()
    assert (row.actor_id, row.action, row.target_type, row.target_id) == (
        boss.id,
        "revoke_token",
        "user",
        owner.id,
    )
    with pytest.raises(NotFound):
        tokens.revoke_token(session, boss, 9999)


def test_tokens_are_listed_newest_first(session, make_user):
    user = make_user()
    tokens.create_token(session, user, "first")
    tokens.create_token(session, user, "second")
    assert [t.name for t in tokens.list_tokens(session, user)] == ["second", "first"]
