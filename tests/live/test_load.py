"""Two minutes of mixed traffic against gunicorn on PostgreSQL: no 5xx, exactly once.

Readers (signed out, and a signed-in moderator), commenters, a reporter and two moderators
accepting corrections (see ``tests/live/traffic.py``) run at once against gunicorn with two
workers and production settings, on a PostgreSQL database of the test's own. Afterwards:

- no answer was a 5xx, and every request was answered (no dropped connection, no worker
  killed for a time-out: the same workers serve from start to end);
- every answer was one its request expects (200/304 for reads, 201/202 for a comment, 202 or
  a 200 repeat for a correction, 200 or 409 for an accept);
- every comment and correction sent (some of them twice at the same moment with the same
  ``Idempotency-Key``) is in the database exactly once, and a correction has the id its
  answer gave;
- every accepted correction has its update, revision and audit entry, nothing of an accept
  exists without its accepted correction, numbers have no gaps, no correction was accepted
  twice, and each 200 says what the database holds.

``LIVE_LOAD_SECONDS`` (default 120) sets the length. Runs on PostgreSQL only (CI's second
pass, with ``TEST_DATABASE_URL``); on SQLite it is skipped, since one writer at a time is
SQLite's design, not something to load-test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.live.conftest import postgres_pass_only, prepare_database
from tests.live.traffic import (
    Traffic,
    baseline,
    exactly_once,
    half_done_decisions,
    request_log_statuses,
    server_errors,
    show,
    unanswered,
    unexpected,
    unhandled_errors,
)

LOAD_SECONDS = float(os.environ.get("LIVE_LOAD_SECONDS", "120"))

pytestmark = [pytest.mark.live, postgres_pass_only]


def test_two_minutes_of_mixed_traffic_answer_no_5xx_and_store_every_write_once(
    live_postgres_database: str, live_dir: Path, live_server
) -> None:
    seeded = prepare_database(live_postgres_database, live_dir / "instance")
    server = live_server(seeded, workers=2)
    workers = server.worker_pids()
    before = baseline(seeded.database_url)

    started = time.monotonic()
    with Traffic(server, seeded) as traffic:
        traffic.wait_for(comment=1, correction=1, accept=1, read=1, timeout=60)
        time.sleep(max(0.0, LOAD_SECONDS - (time.monotonic() - started)))
    outcomes = traffic.snapshot()
    print(f"\n{len(outcomes)} requests in {time.monotonic() - started:.0f} s:\n{traffic.summary()}")

    assert not traffic.errors, traffic.errors
    assert not server_errors(outcomes), show(server_errors(outcomes), server=server)
    assert not unanswered(outcomes), show(unanswered(outcomes), server=server)
    assert not unexpected(outcomes), show(unexpected(outcomes), server=server)
    assert server.process.poll() is None and server.worker_pids() == workers
    assert not unhandled_errors(server), "\n".join(unhandled_errors(server)[:10])
    logged = request_log_statuses(server)
    assert not any(status >= 500 for status in logged), logged

    assert not (problems := exactly_once(seeded.database_url, traffic)), problems
    problems = half_done_decisions(seeded.database_url, traffic, before)
    assert not problems, problems
    # Not vacuous: every kind of client did its work many times over.
    for kind in ("read", "signed-in read", "comment", "correction", "accept"):
        assert traffic.successes(kind) >= 10, traffic.summary()
    assert len(traffic.sent) >= 20 and len(traffic.accepted) >= 10
