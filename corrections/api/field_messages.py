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

from corrections.i18n import _


def N_(text: str) -> str:  # noqa: N802 - gettext's name for "extract this, translate later"
    return text


# The English of marshmallow 3/4 and webargs, written with named placeholders.
MESSAGES = (
    N_("Unknown field."),
    N_("Missing data for required field."),
    N_("Field may not be null."),
    N_("Invalid value."),
    N_("Invalid input type."),
    N_("Invalid type."),
    N_("Not a valid string."),
    N_("Not a valid utf-8 string."),
    N_("Not a valid integer."),
    N_("Not a valid number."),
    N_("Number too large."),
    N_("Not a valid boolean."),
    N_("Not a valid list."),
    N_("Not a valid mapping type."),
    N_("Not a valid email address."),
    N_("Not a valid URL."),
    N_("Not a valid date."),
    N_("Not a valid datetime."),
    N_("Length must be between %(min)s and %(max)s."),
    N_("Length must be %(equal)s."),
    N_("Longer than maximum length %(max)s."),
    N_("Shorter than minimum length %(min)s."),
    N_("Must be one of: %(choices)s."),
    N_("Must be greater than or equal to %(min)s and less than or equal to %(max)s."),
    N_("Must be greater than or equal to %(min)s."),
    N_("Must be less than or equal to %(max)s."),
)
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


@cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    found = []
    for english in MESSAGES:
        parts = PLACEHOLDER.split(english)
        # Literal text at even positions, placeholder names at odd ones.
        regex = "".join(
            re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+?)"
            for index, part in enumerate(parts)
        )
        found.append((re.compile(f"^{regex}$"), english))
    return tuple(found)


def translated(value: Any) -> Any:
    """``value`` (a message, or lists and dicts of them, as marshmallow nests them) with each
    known English message in the request's language."""
    if isinstance(value, dict):
        return {key: translated(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [translated(item) for item in value]
    if isinstance(value, str):
        for pattern, english in _patterns():
            match = pattern.match(value)
            if match:
                return _(english, **match.groupdict())
    return value
