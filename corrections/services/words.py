"""How people read the reason codes that decisions store, in their language.

The codes, and the English reasons written with them into the moderation log, never change;
emails (in the site's language) and pages (in the reader's) read these instead.
"""

from __future__ import annotations

from corrections.i18n import _l
from corrections.models import CorrectionStatus

# Why a correction was rejected (``decisions.REJECT_REASONS``), inside a sentence.
CORRECTION_REASON_WORDS = {
    "not_an_error": _l("not an error"),
    "no_reliable_source": _l("no reliable source"),
    "out_of_scope": _l("out of scope"),
    "spam": _l("spam"),
    "other": _l("other"),
}
# Why a comment was rejected (``moderation.REJECT_REASONS``), inside a sentence.
COMMENT_REASON_WORDS = {
    "off_topic": _l("off topic"),
    "abusive": _l("abusive"),
    "spam": _l("spam"),
    "duplicate": _l("duplicate"),
    "other": _l("other"),
}
# A correction's status, as a word ("accepted", "waiting for information").
CORRECTION_STATUS_WORDS = {
    CorrectionStatus.PENDING: _l("pending"),
    CorrectionStatus.NEEDS_INFO: _l("waiting for information"),
    CorrectionStatus.ACCEPTED: _l("accepted"),
    CorrectionStatus.REJECTED: _l("rejected"),
    CorrectionStatus.DUPLICATE: _l("duplicate"),
    CorrectionStatus.WITHDRAWN: _l("withdrawn"),
}
