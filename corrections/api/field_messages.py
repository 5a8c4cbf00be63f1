"""The API's field errors in the reader's language.

marshmallow and webargs write their field messages in English ("Unknown field.", "Length must
be between 1 and 80."). Each known message is matched here and read through the catalog, so
an API client that sends ``Accept-Language: de`` gets every sentence of an error in German;
a message not listed (a schema's own, already marked) passes unchanged.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from corrections.i18n import _l

# The English of marshmallow 3/4 and webargs, written with named placeholders.
MESSAGES = (
    _l("Unknown field."),
    _l("Missing data for required field."),
    _l("Field may not be null."),
    _l("Invalid value."),
    _l("Invalid input type."),
    _l("Invalid type."),
    _l("Not a valid string."),
    _l("Not a valid utf-8 string."),
    _l("Not a valid integer."),
    _l("Not a valid number."),
    _l("Number too large."),
    _l("Not a valid boolean."),
    _l("Not a valid list."),
    _l("Not a valid mapping type."),
    _l("Not a valid email address."),
    _l("Not a valid URL."),
    _l("Not a valid date."),
    _l("Not a valid datetime."),
    _l("Length must be between %(min)s and %(max)s."),
    _l("Length must be %(equal)s."),
    _l("Longer than maximum length %(max)s."),
    _l("Shorter than minimum length %(min)s."),
    _l("Must be one of: %(choices)s."),
    _l("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    _l("Must be greater than or equal to %(min)s."),
    _l("Must be less than or equal to %(max)s."),
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], Any], ...]:
    found = []
    for message in MESSAGES:
        english = message._args[0]  # the msgid, whatever the request's language
        parts = PLACEHOLDER.split(english)
        # Literal text at even positions, placeholder names at odd ones.
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        found.append((re.compile(f"^{regex}$"), message))
    return tuple(found)


def translated(value: Any) -> Any:
    """``value`` (a message, or lists and dicts of them, as marshmallow nests them) with each
    known English message in the request's language."""
    if isinstance(value, dict):
        return {key: translated(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [translated(item) for item in value]
    if isinstance(value, str):
        for pattern, message in _patterns():
            match = pattern.match(value)
            if match:
                return str(message) % match.groupdict() if match.groupdict() else str(message)
    return value
