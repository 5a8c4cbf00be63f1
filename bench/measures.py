"""What is measured, each against the baseline measured in the same run.

Every measure first checks one response by hand against the database itself (``db_checks``:
the right status, the right number of comments, the queue's oldest pending ids), then drives
load, counting every status; writes are counted in the database afterwards, so each 201 or
200 the load generator saw must have left exactly its row behind. Throughput uses
``connections`` (twice the workers, so no worker waits for the client); latency uses
``latency_connections`` (one per worker, so the time is the service's, not a queue's).
"""

from __future__ import annotations

import http.client
import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench import db_checks, load
from bench.data import Dataset
from bench.load import Request, Result, fetch
from bench.servers import HOST, Server


@dataclass
class Settings:
    seconds: int
    warmup: int
    connections: int
    latency_connections: int


@dataclass
class Outcome:
    """One measure's results: per system, plus what went wrong, if anything."""

    results: dict[str, Result] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Systems:
    ours: Server
    hello: Server
    isso: Server | None
    data: Dataset
    database: Path  # ours
    isso_database: Path | None = None


JSON = {"Content-Type": "application/json", "Accept": "application/json"}
MIN_SAMPLES = 4  # whole-thread walks timed per system, however slow


def _get_json(server: Server, path: str, headers: dict[str, str] | None = None) -> Any:
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        status, _, body = fetch(conn, "GET", path, headers=headers)
    finally:
        conn.close()
    if status != 200:
        raise AssertionError(f"GET {path} on {server.name}: {status} {body[:200]!r}")
    return json.loads(body)


def _isso_count(payload: dict[str, Any]) -> int:
    return len(payload["replies"]) + sum(len(r.get("replies", [])) for r in payload["replies"])


def _check(outcome: Outcome, name: str, result: Result, expected: set[int]) -> Result:
    outcome.results[name] = result
    bad = result.unexpected(expected)
    if bad or not result.requests:
        outcome.problems.append(
            f"{name}: {bad} unexpected of {result.requests} (statuses {result.statuses}, "
            f"errors {result.errors})"
        )
    return result


def ours_thread_path(data: Dataset, key: str, **query: object) -> str:
    base = f"/api/v1/articles/{data.slug}/sections/{key}/comments"
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def small_thread(s: Systems, cfg: Settings) -> Outcome:
    """A 100-comment thread as JSON: all of it in one request on both sides."""
    out = Outcome()
    path = ours_thread_path(s.data, s.data.small_key, limit=200)
    expected = s.data.counts["small thread (service)"]
    in_db = db_checks.section_comments(s.database, s.data.slug, s.data.small_key)
    assert in_db == expected, f"our database has {in_db} published comments, not {expected}"
    got = len(_get_json(s.ours, path)["comments"])
    assert got == expected, f"ours returned {got} of {expected} comments"
    run = dict(seconds=cfg.seconds, connections=cfg.connections, warmup=cfg.warmup)
    _check(out, "ours", load.run(s.ours.port, Request(path, headers=JSON), **run), {200})
    if s.isso:
        isso_path = "/?uri=/thread-small"
        assert s.isso_database is not None
        in_db = db_checks.isso_comments(s.isso_database, "/thread-small")
        assert in_db == expected, f"Isso's database has {in_db} comments, not {expected}"
        got = _isso_count(_get_json(s.isso, isso_path))
        assert got == expected, f"Isso returned {got} of {expected} comments"
        _check(out, "isso", load.run(s.isso.port, Request(isso_path, headers=JSON), **run), {200})
    return out


def _walk_ours(data: Dataset) -> Callable[[http.client.HTTPConnection], list[int]]:
    def walk(conn: http.client.HTTPConnection) -> list[int]:
        statuses, after, seen = [], None, 0
        while True:
            query: dict[str, object] = {"limit": 200}
            if after:
                query["after"] = after
            status, _, body = fetch(
                conn, "GET", ours_thread_path(data, data.large_key, **query), headers=JSON
            )
            statuses.append(status)
            page = json.loads(body)
            seen += len(page["comments"])
            after = page["next"]
            if not after or status != 200:
                break
        if seen != data.counts["large thread"]:
            statuses.append(599)  # counted as unexpected: the walk missed comments
        return statuses

    return walk


def _walk_isso(expected: int) -> Callable[[http.client.HTTPConnection], list[int]]:
    def walk(conn: http.client.HTTPConnection) -> list[int]:
        status, _, body = fetch(conn, "GET", "/?uri=/thread-large", headers=JSON)
        if status == 200 and _isso_count(json.loads(body)) != expected:
            return [status, 599]
        return [status]

    return walk


