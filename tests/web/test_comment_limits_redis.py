"""The comment budget with Redis storage, as production runs it (several processes share it).

Uses the Redis at ``REDIS_URL`` (default ``redis://127.0.0.1:6379/0``) under a key prefix of
this test's own, so parallel runs never share a budget. Without Redis the tests skip, except
under ``CI=1``, where Redis is part of the setup and its absence is a failure.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
import redis
from flask import Flask

from corrections import create_app
from corrections.extensions import db
from corrections.services import articles
from tests.conftest import BACKEND
from tests.forms import hidden_fields

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
API = "/api/v1/articles/demo/sections/what-happened/comments"
FORM = "/a/demo/s/what-happened/comments"


@pytest.fixture
def redis_url() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        message = f"no Redis answers at {REDIS_URL} (set REDIS_URL): {exc}"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return REDIS_URL


def make_app(database_url: str, redis_url: str, prefix: str, instance: str) -> Flask:
    return create_app(
        {
            "TESTING": True,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": redis_url,
            "RATELIMIT_KEY_PREFIX": prefix,
            "RATELIMIT_COMMENTS": "2 per minute",
            "CORRECTIONS_MODERATION_MODE": "post",
            "FORM_MIN_SECONDS": 0,
        },
        instance_path=instance,
    )


@pytest.fixture
def redis_app(database_url, tmp_path, redis_url, demo_text) -> Iterator[Flask]:
    prefix = f"test-{secrets.token_hex(8)}"
    app = make_app(database_url, redis_url, prefix, str(tmp_path / "instance"))
    with app.app_context():
        if BACKEND == "sqlite":
            db.create_all()
        articles.import_article(db.session, demo_text, slug="demo", title="Demo")
        yield app
        db.session.remove()
        db.engine.dispose()
    store = redis.Redis.from_url(redis_url)
    for key in store.scan_iter(match=f"*{prefix}*"):
        store.delete(key)


def form_data(client, body: str) -> dict[str, str]:
    fields = hidden_fields(client.get("/a/demo").get_data(as_text=True), FORM)
    return {**fields, "author_name": "Ann", "author_email": "", "body": body, "quote": ""}


def test_the_shared_budget_is_kept_in_redis_with_429_and_retry_after(redis_app):
    client = redis_app.test_client()
    assert client.post(FORM, data=form_data(client, "By the form")).status_code == 303
    refused = client.post(API, json={"body": "", "author_name": "A"})
    assert refused.status_code == 422  # not counted
    assert client.post(API, json={"body": "By the API", "author_name": "A"}).status_code == 201

    limited = client.post(API, json={"body": "Third", "author_name": "A"})
    assert limited.status_code == 429
    assert limited.get_json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["Retry-After"]) <= 60

    page = client.post(FORM, data=form_data(client, "Fourth, typed with care"))
    assert page.status_code == 429 and int(page.headers["Retry-After"]) > 0
    assert "Fourth, typed with care" in page.get_data(as_text=True)


def test_another_process_on_the_same_redis_sees_the_same_budget(redis_app, tmp_path):
    client = redis_app.test_client()
    for n in range(2):
        sent = client.post(API, json={"body": f"Comment {n}", "author_name": "A"})
        assert sent.status_code == 201
    config = redis_app.config
    other = make_app(
        config["SQLALCHEMY_DATABASE_URI"],
        config["RATELIMIT_STORAGE_URI"],
        config["RATELIMIT_KEY_PREFIX"],
        str(tmp_path / "other-instance"),
    )
    with other.app_context():
        limited = other.test_client().post(API, json={"body": "Elsewhere", "author_name": "A"})
        db.session.remove()
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
