"""The HTML site: one blueprint per area, plus what every response carries."""

from __future__ import annotations

from flask import Flask

from corrections.web import filters, health, reader, security, session_user


def register(app: Flask) -> None:
    session_user.register(app)
    filters.register(app)
    security.register(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(reader.bp)
