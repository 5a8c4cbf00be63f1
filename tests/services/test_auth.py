"""Signing in, sign-in throttling, passwords and sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from corrections.db import utcnow
from corrections.models import LoginFailure, User
from corrections.services import auth
from corrections.services.errors import Forbidden, Invalid
from corrections.services.hashing import keyed_hash
from tests.conftest import TEST_PASSWORD

SECRET = "test-secret"


def sign_in(session, email, password=TEST_PASSWORD, address="192.0.2.1"):
    return auth.authenticate(session, email, password, client_address=address, secret=SECRET)


def refused_message(session, email, password, address="192.0.2.1") -> str:
    with pytest.raises(auth.SignInRefused) as caught:
        sign_in(session, email, password, address)
    return caught.value.message


def failures(session) -> int:
    return session.scalar(select(func.count()).select_from(LoginFailure))


def test_the_right_password_returns_the_account_whatever_the_case_of_the_email(session, make_user):
    user = make_user("ada@example.org")
    assert sign_in(session, "  Ada@Example.ORG ") is user
    assert failures(session) == 0


def test_wrong_password_and_unknown_email_give_the_same_message(session, make_user):
    make_user("ada@example.org")
    wrong_password = refused_message(session, "ada@example.org", "not the password")
    unknown_email = refused_message(session, "nobody@example.org", TEST_PASSWORD)
    assert wrong_password == unknown_email == "Wrong email or password."


def test_an_unknown_email_is_still_checked_against_a_password_hash(session, make_user, monkeypatch):
    checked: list[str] = []
    real_check = auth.check_password_hash

    def spy(pwhash: str, password: str) -> bool:
        checked.append(pwhash.split("$")[0])
        return real_check(pwhash, password)

    monkeypatch.setattr(auth, "check_password_hash", spy)
    make_user("ada@example.org")
    refused_message(session, "ada@example.org", "not the password")
    refused_message(session, "nobody@example.org", "not the password")
    assert checked == [checked[0], checked[0]] and checked[0].startswith("scrypt")


def test_failures_are_kept_under_keyed_hashes_of_the_email_and_the_address(session):
    refused_message(session, "Ada@Example.org", "wrong", address="192.0.2.7")
    keys = set(session.scalars(select(LoginFailure.key_hash)))
    assert keys == {
        keyed_hash(SECRET, "signin-email:ada@example.org"),
        keyed_hash(SECRET, "signin-address:192.0.2.7"),
    }
    assert not any("ada" in key or "192" in key for key in keys)


def test_the_sixth_try_for_an_account_is_refused_even_with_the_right_password(session, make_user):
    make_user("ada@example.org")
    for n in range(5):  # from five addresses, so only the account's count reaches five
        refused_message(session, "ada@example.org", "wrong", address=f"192.0.2.{n}")
    with pytest.raises(auth.TooManyAttempts) as caught:
        sign_in(session, "ada@example.org", TEST_PASSWORD, address="198.51.100.1")
    error = caught.value
    assert (error.status, error.code) == (429, "rate_limited")
    assert 14 * 60 < error.retry_after <= 15 * 60
    assert "15 minutes" in error.message


def test_the_sixth_try_from_an_address_is_refused_across_different_emails(session, make_user):
    make_user("ada@example.org")
    for n in range(5):
        refused_message(session, f"guess{n}@example.org", "wrong", address="203.0.113.9")
    with pytest.raises(auth.TooManyAttempts):
        sign_in(session, "ada@example.org", TEST_PASSWORD, address="203.0.113.9")
    assert sign_in(session, "ada@example.org", TEST_PASSWORD, address="203.0.113.10")


def test_ipv6_addresses_are_counted_by_their_slash_64(session, make_user):
    make_user("ada@example.org")
    for n in range(5):
        refused_message(session, f"guess{n}@example.org", "wrong", address=f"2001:db8::{n + 1}")
    with pytest.raises(auth.TooManyAttempts):
        sign_in(session, "ada@example.org", address="2001:db8::ffff")


def test_refused_tries_are_not_counted_so_the_wait_does_not_grow(session, make_user):
    make_user("ada@example.org")
    for _ in range(5):
        refused_message(session, "ada@example.org", "wrong")
    for _ in range(3):
        with pytest.raises(auth.TooManyAttempts):
            sign_in(session, "ada@example.org", "wrong again")
    assert failures(session) == 10  # five tries, each under the email and the address


def test_failures_older_than_fifteen_minutes_no_longer_count(session, make_user):
    user = make_user("ada@example.org")
    for _ in range(5):
        refused_message(session, "ada@example.org", "wrong")
    session.execute(
        update(LoginFailure).values(created_at=utcnow() - timedelta(minutes=15, seconds=1))
    )
    session.commit()
    assert sign_in(session, "ada@example.org") is user


def test_the_wait_ends_when_the_fifth_newest_failure_leaves_the_window(session, make_user):
    make_user("ada@example.org")
    for _ in range(5):
        refused_message(session, "ada@example.org", "wrong", address=None)
    oldest = session.scalars(select(LoginFailure).order_by(LoginFailure.id).limit(1)).one()
    oldest.created_at = utcnow() - timedelta(minutes=10)
    session.commit()
    with pytest.raises(auth.TooManyAttempts) as caught:
        sign_in(session, "ada@example.org", address=None)
    assert 4 * 60 < caught.value.retry_after <= 5 * 60  # the old one leaves in 5 minutes
    assert "5 minutes" in caught.value.message


def test_a_success_clears_nothing(session, make_user):
    make_user("ada@example.org")
    for _ in range(4):
        refused_message(session, "ada@example.org", "wrong")
    sign_in(session, "ada@example.org")
    refused_message(session, "ada@example.org", "wrong")
    with pytest.raises(auth.TooManyAttempts):
        sign_in(session, "ada@example.org")


def test_a_disabled_account_cannot_sign_in(session, make_user):
    user = make_user("ada@example.org")
    user.disabled_at = utcnow()
    session.commit()
    with pytest.raises(Forbidden, match="disabled"):
        sign_in(session, "ada@example.org")
    assert refused_message(session, "ada@example.org", "wrong") == "Wrong email or password."


def test_changing_the_password_needs_the_current_one(session, make_user):
    user = make_user("ada@example.org")
    with pytest.raises(Invalid) as caught:
        auth.change_password(session, user, "not it", "a brand new password")
    assert "current_password" in caught.value.fields
    assert user.session_version == 1
    assert sign_in(session, "ada@example.org") is user


def test_changing_the_password_stores_it_and_voids_every_session(session, make_user):
    user = make_user("ada@example.org")
    auth.change_password(session, user, TEST_PASSWORD, "a brand new password")
    session.expire_all()
    assert session.get(User, user.id).session_version == 2
    assert sign_in(session, "ada@example.org", "a brand new password") is user
    assert refused_message(session, "ada@example.org", TEST_PASSWORD)


def test_a_short_new_password_is_refused_on_the_new_password_field(session, make_user):
    user = make_user("ada@example.org")
    with pytest.raises(Invalid) as caught:
        auth.change_password(session, user, TEST_PASSWORD, "short")
    assert "new_password" in caught.value.fields
    with pytest.raises(Invalid):
        auth.change_password(session, user, TEST_PASSWORD, TEST_PASSWORD)


def test_signing_out_everywhere_bumps_the_session_version(session, make_user):
    user = make_user("ada@example.org")
    old_id = user.get_id()
    auth.sign_out_everywhere(session, user)
    auth.sign_out_everywhere(session, user)
    assert user.session_version == 3 and user.get_id() != old_id
