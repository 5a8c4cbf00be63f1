"""Settings: defaults, then ``instance/config.py``, then the environment; production validated.

Every setting is read explicitly with its type. Production refuses to start without a
``SECRET_KEY``; in development a random key is generated once and kept in the instance
folder so that sessions survive a restart.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

ENVIRONMENTS = ("development", "production")
_ORIGIN = r"https?://(\*\.)?[A-Za-z0-9.-]+(:\d{1,5})?"
_FRAME_ANCESTORS = re.compile(rf"'none'|(?:'self'|{_ORIGIN})(?: +(?:'self'|{_ORIGIN}))*")
MODERATION_MODES = ("pre", "post", "first-time")
# The languages the site speaks (translations/<code>/); English is the source language.
LOCALES = ("en", "de")
# Where people reach the site, for the links in emails: scheme, host, optional port and path.
_PUBLIC_URL = re.compile(
    r"https?://(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?(?:/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*)?"
)
DEVELOPMENT_PUBLIC_URL = "http://127.0.0.1:5000"  # what `make run` serves


class ConfigError(RuntimeError):
    """A setting is missing or malformed; the message says which and how to fix it."""


def _env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"{name} must be true or false, not {raw!r}")


def _env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from exc


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name) or default
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, not {value!r}")
    return value


POSTGRES_CONNECT_TIMEOUT = 5  # seconds


def normalize_database_url(url: str) -> str:
    """Accept the common ``postgres://`` spelling and use the psycopg 3 driver."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url