def large_thread(s: Systems, cfg: Settings) -> Outcome:
    """A 1,000-comment thread, whole: ours by its cursor (pages of 200), Isso in one GET.
    Also our first page at the API's default size, which is what a reader's page asks."""
    out = Outcome()
    expected = s.data.counts["large thread"]
    walkers = [("ours", s.ours, _walk_ours(s.data))]
    if s.isso:
        walkers.append(("isso", s.isso, _walk_isso(expected)))
    for name, server, walk in walkers:
        if cfg.warmup:
            load.closed_loop(server.port, walk, seconds=cfg.warmup, concurrency=1, timeout=60)
        # Isso takes seconds for this thread: wait for it, and for a few samples at least.
        result = load.closed_loop(
            server.port,
            walk,
            seconds=cfg.seconds,
            concurrency=cfg.latency_connections,
            timeout=60,
            min_operations=MIN_SAMPLES,
        )
        _check(out, name, result, {200})
    first = Request(ours_thread_path(s.data, s.data.large_key), headers=JSON)
    result = load.run(
        s.ours.port,
        first,
        seconds=cfg.seconds,
        connections=cfg.latency_connections,
        warmup=cfg.warmup,
    )
    _check(out, "ours_first_page", result, {200})
    return out


def _posted(
    out: Outcome,
    name: str,
    port: int,
    request: Request,
    cfg: Settings,
    count: Callable[[], int],
) -> None:
    """Drive POSTs (warm-up, then measured) and check that every 201 left one published
    comment: the thread grew by the 201s seen, plus at most one in flight per connection
    when each load run stopped (answered after the generator had stopped reading)."""
    before = count()
    created, runs = 0, 1
    if cfg.warmup:
        warm = load.run(port, request, seconds=cfg.warmup, connections=cfg.connections, warmup=0)
        created += warm.statuses.get("201", 0)
        runs += 1
    result = load.run(port, request, seconds=cfg.seconds, connections=cfg.connections, warmup=0)
    created += result.statuses.get("201", 0)
    _check(out, name, result, {201})
    time.sleep(0.5)  # let requests in flight finish
    grown = count() - before
    if not created <= grown <= created + runs * cfg.connections:
        out.problems.append(f"{name}: {created} answered 201 but the thread grew by {grown}")


def post_comment(s: Systems, cfg: Settings) -> Outcome:
    """POST a new comment (Markdown, unique text), published at once on both sides."""
    out = Outcome()
    ours = Request(
        ours_thread_path(s.data, s.data.post_key),
        method="POST",
        headers=JSON,
        post_style="ours",
    )
    _posted(
        out,
        "ours",
        s.ours.port,
        ours,
        cfg,
        lambda: db_checks.section_comments(s.database, s.data.slug, s.data.post_key),
    )
    if s.isso and s.isso_database:
        isso = Request("/new?uri=/thread-post", method="POST", headers=JSON, post_style="isso")
        database = s.isso_database
        _posted(
            out,
            "isso",
            s.isso.port,
            isso,
            cfg,
            lambda: db_checks.isso_comments(database, "/thread-post"),
        )
    return out


def article_page(s: Systems, cfg: Settings) -> Outcome:
    """The article page with its threads (1,000 comments), as a first-time reader gets it."""
    out = Outcome()
    path = f"/a/{s.data.page_slug}"
    check_page(s, path)
    run = dict(seconds=cfg.seconds, connections=cfg.connections, warmup=cfg.warmup)
    _check(out, "ours", load.run(s.ours.port, Request(path), **run), {200})
    return out


THREAD_TITLE = re.compile(r'<h3 class="thread-title" id="th-([^"]+)">(\d+) comments?</h3>')
COMMENT_ITEM = re.compile(r'<li class="comment[ "]')


def check_page(s: Systems, path: str) -> None:
    """The page shows every section's published count, as the database has it, and the
    first page (50) of each thread."""
    conn = http.client.HTTPConnection(HOST, s.ours.port, timeout=30)
    try:
        status, _, body = fetch(conn, "GET", path)
    finally:
        conn.close()
    assert status == 200, f"GET {path}: {status}"
    html = body.decode()
    shown = {key: int(n) for key, n in THREAD_TITLE.findall(html)}
    in_db = db_checks.published_by_section(s.database, s.data.page_slug)
    expected = s.data.counts["page comments"]
    assert sum(in_db.values()) == expected, f"the database has {sum(in_db.values())} comments"
    assert shown == in_db, f"the page shows counts {shown}, the database has {in_db}"
    listed = len(COMMENT_ITEM.findall(html))
    first_pages = sum(min(n, 50) for n in in_db.values())
    assert listed == first_pages, f"the page lists {listed} comments, not {first_pages}"


def validator(server: Server, path: str) -> tuple[str, str]:
    """The session cookie and ETag a reader's first visit gets, checked to give a 304."""
    conn = http.client.HTTPConnection(HOST, server.port, timeout=30)
    try:
        conn.request("GET", path)
        first = conn.getresponse()
        first.read()
        cookies = [c.split(";", 1)[0] for c in first.msg.get_all("Set-Cookie") or []]
        cookie, etag = "; ".join(cookies), first.getheader("ETag") or ""
        conn.close()
        conn.request("GET", path, headers={"Cookie": cookie, "If-None-Match": etag})
        again = conn.getresponse()
        again.read()
    finally:
        conn.close()
    if first.status != 200 or again.status != 304:
        raise AssertionError(f"no 304 for {path}: {first.status}, then {again.status}")
    return cookie, etag


