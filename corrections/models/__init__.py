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
from corrections.models.correction import (
    OPEN_STATUSES,
    Correction,
    CorrectionKind,
    CorrectionLink,
    CorrectionStatus,
)
from corrections.models.discussion import (
    Anchor,
    AnchorState,
    Comment,
    CommentEdit,
    CommentStatus,
    Flag,
    FlagReason,
)
from corrections.models.draft import Draft
from corrections.models.moderation import (
    ApiToken,
    Ban,
    BanKind,
    LoginFailure,
    ModerationAction,
    OutboxMessage,
    WordKind,
    WordRule,
)
from corrections.models.user import Role, User

__all__ = [
    "OPEN_STATUSES",
    "Anchor",
    "AnchorState",
    "ApiToken",
    "Article",
    "Ban",
    "BanKind",
    "Comment",
    "CommentEdit",
    "CommentStatus",
    "Correction",
    "CorrectionKind",
    "CorrectionLink",
    "CorrectionStatus",
    "Draft",
    "Flag",
    "FlagReason",
    "LoginFailure",
    "ModerationAction",
    "OutboxMessage",
    "Revision",
    "RevisionKind",
    "RevisionSection",
    "Role",
    "Section",
    "SectionKind",
    "SectionText",
    "Update",
    "User",
    "WordKind",
    "WordRule",
]