def defaults(instance_path: str) -> dict[str, Any]:
    return {
        "CORRECTIONS_ENV": "development",
        "SQLALCHEMY_DATABASE_URI": "sqlite:///" + str(Path(instance_path) / "corrections.db"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "REDIS_URL": None,
        "CORRECTIONS_MODERATION_MODE": "first-time",
        # The language of emails, and of pages for readers whose browser asks for none we have.
        "CORRECTIONS_DEFAULT_LOCALE": "en",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A little longer than the reader forms' own one-day limit, which explains itself better.
        "WTF_CSRF_TIME_LIMIT": 25 * 3600,
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "RATELIMIT_HEADERS_ENABLED": True,
        "RATELIMIT_COMMENTS": "5 per minute; 30 per hour",
        "RATELIMIT_CORRECTIONS": "3 per minute; 30 per hour",
        "FORM_MIN_SECONDS": 3,
        "TRUSTED_PROXIES": 0,
        # Who may show these pages in a frame (CSP frame-ancestors): 'none', or the origins of
        # the sites that embed the threads, e.g. "https://news.example.org".
        "FRAME_ANCESTORS": "'none'",
        "SMTP_URL": None,
        "MAIL_FROM": "corrections@localhost",
        "PUBLIC_URL": None,
        "API_TITLE": "corrections",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
    }


def from_environment() -> dict[str, Any]:
    """Only the variables that are set; each parsed to its type."""
    found: dict[str, Any] = {}
    if "CORRECTIONS_ENV" in os.environ:
        found["CORRECTIONS_ENV"] = _env_choice("CORRECTIONS_ENV", "development", ENVIRONMENTS)
    if os.environ.get("DATABASE_URL"):
        found["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
    for name in (
        "SECRET_KEY",
        "REDIS_URL",
        "SMTP_URL",
        "MAIL_FROM",
        "RATELIMIT_STORAGE_URI",
        "PUBLIC_URL",
    ):
        if os.environ.get(name):
            found[name] = os.environ[name]
    if "CORRECTIONS_MODERATION_MODE" in os.environ:
        found["CORRECTIONS_MODERATION_MODE"] = _env_choice(
            "CORRECTIONS_MODERATION_MODE", "first-time", MODERATION_MODES
        )
    if "CORRECTIONS_DEFAULT_LOCALE" in os.environ:
        found["CORRECTIONS_DEFAULT_LOCALE"] = _env_choice(
            "CORRECTIONS_DEFAULT_LOCALE", "en", LOCALES
        )
    if "RATELIMIT_ENABLED" in os.environ:
        found["RATELIMIT_ENABLED"] = _env_bool("RATELIMIT_ENABLED", True)
    for name in ("RATELIMIT_COMMENTS", "RATELIMIT_CORRECTIONS"):
        if os.environ.get(name):
            found[name] = os.environ[name]
    if "TRUSTED_PROXIES" in os.environ:
        found["TRUSTED_PROXIES"] = _env_int("TRUSTED_PROXIES", 0)
    if os.environ.get("FRAME_ANCESTORS"):
        found["FRAME_ANCESTORS"] = os.environ["FRAME_ANCESTORS"].strip()
    if "MAX_CONTENT_LENGTH" in os.environ:
        found["MAX_CONTENT_LENGTH"] = _env_int("MAX_CONTENT_LENGTH", 2 * 1024 * 1024)
    return found


def development_secret(instance_path: str) -> str:
    """A random key made once per instance folder, so restarts keep sessions valid."""
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole under another name, then linked into place: two processes starting at
    # once on a new folder both end up with the one key that was linked first.
    draft = path.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(48))
    try:
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
    return path.read_text().strip()


def load(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Fill ``app.config``: defaults < instance/config.py < environment < overrides."""
    app.config.from_mapping(defaults(app.instance_path))
    app.config.from_pyfile("config.py", silent=True)
    app.config.from_mapping(from_environment())
    if overrides:
        app.config.from_mapping(overrides)
    app.config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    )
    validate(app)


def engine_options(url: str, options: Mapping[str, Any]) -> dict[str, Any]:
    """PostgreSQL gets a connect timeout unless the URL or the options name one: a server
    that does not answer (a dropped route, not a refusal) fails the request in seconds with
    the 503 page, instead of holding a worker for the operating system's minutes."""
    options = dict(options)
    if url.startswith("postgresql") and "connect_timeout=" not in url:
        options["connect_args"] = {
            "connect_timeout": POSTGRES_CONNECT_TIMEOUT,
            **options.get("connect_args", {}),
        }
    return options


def _public_url(value: str | None, production: bool, smtp_url: str | None) -> str | None:
    """The site's address without a trailing slash; emails link to pages under it.

    Unset: in development the address ``make run`` serves; in production it is required
    once mail is really sent (``SMTP_URL``), and otherwise the logged messages keep paths.
    """
    value = (value or "").strip()
    if not value:
        if not production:
            return DEVELOPMENT_PUBLIC_URL
        if smtp_url:
            raise ConfigError(
                "PUBLIC_URL is required when CORRECTIONS_ENV=production and SMTP_URL is set: "
                "the emails link to the site's pages, e.g. PUBLIC_URL=https://corrections.example.org"
            )
        return None
    if not _PUBLIC_URL.fullmatch(value):
        raise ConfigError(
            "PUBLIC_URL must be the site's address, http:// or https:// with a host, an optional "
            f"port and path, and no query (https://corrections.example.org), not {value!r}"
        )
    return value.rstrip("/")


def validate(app: Flask) -> None:
    config = app.config
    if config["CORRECTIONS_ENV"] not in ENVIRONMENTS:
        raise ConfigError(f"CORRECTIONS_ENV must be one of {', '.join(ENVIRONMENTS)}")
    if config["CORRECTIONS_MODERATION_MODE"] not in MODERATION_MODES:
        raise ConfigError(
            f"CORRECTIONS_MODERATION_MODE must be one of {', '.join(MODERATION_MODES)}"
        )
    if config["CORRECTIONS_DEFAULT_LOCALE"] not in LOCALES:
        raise ConfigError(
            f"CORRECTIONS_DEFAULT_LOCALE must be one of {', '.join(LOCALES)}, "
            f"not {config['CORRECTIONS_DEFAULT_LOCALE']!r}"
        )
    # Flask-Babel's own setting follows ours (a default for requests that ask for none).
    config["BABEL_DEFAULT_LOCALE"] = config["CORRECTIONS_DEFAULT_LOCALE"]
    if not _FRAME_ANCESTORS.fullmatch(config["FRAME_ANCESTORS"]):
        raise ConfigError(
            "FRAME_ANCESTORS must be 'none', 'self' or origins separated by spaces "
            f"(https://news.example.org), not {config['FRAME_ANCESTORS']!r}"
        )
    # Several processes must share one count: with Redis configured, limits live there.
    if config.get("REDIS_URL") and config["RATELIMIT_STORAGE_URI"] == "memory://":
        config["RATELIMIT_STORAGE_URI"] = config["REDIS_URL"]
    production = config["CORRECTIONS_ENV"] == "production"
    config["PUBLIC_URL"] = _public_url(config.get("PUBLIC_URL"), production, config.get("SMTP_URL"))
    if production:
        if not config.get("SECRET_KEY"):
            raise ConfigError(
                "SECRET_KEY is required when CORRECTIONS_ENV=production; "
                'generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))"'
            )
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
        workers = _env_int("WEB_CONCURRENCY", 1)
        sqlite = str(config["SQLALCHEMY_DATABASE_URI"]).startswith("sqlite")
        if sqlite and workers > 1 and not _env_bool("CORRECTIONS_ALLOW_SQLITE_WORKERS", False):
            raise ConfigError(
                f"WEB_CONCURRENCY={workers} with an SQLite database: several processes writing "
                "one SQLite file wait on each other's locks. Use PostgreSQL (DATABASE_URL), "
                "or set CORRECTIONS_ALLOW_SQLITE_WORKERS=1 if you accept that."
            )
    elif not config.get("SECRET_KEY"):
        config["SECRET_KEY"] = development_secret(app.instance_path)
