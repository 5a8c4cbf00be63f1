"""How the API reads request bodies: JSON as webargs reads it, minus what cannot be stored.

JSON may escape half of a UTF-16 surrogate pair on its own (``"\\ud800"``); Python decodes it
into a string that no UTF-8 encoder accepts, so it would fail later in the sanitizer or the
database driver. Likewise ``"\\u0000"``: PostgreSQL cannot store NUL in text. Such a body
is refused here as invalid JSON (400), before any schema runs.
Every API blueprint is this module's ``Blueprint``, so the rule holds for every operation.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import flask
import flask_smorest
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request

from corrections.i18n import _

# Any escaped surrogate at all; only then is the decoded body checked (rare, so cheap).
_ESCAPED_SURROGATE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
# An escaped NUL: PostgreSQL cannot store it in text. (A raw one is invalid JSON already.)
_ESCAPED_NUL = re.compile(rb"\\u0000")


def _strings(value: Any) -> Iterator[str]:
    """Every string in a decoded JSON value, object keys included."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class JsonParser(FlaskParser):
    def _raw_load_json(self, req: flask.Request) -> Any:
        if not is_json_request(req):
            return core.missing
        raw = req.get_data(cache=True)
        try:
            data = core.parse_json(raw)
            if _ESCAPED_SURROGATE.search(raw) and not all(map(_encodable, _strings(data))):
                raise json.JSONDecodeError("a lone UTF-16 surrogate escape", raw.decode(), 0)
            if _ESCAPED_NUL.search(raw) and any("\x00" in text for text in _strings(data)):
                raise json.JSONDecodeError("a NUL character (\\u0000) in a string", raw.decode(), 0)
        except RecursionError as exc:
            # Thousands of nested arrays or objects: no schema here nests more than a few.
            abort(400, exc=exc, message=_("The request body is too deeply nested to be read."))
        return data

    def _handle_invalid_json_error(self, error: Exception, req: flask.Request, *args, **kwargs):
        reason = getattr(error, "msg", None) or getattr(error, "reason", None) or str(error)
        abort(
            400,
            exc=error,
            message=_("The request body is not valid JSON: %(reason)s.", reason=reason),
        )


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = JsonParser()
