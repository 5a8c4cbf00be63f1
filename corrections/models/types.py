"""Column helpers shared by the models."""

from __future__ import annotations

import enum

from sqlalchemy import Enum


def str_enum(enum_class: type[enum.Enum], length: int = 20) -> Enum:
    """Store a Python Enum by value as a short string with a CHECK constraint.

    Non-native enums keep migrations simple on both SQLite and PostgreSQL.
    """
    return Enum(
        enum_class,
        native_enum=False,
        create_constraint=True,
        length=length,
        validate_strings=True,
        values_callable=lambda members: [m.value for m in members],
        name=enum_class.__name__.lower(),
    )
