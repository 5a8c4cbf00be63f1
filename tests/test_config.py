"""Settings come from the environment and fail fast when production is misconfigured."""

from __future__ import annotations

import pytest

from corrections import create_app
from corrections.config import ConfigError, normalize_database_url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRECTIONS_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))


def test_production_sends_secure_cookies(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRECTIONS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True
    assert app.config["SESSION_COOKIE_HTTPONLY"] is True
    assert app.config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_development_makes_a_secret_key_once_and_keeps_it(monkeypatch, tmp_path):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.delenv("CORRECTIONS_ENV", raising=False)
    first = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    second = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert len(first.config["SECRET_KEY"]) > 40
    assert first.config["SECRET_KEY"] == second.config["SECRET_KEY"]
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_database_url_comes_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example/news")
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@db.example/news"


def test_the_default_database_is_sqlite_in_the_instance_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app(instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path}/corrections.db"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("CORRECTIONS_ENV", "staging", "CORRECTIONS_ENV must be one of"),
        ("CORRECTIONS_MODERATION_MODE", "sometimes", "CORRECTIONS_MODERATION_MODE"),
        ("RATELIMIT_ENABLED", "maybe", "true or false"),
        ("TRUSTED_PROXIES", "two", "whole number"),
    ],
)
def test_malformed_settings_are_named_in_the_error(monkeypatch, tmp_path, name, value, message):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=message):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))


def test_postgres_urls_use_the_psycopg_driver():
    assert normalize_database_url("postgresql://x/y") == "postgresql+psycopg://x/y"
    assert normalize_database_url("sqlite:///a.db") == "sqlite:///a.db"


def test_production_refuses_sqlite_with_several_workers_unless_told(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRECTIONS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    with pytest.raises(ConfigError, match="WEB_CONCURRENCY=4 with an SQLite database"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    monkeypatch.setenv("CORRECTIONS_ALLOW_SQLITE_WORKERS", "1")
    create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    monkeypatch.delenv("CORRECTIONS_ALLOW_SQLITE_WORKERS")
    create_app(
        {"SQLALCHEMY_DATABASE_URI": "postgresql://u@db.example/news"}, instance_path=str(tmp_path)
    )


def test_frame_ancestors_allows_the_sites_that_embed_the_threads(monkeypatch, tmp_path):
    monkeypatch.setenv("FRAME_ANCESTORS", "https://news.example.org 'self'")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    headers = app.test_client().get("/healthz").headers
    assert "frame-ancestors https://news.example.org 'self'" in headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in headers  # it would forbid what frame-ancestors allows


def test_by_default_no_site_may_frame_the_pages(monkeypatch, tmp_path):
    monkeypatch.delenv("FRAME_ANCESTORS", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    headers = app.test_client().get("/healthz").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("value", ["*", "javascript:alert(1)", "https://a.org; script-src *"])
def test_a_frame_ancestors_value_that_is_not_origins_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("FRAME_ANCESTORS", value)
    with pytest.raises(ConfigError, match="FRAME_ANCESTORS must be"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))


def test_rate_limits_are_kept_in_redis_when_redis_is_configured(monkeypatch, tmp_path):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:6379/0")
    monkeypatch.delenv("RATELIMIT_STORAGE_URI", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/0"
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/5")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["RATELIMIT_STORAGE_URI"] == "redis://127.0.0.1:6379/5"


def test_the_public_url_defaults_to_the_development_server(monkeypatch, tmp_path):
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("CORRECTIONS_ENV", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == "http://127.0.0.1:5000"


def test_the_public_url_comes_from_the_environment_without_its_trailing_slash(
    monkeypatch, tmp_path
):
    monkeypatch.setenv("PUBLIC_URL", " https://news.example.org:8443/corrections/ ")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == "https://news.example.org:8443/corrections"


@pytest.mark.parametrize(
    "value",
    [
        "news.example.org",
        "ftp://news.example.org",
        "https://",
        "https://x.org/?a=1",
        "https://x.org/#top",
        "https://a b.org",
    ],
)
def test_a_public_url_that_is_not_an_address_is_refused(monkeypatch, tmp_path, value):
    monkeypatch.setenv("PUBLIC_URL", value)
    with pytest.raises(ConfigError, match="PUBLIC_URL must be the site's address"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))


def test_production_that_sends_mail_needs_a_public_url(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRECTIONS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.setenv("SMTP_URL", "smtp://mail.example.org:25")
    with pytest.raises(ConfigError, match="PUBLIC_URL is required when .* SMTP_URL is set"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    monkeypatch.setenv("PUBLIC_URL", "https://corrections.example.org")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] == "https://corrections.example.org"


def test_production_that_only_logs_mail_may_leave_the_public_url_unset(monkeypatch, tmp_path):
    monkeypatch.setenv("CORRECTIONS_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "x" * 48)
    monkeypatch.delenv("PUBLIC_URL", raising=False)
    monkeypatch.delenv("SMTP_URL", raising=False)
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert app.config["PUBLIC_URL"] is None


def test_postgres_connections_get_a_connect_timeout_unless_the_url_names_one(tmp_path):
    """So a server that never answers fails a request in seconds (libpq connect_timeout)."""
    url = "postgresql://postgres@127.0.0.1:5432/test"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url}, instance_path=str(tmp_path))
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"] == {"connect_timeout": 5}
    own = create_app(
        {"SQLALCHEMY_DATABASE_URI": url + "?connect_timeout=30"}, instance_path=str(tmp_path)
    )
    assert "connect_args" not in own.config["SQLALCHEMY_ENGINE_OPTIONS"]
    sqlite = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://"}, instance_path=str(tmp_path))
    assert "connect_args" not in sqlite.config["SQLALCHEMY_ENGINE_OPTIONS"]
