"""The HTML site: one blueprint per area, plus what every response carries."""

from __future__ import annotations

from flask import Flask

from corrections.web import (
    admin,
    auth,
    author,
    converters,
    corrections,
    filters,
    health,
    language,
    moderate_corrections,
    moderation,
    reader,
    record,
    security,
    session_user,
    threads,
    vocabulary,
)


def register(app: Flask) -> None:
    converters.register(app)
    session_user.register(app)
    filters.register(app)
    vocabulary.register(app)
    security.register(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(language.bp)
    app.register_blueprint(reader.bp)
    app.register_blueprint(record.bp)
    app.register_blueprint(threads.bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(corrections.bp)
    app.register_blueprint(moderate_corrections.bp)
    app.register_blueprint(moderation.bp)
    app.register_blueprint(author.bp)
