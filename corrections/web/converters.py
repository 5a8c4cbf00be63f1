"""URL converters: ``<int:...>`` only matches numbers an ``INTEGER`` column can hold.

A path such as ``/moderate/corrections/99999999999999999999`` names nothing, so it is a 404
like any other unknown id, instead of an out-of-range error from the database.
"""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from corrections.db import DB_INT_MAX


class DatabaseIntConverter(IntegerConverter):
    def __init__(self, map, *args, **kwargs) -> None:  # noqa: A002 - werkzeug's name
        kwargs.setdefault("max", DB_INT_MAX)
        super().__init__(map, *args, **kwargs)


def register(app: Flask) -> None:
    """Before any blueprint adds its rules."""
    app.url_map.converters["int"] = DatabaseIntConverter