def conditional_get(s: Systems, cfg: Settings) -> Outcome:
    """The article page revalidated (304) against the static floor (hello), same run."""
    out = Outcome()
    path = f"/a/{s.data.page_slug}"
    cookie, etag = validator(s.ours, path)
    run = dict(seconds=cfg.seconds, connections=cfg.connections, warmup=cfg.warmup)
    revalidate = Request(path, headers={"Cookie": cookie, "If-None-Match": etag})
    _check(out, "ours", load.run(s.ours.port, revalidate, **run), {304})
    _check(out, "hello", load.run(s.hello.port, Request("/"), **run), {200})
    # For scale: our cheapest route (no database), through the same Flask app and hooks.
    _check(out, "healthz", load.run(s.ours.port, Request("/healthz"), **run), {200})
    return out


def moderation_queue(s: Systems, cfg: Settings) -> Outcome:
    """The first page of the queue (API, bearer token): comments, then corrections."""
    out = Outcome()
    auth = {"Authorization": f"Bearer {s.data.token}", "Accept": "application/json"}
    for kind in ("comments", "corrections"):
        path = f"/api/v1/moderation/queue?kind={kind}"
        page = _get_json(s.ours, path, auth)
        pending, oldest = db_checks.pending(s.database, kind)
        expected = s.data.counts[f"pending {kind}"]
        assert pending == expected, f"the database has {pending} pending {kind}, not {expected}"
        ids = [item["id"] for item in page["items"]]
        assert ids == oldest, f"the first page lists {ids[:5]}..., not the oldest {oldest[:5]}..."
        result = load.run(
            s.ours.port,
            Request(path, headers=auth),
            seconds=cfg.seconds,
            connections=cfg.latency_connections,
            warmup=cfg.warmup,
        )
        _check(out, kind, result, {200})
    return out


def accept_corrections(s: Systems, cfg: Settings) -> Outcome:
    """Accepting through the API, alternating an article with 0 updates and one with
    10,000, one request at a time (p50 of each)."""
    out = Outcome()
    auth = {"Authorization": f"Bearer {s.data.token}", **JSON}
    body = json.dumps({"update_text": "The figure was corrected.", "expected_version": 1})
    pairs: Iterator[tuple[str, int]] = (
        (label, cid)
        for zero, many in zip(s.data.accept_zero, s.data.accept_many, strict=False)
        for label, cid in (("zero", zero), ("many", many))
    )
    samples: dict[str, list[float]] = {"zero": [], "many": []}
    statuses: dict[str, dict[str, int]] = {"zero": {}, "many": {}}
    accepted: dict[str, list[int]] = {"zero": [], "many": []}
    slugs = {"zero": s.data.accept_zero_slug, "many": s.data.accept_many_slug}
    updates_before = {k: db_checks.updates_of(s.database, slug) for k, slug in slugs.items()}

    def accept_next(conn: http.client.HTTPConnection) -> list[int]:
        label, cid = next(pairs)  # StopIteration ends the loop
        started = time.perf_counter()
        path = f"/api/v1/moderation/corrections/{cid}/accept"
        status, _, _ = fetch(conn, "POST", path, headers=auth, body=body.encode())
        samples[label].append(time.perf_counter() - started)
        statuses[label][str(status)] = statuses[label].get(str(status), 0) + 1
        if status == 200:
            accepted[label].append(cid)
        return [status]

    budget = max(2 * cfg.seconds, 2)
    load.closed_loop(s.ours.port, accept_next, seconds=budget, concurrency=1)
    for label in ("zero", "many"):
        times = samples[label]
        result = Result(
            requests=len(times),
            seconds=sum(times),
            p50_ms=load.percentile(times, 50),
            p99_ms=load.percentile(times, 99),
            statuses=statuses[label],
            tool="python-threads",
        )
        _check(out, label, result, {200})
        done = accepted[label]
        in_db = db_checks.corrections_with_status(s.database, done, "accepted")
        grown = db_checks.updates_of(s.database, slugs[label]) - updates_before[label]
        if in_db != len(done) or grown != len(done):
            out.problems.append(
                f"accept {label}: {len(done)} answered 200, {in_db} accepted in the database, "
                f"{grown} new updates"
            )
    return out


def memory(s: Systems) -> Outcome:
    """Resident memory of each gunicorn worker after the run (/proc/<pid>/status)."""
    out = Outcome()
    for name, server in (("ours", s.ours), ("isso", s.isso), ("hello", s.hello)):
        if server is not None:
            out.extra[name] = server.worker_rss_kib()
    return out


MEASURES: dict[str, Callable[[Systems, Settings], Outcome]] = {
    "small_thread": small_thread,
    "large_thread": large_thread,
    "post_comment": post_comment,
    "article_page": article_page,
    "conditional_get": conditional_get,
    "moderation_queue": moderation_queue,
}
