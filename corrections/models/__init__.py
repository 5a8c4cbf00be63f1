"""Data and invariants, one module per part of the domain."""

from corrections.models.article import (
    Article,
    Revision,
    RevisionKind,
    RevisionSection,
    Section,
    SectionKind,
    SectionText,
    Update,
)
from corrections.models.user import Role, User

__all__ = [
    "Article",
    "Revision",
    "RevisionKind",
    "RevisionSection",
    "Role",
    "Section",
    "SectionKind",
    "SectionText",
    "Update",
    "User",
]
