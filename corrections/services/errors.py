"""Domain errors. Views map them to pages, the API to ``{"error": {"code", "message"}}``."""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(self, message: str, *, fields: Mapping[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = dict(fields or {})


class NotFound(ServiceError):
    code = "not_found"
    status = 404


class Forbidden(ServiceError):
    code = "forbidden"
    status = 403


class Invalid(ServiceError):
    code = "invalid"
    status = 422


class Conflict(ServiceError):
    code = "conflict"
    status = 409
