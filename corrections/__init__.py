"""corrections: a moderated comment and correction service for living articles."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from corrections import config as settings
from corrections.db import end_sessions_safely, install_sqlite_behaviour
from corrections.extensions import babel, csrf, db, limiter, login_manager, migrate

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(
    config: Mapping[str, Any] | None = None, *, instance_path: str | None = None
) -> Flask:
    """Build the application: config -> extensions -> blueprints -> errors -> CLI.

    ``instance_path`` defaults to ``instance/`` beside the package (or CORRECTIONS_INSTANCE_PATH).
    """
    app = Flask(
        __name__,
        instance_path=instance_path or os.environ.get("CORRECTIONS_INSTANCE_PATH") or None,
        instance_relative_config=True,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    settings.load(app, config)

    if app.config["TRUSTED_PROXIES"]:
        hops = app.config["TRUSTED_PROXIES"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)  # type: ignore[method-assign]

    db.init_app(app)
    end_sessions_safely(app, db.session)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    limiter.init_app(app)
    from corrections import i18n

    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(i18n.TRANSLATIONS),
    )
    i18n.register(app)
    with app.app_context():
        install_sqlite_behaviour(db.engine)

    from corrections import api, errors, observability, web

    observability.register(app)
    web.register(app)
    api.register(app)
    errors.register(app)

    from corrections.cli import register_commands

    register_commands(app)
    return app
