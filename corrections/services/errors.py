"""Domain errors. Views map them to pages, the API to ``{"error": {"code", "message"}}``.

A message is a sentence for a person, in the request's language: services pass
``_("...")``, or a lazy ``_l("...")`` for an error made at import time, which is translated
each time it is read. ``code`` stays a stable English identifier.
"""

from __future__ import annotations

from collections.abc import Mapping


class ServiceError(Exception):
    code = "error"
    status = 400

    def __init__(
        self, message: object, *, fields: Mapping[str, list[object]] | None = None
    ) -> None:
        super().__init__(message)
        self._message = message
        self._fields = dict(fields or {})

    @property
    def message(self) -> str:
        return str(self._message)

    @property
    def fields(self) -> dict[str, list[str]]:
        return {name: [str(m) for m in messages] for name, messages in self._fields.items()}


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
