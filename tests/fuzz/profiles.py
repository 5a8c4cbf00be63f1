"""Hypothesis settings for the fuzz tests, chosen with ``FUZZ_PROFILE``.

- ``ci`` (the default): derandomized, so every run of ``make test`` tries the same inputs
  and a failure reproduces exactly; a few hundred examples per test, about a second each.
- ``long``: random inputs, ``FUZZ_EXAMPLES`` per test (default 20,000), failures saved in
  the ``.hypothesis`` example database. For a soak run: ``FUZZ_PROFILE=long pytest tests/fuzz``.

The profiles are applied per test (``@FUZZ``), never loaded globally, so the rest of the
suite keeps its own settings.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fuzz-ci",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "300")),
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile(
    "fuzz-long",
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "20000")),
    deadline=None,
    derandomize=False,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

PROFILE = os.environ.get("FUZZ_PROFILE", "ci")
if PROFILE not in ("ci", "long"):
    raise RuntimeError(f"FUZZ_PROFILE must be 'ci' or 'long', not {PROFILE!r}")

FUZZ = settings.get_profile(f"fuzz-{PROFILE}")
"""Decorate a ``@given`` test with this."""


def scaled(fraction: float) -> settings:
    """The same profile with a fraction of its examples, for slower tests (at least 20)."""
    return settings(FUZZ, max_examples=max(20, int(FUZZ.max_examples * fraction)))
