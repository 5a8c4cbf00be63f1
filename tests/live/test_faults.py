"""Faults under load: PostgreSQL restarted, and gunicorn workers killed, in the middle of
accepting corrections (the traffic of ``tests/live/traffic.py``, gunicorn with 2 workers).

PostgreSQL restarted (``restartable_postgres``: a throwaway cluster of the test's own, so no
one else's server goes down; ``LIVE_PG_RESTART=cluster`` restarts the machine's cluster with
``pg_ctlcluster`` instead, for a CI machine nobody shares). It is stopped (``fast``: every
connection ends, open transactions roll back) when an accept has written its rows but not
yet committed, if one is caught in time, and started again ``LIVE_PG_OUTAGE_SECONDS`` later:

- every request made while it was down is answered a clean 503 with ``Retry-After`` (the
  API's ``unavailable`` error), signed-in pages included; no other 5xx, no dropped request;
- the service recovers by itself: the same master and the same workers (none restarted,
  none killed for a time-out) serve comments, corrections, accepts and signed-in pages again;
- the writes clients sent again with their ``Idempotency-Key`` are stored exactly once, and
  no correction is half-accepted (status, update and revision all there or none).

A worker killed (SIGKILL, ``LIVE_WORKER_KILLS`` times) while it holds an accept's transaction
open with rows written (seen in ``pg_stat_activity``): the master starts another, the killed
request's client gets no answer and tries again, nothing else is lost, no answer is a 5xx,
and the same guarantees hold in the database.

PostgreSQL only (CI's second pass); skipped on SQLite.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.live.conftest import (
    LiveServer,
    owner_of_local_port,
    postgres_pass_only,
    prepare_database,
)
from tests.live.traffic import (
    Traffic,
    baseline,
    exactly_once,
    half_done_decisions,
    request_log_statuses,
    server_errors,
    show,
    unanswered,
    unclean_unavailable,
    unexpected,
    unhandled_errors,
)

pytestmark = [pytest.mark.live, postgres_pass_only]

OUTAGE_SECONDS = float(os.environ.get("LIVE_PG_OUTAGE_SECONDS", "3"))
WORKER_KILLS = int(os.environ.get("LIVE_WORKER_KILLS", "4"))

# A backend inside an accept that has already written (it holds a transaction id): it has
# locked the article, or changed the correction's status, or inserted the revision/update.
ACCEPT_IN_FLIGHT = text(
    r"""
    SELECT client_port FROM pg_stat_activity
    WHERE datname = current_database() AND pid <> pg_backend_pid()
      AND backend_xid IS NOT NULL AND client_port IS NOT NULL
      AND (query ~* '^SELECT articles\..* FOR UPDATE'
           OR query ~* '^UPDATE corrections SET status'
           OR query ~* '^INSERT INTO (revisions|revision_sections|updates|moderation_actions)\M')
    LIMIT 1
    """
)


@contextlib.contextmanager
def accept_watcher(database_url: str) -> Iterator:
    """``wait(timeout)``: the client port of a backend caught in the middle of an accept."""
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    conn = engine.connect()

    def wait(timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            port = conn.execute(ACCEPT_IN_FLIGHT).scalar()
            if port is not None:
                return int(port)
            time.sleep(0.002)
        return None

    try:
        yield wait
    finally:
        with contextlib.suppress(Exception):
            conn.close()
        engine.dispose()


def check_the_database(seeded, traffic: Traffic, before) -> None:
    problems = exactly_once(seeded.database_url, traffic)
    assert not problems, problems
    problems = half_done_decisions(seeded.database_url, traffic, before)
    assert not problems, problems


def check_the_log(server: LiveServer) -> None:
    assert not unhandled_errors(server), "\n".join(unhandled_errors(server)[:10])
    logged = request_log_statuses(server)
    assert not any(status >= 500 and status != 503 for status in logged), logged


def test_a_postgresql_restart_under_load_is_a_clean_503_and_the_service_recovers(
    restartable_postgres, restartable_database: str, live_dir: Path, live_server
) -> None:
    seeded = prepare_database(restartable_database, live_dir / "instance")
    server = live_server(seeded, workers=2)
    workers = server.worker_pids()
    before = baseline(seeded.database_url)

    with Traffic(server, seeded) as traffic:
        traffic.wait_for(comment=3, correction=3, accept=3, timeout=60)
        with accept_watcher(seeded.database_url) as accept_in_flight:
            caught = accept_in_flight(timeout=10) is not None
        stopping = time.monotonic()
        restartable_postgres.stop("fast")
        down = time.monotonic()
        time.sleep(OUTAGE_SECONDS)
        starting = time.monotonic()
        restartable_postgres.start()
        restartable_postgres.wait_ready()
        up = time.monotonic()
        recovered_in = traffic.wait_for(
            since=up, comment=3, correction=3, accept=3, **{"signed-in read": 3}, timeout=60
        )
        time.sleep(2)
    outcomes = traffic.snapshot()
    print(
        f"\nstopped PostgreSQL in {down - stopping:.1f} s (an accept in flight: {caught}), "
        f"started it in {up - starting:.1f} s; the service wrote again {recovered_in:.1f} s "
        f"later\n{traffic.summary()}"
    )

    assert not traffic.errors, traffic.errors
    # While the database was down, every request that needs it was a clean 503.
    outage = [o for o in outcomes if down <= o.started and o.ended <= starting]
    needing_it = [o for o in outage if o.kind != "sign-in"]
    assert needing_it, "no request was made while PostgreSQL was down"
    not_503 = [o for o in needing_it if o.status != 503]
    assert not not_503, show(not_503, server=server)
    assert not unclean_unavailable(outcomes), show(unclean_unavailable(outcomes), server=server)
    assert not unanswered(outcomes), show(unanswered(outcomes), server=server)
    assert not unexpected(outcomes), show(unexpected(outcomes), server=server)
    kinds = {o.kind for o in needing_it}
    assert kinds >= {"read", "signed-in read", "comment", "correction"}, kinds
    assert kinds & {"queue", "review", "accept"}, kinds
    # Recovered without a restart of its own: the same master and the same workers.
    assert server.process.poll() is None and server.worker_pids() == workers
    check_the_log(server)
    check_the_database(seeded, traffic, before)


def test_killing_workers_in_the_middle_of_accepts_leaves_no_half_accepted_correction(
    live_postgres_database: str, live_dir: Path, live_server
) -> None:
    seeded = prepare_database(live_postgres_database, live_dir / "instance")
    server = live_server(seeded, workers=2)
    before = baseline(seeded.database_url)
    kills: list[tuple[int, bool]] = []  # (worker pid, caught in the middle of an accept)

    with (
        Traffic(
            server, seeded, readers=1, commenters=1, reporters=2, signed_in_readers=0
        ) as traffic,
        accept_watcher(seeded.database_url) as accept_in_flight,
    ):
        traffic.wait_for(accept=3, timeout=60)
        for _ in range(WORKER_KILLS):
            workers = server.worker_pids()
            port = accept_in_flight(timeout=10)
            pid = owner_of_local_port(workers, port) if port is not None else None
            kills.append((pid or min(workers), pid is not None))
            os.kill(kills[-1][0], signal.SIGKILL)  # one of this test's own gunicorn workers
            replaced = wait_for_replacement(server, kills[-1][0])
            traffic.wait_for(since=replaced, accept=2, correction=2, timeout=60)
    outcomes = traffic.snapshot()
    print(f"\nkilled {kills} (pid, in the middle of an accept)\n{traffic.summary()}")

    assert not traffic.errors, traffic.errors
    assert any(caught for _, caught in kills), "no kill landed in the middle of an accept"
    assert not server_errors(outcomes), show(server_errors(outcomes), server=server)
    # A sync worker serves one request at a time: each kill drops at most that one.
    assert len(unanswered(outcomes)) <= len(kills), show(unanswered(outcomes), server=server)
    assert not unexpected(outcomes), show(unexpected(outcomes), server=server)
    assert server.process.poll() is None and len(server.worker_pids()) == 2
    check_the_log(server)
    check_the_database(seeded, traffic, before)


def wait_for_replacement(server: LiveServer, killed: int, timeout: float = 30) -> float:
    """Wait until the master has replaced the killed worker; the moment it had."""
    deadline = time.monotonic() + timeout
    while True:
        pids = server.worker_pids()
        if killed not in pids and len(pids) == server.workers:
            return time.monotonic()
        if time.monotonic() > deadline:
            raise AssertionError(f"worker {killed} not replaced in {timeout}s: {pids}")
        time.sleep(0.05)
