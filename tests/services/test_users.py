"""Accounts' rules: email addresses."""

from __future__ import annotations

import pytest

from corrections.services.errors import Invalid
from corrections.services.users import SHOWN_EMAIL_CHARS, normalize_email


def test_an_email_is_trimmed_and_lower_cased():
    assert normalize_email("  Ann@Example.ORG ") == "ann@example.org"


def test_a_refused_email_is_quoted_in_the_message():
    with pytest.raises(Invalid, match="'not an email' is not an email address"):
        normalize_email("not an email")


def test_a_huge_refused_email_is_not_echoed_whole():
    with pytest.raises(Invalid) as caught:
        normalize_email("x" * 5_000)
    message = caught.value.message
    assert len(message) < SHOWN_EMAIL_CHARS + 40
    assert message.startswith("'" + "x" * SHOWN_EMAIL_CHARS + "…'")
