"""Who is calling the API: ``Authorization: Bearer <token>``, and what their role allows.

``current_api_user()`` answers 401 (with ``WWW-Authenticate: Bearer``) when the token is
missing, unknown, revoked or its account disabled; ``require_api_role(role)`` adds 403 for an
account below ``role``. Document a protected operation with ``@blp.doc(security=BEARER)``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import g, request
from flask_smorest import Api
from werkzeug.exceptions import Unauthorized

from corrections.extensions import db
from corrections.i18n import _
from corrections.models import Role, User
from corrections.services import tokens
from corrections.services.users import require_role

BEARER_SCHEME = "bearerAuth"
BEARER = [{BEARER_SCHEME: []}]

F = TypeVar("F", bound=Callable[..., Any])


def unauthorized(message: object, challenge: str) -> Unauthorized:
    # corrections.errors reads "message" and "headers" from ``data`` for the JSON error.
    error = Unauthorized()
    error.data = {"message": message, "headers": {"WWW-Authenticate": challenge}}  # type: ignore[attr-defined]
    return error


def bearer_token() -> str | None:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def current_api_user() -> User:
    """The account whose token this request carries; raises 401 otherwise."""
    if "api_user" in g:
        return g.api_user
    token = bearer_token()
    if token is None:
        raise unauthorized(
            _("This needs an API token: send 'Authorization: Bearer <token>'."),
            'Bearer realm="corrections"',
        )
    user = tokens.user_for_token(db.session, token)
    if user is None:
        raise unauthorized(
            _("The API token is not valid: it may be mistyped, revoked, or its account disabled."),
            'Bearer realm="corrections", error="invalid_token"',
        )
    g.api_user = user
    return user


def require_api_role(role: Role) -> Callable[[F], F]:
    """Decorate an API view: 401 without a valid token, 403 (``forbidden``) below ``role``."""

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            require_role(current_api_user(), role)
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorator


def document_bearer(api: Api) -> None:
    """Declare the bearer scheme in the OpenAPI document, once per Api."""
    api.spec.components.security_scheme(BEARER_SCHEME, {"type": "http", "scheme": "bearer"})
