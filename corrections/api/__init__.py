"""The JSON API, version 1, documented by an OpenAPI document generated from the code.

Writes through the API use no cookies, so the blueprint is exempt from CSRF; errors use
``{"error": {"code", "message"}}`` (see ``corrections.errors``).
"""

from __future__ import annotations

from flask import Flask
from flask_smorest import Api

from corrections.api.schemas import ErrorSchema
from corrections.extensions import csrf


class CorrectionsApi(Api):
    ERROR_SCHEMA = ErrorSchema

    def _register_error_handlers(self) -> None:
        # corrections.errors handles every error, for the site and the API alike.
        return None


def register(app: Flask) -> None:
    app.config.setdefault("OPENAPI_URL_PREFIX", "/api/v1")
    app.config.setdefault("OPENAPI_JSON_PATH", "openapi.json")
    api = CorrectionsApi(
        app,
        spec_kwargs={
            "info": {"description": "Articles, versions, threads and corrections."},
            "servers": [{"url": "/"}],
        },
    )
    from corrections.api import account, articles, comments, corrections, moderation_corrections
    from corrections.api import author as author_api
    from corrections.api import moderation as moderation_api
    from corrections.api.auth import document_bearer

    document_bearer(api)
    for blueprint in (
        articles.blp,
        comments.blp,
        account.blp,
        corrections.blp,
        moderation_corrections.blp,
        moderation_api.blp,
        author_api.blp,
    ):
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
    app.extensions["corrections_api"] = api
