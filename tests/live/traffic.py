"""Mixed traffic for the load and fault tests, and what the database must hold afterwards.

``Traffic(server, seeded)`` runs client threads against a live server until it is stopped:

- readers: HTML pages (index, article, history, feed) and JSON threads, signed out, some
  with ``If-None-Match``; one signed-in moderator reading HTML pages (the header counts the
  queue, so the account is loaded on every page);
- commenters: ``POST`` comments, each with its own marker in the text and as its
  ``Idempotency-Key``; every tenth is sent twice at once;
- reporters: ``POST`` corrections the same way;
- moderators: the queue of pending corrections, each correction read for its ``version``,
  then accepted (two moderators race for the same items: one gets 200, the other 409).

A write that gets no answer or a 503 is sent again with the same key (or, for an accept, the
correction is read again first), as a well-behaved client would, until it is answered or the
traffic's grace period ends. Every request is recorded as an ``Outcome``. ``exactly_once``
and ``half_done_decisions`` then read the database and list what is wrong, in words.
"""

from __future__ import annotations

import contextlib
import itertools
import random
import re
import secrets
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import requests
from sqlalchemy import create_engine, text

from corrections.config import normalize_database_url
from tests.live.conftest import WEB_TIMEOUT, LiveServer, Seeded

# Quotes that occur once in their section of the demo article (accepting does not change
# the text: the moderators accept without replacing the quoted words).
QUOTES = [
    ("introduction", "412 homes"),
    ("what-happened", "190 rescues"),
    ("who-was-responsible", "1-in-75-year flood"),
    ("what-now", "1,300 homes"),
]
EXPECTED = {
    "read": {200, 304},
    "signed-in read": {200},
    "sign-in": {200, 302},
    "comment": {201, 202},
    "correction": {200, 202},
    "queue": {200},
    "review": {200},
    "accept": {200, 409},
}
WRITES = ("comment", "correction", "accept")
# Clients wait this long after a 503 (its Retry-After says 5 s; the tests are in a hurry).
RETRY_PAUSE = 0.5


@dataclass
class Outcome:
    kind: str
    method: str
    path: str
    started: float
    ended: float
    status: int | None  # None: no answer (connection refused or dropped, time-out)
    marker: str | None = None
    retry_after: str | None = None
    error_code: str | None = None
    problem: str = ""  # the exception, or the start of an unexpected body

    def __str__(self) -> str:
        extra = f" Retry-After={self.retry_after}" if self.retry_after else ""
        return (
            f"{self.kind} {self.method} {self.path} -> {self.status}{extra} {self.problem}"
        ).strip()


@dataclass
class Accepted:
    update: int
    revision: int


@dataclass
class Traffic:
    """Client threads against ``server``; a context manager that stops and joins them."""

    server: LiveServer
    seeded: Seeded
    readers: int = 3
    commenters: int = 2
    reporters: int = 1
    moderators: int = 2
    signed_in_readers: int = 1
    think: float = 0.02  # seconds, at most, between one client's requests
    grace: float = 60.0  # how long unanswered writes are retried once stopping
    run_id: str = field(default_factory=lambda: secrets.token_hex(3))

    def __post_init__(self) -> None:
        self.outcomes: list[Outcome] = []
        self.sent: dict[str, str] = {}  # marker -> "comment" or "correction"
        self.correction_ids: dict[str, str] = {}  # marker -> public id answered
        self.accepted: dict[int, Accepted] = {}  # correction id -> what its 200 said
        self.accept_answers: Counter[int] = Counter()  # correction id -> 200 answers
        self.errors: list[str] = []  # a client thread's own crash
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._deadline = float("inf")
        self._threads: list[threading.Thread] = []
        self._numbers = itertools.count(1)
        self._password = self._demo_password("moderator@demo.invalid")

    # -- running -----------------------------------------------------------------------------

    def __enter__(self) -> Traffic:
        roles = (
            [self._reader] * self.readers
            + [self._signed_in_reader] * self.signed_in_readers
            + [self._commenter] * self.commenters
            + [self._reporter] * self.reporters
            + [self._moderator] * self.moderators
        )
        for n, role in enumerate(roles):
            thread = threading.Thread(target=self._guard, args=(role, n), daemon=True)
            self._threads.append(thread)
            thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        # A failing test (or Ctrl-C) does not wait for retries.
        self.stop(grace=self.grace if exc_type is None else 0.0)

    def stop(self, grace: float | None = None) -> None:
        """Stop starting new work; let retries of unanswered writes finish (``grace``)."""
        grace = self.grace if grace is None else grace
        if not self._stopping.is_set():
            self._deadline = time.monotonic() + grace
            self._stopping.set()
        for thread in self._threads:
            thread.join(timeout=grace + WEB_TIMEOUT + 10)
        alive = [t.name for t in self._threads if t.is_alive()]
        if alive:
            self.errors.append(f"client threads still running after the grace period: {alive}")

    def _guard(self, role: Any, n: int) -> None:
        try:
            role(n)
        except Exception as exc:  # a crash of the test's own client must fail the test
            with self._lock:
                self.errors.append(f"{role.__name__} {n}: {type(exc).__name__}: {exc}")

    def _pause(self) -> None:
        time.sleep(random.uniform(0, self.think))

    def _may_retry(self) -> bool:
        return time.monotonic() < self._deadline

    # -- one request -------------------------------------------------------------------------

    def call(
        self, kind: str, method: str, path: str, *, marker: str | None = None, **kwargs: Any
    ) -> requests.Response | None:
        started = time.monotonic()
        try:
            response = requests.request(
                method, self.server.url(path), timeout=(5, WEB_TIMEOUT + 5), **kwargs
            )
        except requests.RequestException as exc:
            problem = f"{type(exc).__name__}: {exc}"[:300]
            self._record(
                Outcome(
                    kind, method, path, started, time.monotonic(), None, marker, problem=problem
                )
            )
            return None
        status = response.status_code
        code = None
        if response.headers.get("Content-Type", "").startswith("application/json"):
            with contextlib.suppress(ValueError, AttributeError, TypeError):
                code = response.json().get("error", {}).get("code")
        self._record(
            Outcome(
                kind,
                method,
                path,
                started,
                time.monotonic(),
                status,
                marker,
                retry_after=response.headers.get("Retry-After"),
                error_code=code,
                problem="" if status in EXPECTED[kind] else response.text[:300],
            )
        )
        return response

    def _record(self, outcome: Outcome) -> None:
        with self._lock:
            self.outcomes.append(outcome)

    # -- the clients -------------------------------------------------------------------------

    def _reader(self, n: int) -> None:
        slug, keys = self.seeded.slug, self._body_keys()
        etags: dict[str, str] = {}
        paths = [
            "/",
            f"/a/{slug}",
            f"/a/{slug}/history",
            f"/a/{slug}/updates.atom",
            f"/api/v1/articles/{slug}",
            *(f"/api/v1/articles/{slug}/sections/{key}/comments" for key in keys),
        ]
        while not self._stopping.is_set():
            path = random.choice(paths)
            headers = (
                {"If-None-Match": etags[path]} if path in etags and random.random() < 0.5 else {}
            )
            response = self.call("read", "GET", path, headers=headers)
            if response is not None and response.headers.get("ETag"):
                etags[path] = response.headers["ETag"]
            self._pause()

    def _signed_in_reader(self, n: int) -> None:
        """The demo moderator in a browser: signs in through the form, then reads pages (the
        header counts the queue, so every page loads the account and queries the queue)."""
        # Session cookies are Secure in production; over plain loopback HTTP they are sent
        # by hand, as a browser behind a TLS proxy would send them.
        cookies: dict[str, str] = {}
        paths = ["/moderate", f"/a/{self.seeded.slug}", "/moderate?tab=comments", "/account"]
        signed_in = False
        while not self._stopping.is_set():
            if not signed_in:
                signed_in = self._sign_in(cookies)
                if not signed_in:
                    time.sleep(RETRY_PAUSE)
                continue
            path = random.choice(paths)
            response = self.call(
                "signed-in read",
                "GET",
                path,
                headers=self._cookie_header(cookies),
                allow_redirects=False,
            )
            if response is not None:
                cookies.update(response.cookies.get_dict())
            self._pause()

    def _sign_in(self, cookies: dict[str, str]) -> bool:
        page = self.call("sign-in", "GET", "/signin", headers=self._cookie_header(cookies))
        if page is None or page.status_code != 200:
            return False
        cookies.update(page.cookies.get_dict())
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page.text)
        if not found:
            return False
        form = {
            "email": "moderator@demo.invalid",
            "password": self._password,
            "csrf_token": found.group(1),
        }
        done = self.call(
            "sign-in",
            "POST",
            "/signin",
            headers=self._cookie_header(cookies),
            data=form,
            allow_redirects=False,
        )
        if done is None or done.status_code != 302:
            return False
        cookies.update(done.cookies.get_dict())
        return True

    @staticmethod
    def _cookie_header(cookies: dict[str, str]) -> dict[str, str]:
        return {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())} if cookies else {}

    def _commenter(self, n: int) -> None:
        keys = self._body_keys()
        while not self._stopping.is_set():
            number = next(self._numbers)
            marker = self._marker("c", number)
            key = keys[number % len(keys)]
            path = f"/api/v1/articles/{self.seeded.slug}/sections/{key}/comments"
            body = {"body": f"A comment from the load test, {marker}.", "author_name": "Loader"}
            twice = number % 10 == 0
            self._send_until_answered("comment", path, marker, body, twice=twice)
            self._pause()

    def _reporter(self, n: int) -> None:
        while not self._stopping.is_set():
            number = next(self._numbers)
            marker = self._marker("r", number)
            section, quote = QUOTES[number % len(QUOTES)]
            body = {
                "section": section,
                "quote": {"exact": quote},
                "kind": "correction",
                "proposed_text": f"The figure was revised ({marker}).",
                "explanation": "The council published new figures.",
                "links": [f"https://example.org/reports/{marker}"],
                "reporter_name": "Reporter",
            }
            path = f"/api/v1/articles/{self.seeded.slug}/corrections"
            self._send_until_answered("correction", path, marker, body, twice=number % 10 == 0)
            self._pause()

    def _send_until_answered(
        self, kind: str, path: str, marker: str, body: dict[str, Any], *, twice: bool
    ) -> None:
        with self._lock:
            self.sent[marker] = kind
        headers = {"Idempotency-Key": marker}
        if twice:  # the same request twice at the same moment: the database decides
            other = threading.Thread(
                target=self._send_once, args=(kind, path, marker, body, headers), daemon=True
            )
            other.start()
            self._send_once(kind, path, marker, body, headers)
            other.join()
        else:
            self._send_once(kind, path, marker, body, headers)

    def _send_once(
        self, kind: str, path: str, marker: str, body: dict[str, Any], headers: dict[str, str]
    ) -> None:
        while True:
            response = self.call(kind, "POST", path, marker=marker, json=body, headers=headers)
            if response is not None and response.status_code != 503:
                if kind == "correction" and response.status_code in (200, 202):
                    public_id = response.json()["correction"]["id"]
                    with self._lock:
                        known = self.correction_ids.setdefault(marker, public_id)
                        if known != public_id:
                            self.errors.append(f"{marker} answered ids {known} and {public_id}")
                return
            if not self._may_retry():
                return
            time.sleep(RETRY_PAUSE)

    def _moderator(self, n: int) -> None:
        bearer = self.seeded.bearer("moderator")
        queue_path = "/api/v1/moderation/queue?kind=corrections&status=pending&limit=10"
        while not self._stopping.is_set():
            queue = self.call("queue", "GET", queue_path, headers=bearer)
            if queue is None or queue.status_code != 200:
                time.sleep(RETRY_PAUSE)
                continue
            items = queue.json()["items"]
            if not items:
                time.sleep(0.1)
                continue
            if n % 2:
                items.reverse()
            for item in items[:3]:
                self._accept(item["id"], bearer)
                self._pause()

    def _accept(self, correction_id: int, bearer: dict[str, str]) -> None:
        """Read the correction for its version, accept it; after a 503 or a lost answer,
        read it again (it may have been accepted after all) until it is decided."""
        path = f"/api/v1/moderation/corrections/{correction_id}"
        while not self._stopping.is_set():
            review = self.call("review", "GET", path, headers=bearer)
            if review is not None and review.status_code == 200:
                seen = review.json()
                if seen["status"] != "pending":
                    return  # decided by the other moderator, or by our own lost answer
                body = {
                    "update_text": f"Correction {correction_id} accepted by the load test.",
                    "expected_version": seen["version"],
                }
                answer = self.call(
                    "accept",
                    "POST",
                    f"{path}/accept",
                    marker=str(correction_id),
                    headers=bearer,
                    json=body,
                )
                if answer is not None and answer.status_code != 503:
                    if answer.status_code == 200:
                        body = answer.json()
                        with self._lock:
                            self.accept_answers[correction_id] += 1
                            self.accepted[correction_id] = Accepted(
                                body["update"]["number"], body["revision"]["number"]
                            )
                    return
            time.sleep(RETRY_PAUSE)

    # -- helpers -----------------------------------------------------------------------------

    def _marker(self, kind: str, number: int) -> str:
        return f"LOAD-{self.run_id}-{kind}{number:06d}"

    def _body_keys(self) -> list[str]:
        return [key for key in self.seeded.section_keys if key != "update"]

    def _demo_password(self, email: str) -> str:
        path = self.seeded.instance_path / "demo-passwords.txt"
        for line in path.read_text().splitlines():
            name, _, password = line.partition(" ")
            if name == email:
                return password
        raise AssertionError(f"no demo password for {email} in {path}")

    # -- what happened -----------------------------------------------------------------------

    def snapshot(self) -> list[Outcome]:
        with self._lock:
            return list(self.outcomes)

    def successes(self, kind: str, since: float = 0.0) -> int:
        ok = {"comment": {201, 202}, "correction": {202}, "accept": {200}}.get(kind, {200})
        outcomes = self.snapshot()
        return sum(1 for o in outcomes if o.kind == kind and o.started >= since and o.status in ok)

    def wait_for(self, *, since: float = 0.0, timeout: float = 60.0, **at_least: int) -> float:
        """Wait until each kind had that many successes since ``since``; the time it took."""
        started = time.monotonic()
        while True:
            missing = {k: n for k, n in at_least.items() if self.successes(k, since) < n}
            if not missing:
                return time.monotonic() - started
            if self.errors:
                raise AssertionError(f"a client failed: {self.errors}")
            if time.monotonic() - started > timeout:
                counts = {k: self.successes(k, since) for k in at_least}
                wrong = [o for o in self.snapshot() if o.status is None or o.problem]
                raise AssertionError(
                    f"not enough successes in {timeout}s: {counts}; the last answers that "
                    f"were not expected:\n{show(wrong[-5:])}"
                )
            time.sleep(0.1)

    def summary(self) -> str:
        """Answers by kind and status, with the median and slowest time of each kind."""
        outcomes = self.snapshot()
        counts = Counter((o.kind, o.status) for o in outcomes)
        lines = [f"{kind} {status}: {n}" for (kind, status), n in sorted(counts.items(), key=str)]
        for kind in sorted({o.kind for o in outcomes}):
            times = sorted(o.ended - o.started for o in outcomes if o.kind == kind)
            median, slowest = times[len(times) // 2] * 1000, times[-1] * 1000
            lines.append(f"{kind}: median {median:.0f} ms, slowest {slowest:.0f} ms")
        return "\n".join(lines)


# -- what the answers must be ----------------------------------------------------------------


def server_errors(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status is not None and o.status >= 500]


def unclean_unavailable(outcomes: list[Outcome]) -> list[Outcome]:
    """5xx answers that are not a 503 with Retry-After (and ``unavailable`` on the API)."""
    return [
        o
        for o in server_errors(outcomes)
        if o.status != 503
        or not o.retry_after
        or (o.path.startswith("/api/") and o.error_code != "unavailable")
    ]


def unexpected(outcomes: list[Outcome]) -> list[Outcome]:
    """Answers that are neither expected for their kind nor a 503 (nor unanswered)."""
    return [o for o in outcomes if o.status not in (None, 503) and o.status not in EXPECTED[o.kind]]


def unanswered(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.status is None]


def show(outcomes: list[Outcome], limit: int = 15, server: LiveServer | None = None) -> str:
    """The outcomes, and with ``server`` the first errors of its log with their tracebacks."""
    more = f"\n... and {len(outcomes) - limit} more" if len(outcomes) > limit else ""
    logged = "\n".join(unhandled_errors(server)[:3]) if server else ""
    return (
        "\n".join(str(o) for o in outcomes[:limit]) + more + (f"\nlog:\n{logged}" if logged else "")
    )


# -- what the database must hold -------------------------------------------------------------


@contextlib.contextmanager
def connect(database_url: str) -> Iterator[Any]:
    engine = create_engine(normalize_database_url(database_url))
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Baseline:
    """The highest update and revision ids before the traffic (the demo's own)."""

    update_id: int
    revision_id: int


def baseline(database_url: str) -> Baseline:
    with connect(database_url) as conn:
        update = conn.execute(text("SELECT coalesce(max(id), 0) FROM updates")).scalar_one()
        revision = conn.execute(text("SELECT coalesce(max(id), 0) FROM revisions")).scalar_one()
    return Baseline(update, revision)


MARKER = re.compile(r"LOAD-[0-9a-f]{6}-[cr]\d{6}")


def exactly_once(database_url: str, traffic: Traffic) -> list[str]:
    """Every marker sent was answered 2xx in the end and is in the database exactly once;
    no marker is there twice; a correction's row has the id its answer gave."""
    problems: list[str] = []
    with connect(database_url) as conn:
        comments = conn.execute(text("SELECT body_source FROM comments")).scalars().all()
        corrections = conn.execute(text("SELECT proposed_text, public_id FROM corrections")).all()
    found: Counter[str] = Counter()
    ids: dict[str, str] = {}
    for body in comments:
        found.update(MARKER.findall(body))
    for proposed, public_id in corrections:
        for marker in MARKER.findall(proposed):
            found[marker] += 1
            ids[marker] = public_id
    answered = {
        o.marker
        for o in traffic.snapshot()
        if o.marker and o.kind in ("comment", "correction") and o.status in EXPECTED[o.kind]
    }
    for marker, kind in sorted(traffic.sent.items()):
        stored = f"in the database {found[marker]} times"
        if marker not in answered:
            problems.append(f"{kind} {marker} was never answered 2xx ({stored})")
        elif found[marker] != 1:
            problems.append(f"{kind} {marker} was answered 2xx and is {stored}")
    for marker, count in found.items():
        if count > 1 and marker not in traffic.sent:
            problems.append(f"{marker} is in the database {count} times")
    for marker, public_id in traffic.correction_ids.items():
        if ids.get(marker) != public_id:
            problems.append(f"{marker} was answered id {public_id}, stored {ids.get(marker)}")
    return problems


def half_done_decisions(database_url: str, traffic: Traffic, before: Baseline) -> list[str]:
    """An accepted correction has its update and its revision (with every section), and an
    audit entry; nothing of an accept exists without its accepted correction; update and
    revision numbers have no gaps; the article shows its latest revision; every accept
    answered 200 is what the database says."""
    checks = {
        "accepted corrections without an update or revision": """
            SELECT c.id FROM corrections c
            LEFT JOIN updates u ON u.id = c.update_id
            LEFT JOIN revisions r ON r.id = u.revision_id
            WHERE c.status = 'accepted' AND (u.id IS NULL OR r.id IS NULL)""",
        "corrections with an update but not accepted": """
            SELECT id FROM corrections WHERE status <> 'accepted' AND update_id IS NOT NULL""",
        "updates of this run not linked to exactly one accepted correction": """
            SELECT u.id FROM updates u WHERE u.id > :update_id AND (
                SELECT count(*) FROM corrections c
                WHERE c.update_id = u.id AND c.status = 'accepted') <> 1""",
        "revisions of this run that are not one update's": """
            SELECT r.id FROM revisions r WHERE r.id > :revision_id AND (r.kind <> 'update' OR (
                SELECT count(*) FROM updates u WHERE u.revision_id = r.id) <> 1)""",
        "revisions of this run without every section": """
            SELECT r.id FROM revisions r WHERE r.id > :revision_id AND (
                SELECT count(*) FROM revision_sections rs WHERE rs.revision_id = r.id) <> (
                SELECT count(*) FROM revision_sections rs
                WHERE rs.revision_id = (SELECT min(id) FROM revisions
                                        WHERE article_id = r.article_id))""",
        "accepted corrections without exactly one 'accept' in the audit log": """
            SELECT c.id FROM corrections c WHERE c.status = 'accepted' AND (
                SELECT count(*) FROM moderation_actions m
                WHERE m.target_type = 'correction' AND m.target_id = c.id
                  AND m.action = 'accept') <> 1""",
        "'accept' audit entries of corrections not accepted": """
            SELECT m.target_id FROM moderation_actions m
            JOIN corrections c ON c.id = m.target_id
            WHERE m.target_type = 'correction' AND m.action = 'accept'
              AND c.status <> 'accepted'""",
        "articles whose update numbers have gaps or repeats": """
            SELECT article_id FROM updates GROUP BY article_id
            HAVING count(*) <> max(number) OR count(DISTINCT number) <> count(*)""",
        "articles whose revision numbers have gaps or repeats": """
            SELECT article_id FROM revisions GROUP BY article_id
            HAVING count(*) <> max(number) OR count(DISTINCT number) <> count(*)""",
        "articles not showing their latest revision": """
            SELECT a.id FROM articles a JOIN revisions r ON r.id = a.current_revision_id
            WHERE r.number <> (SELECT max(number) FROM revisions WHERE article_id = a.id)""",
    }
    problems: list[str] = []
    params = {"update_id": before.update_id, "revision_id": before.revision_id}
    with connect(database_url) as conn:
        for what, sql in checks.items():
            rows = conn.execute(text(sql), params).scalars().all()
            if rows:
                problems.append(f"{what}: {sorted(rows)[:20]}")
        stored = {
            row.id: row
            for row in conn.execute(
                text(
                    "SELECT c.id, c.status, u.number AS update_number, r.number AS revision"
                    " FROM corrections c LEFT JOIN updates u ON u.id = c.update_id"
                    " LEFT JOIN revisions r ON r.id = u.revision_id"
                )
            )
        }
    for correction_id, answers in traffic.accept_answers.items():
        if answers != 1:
            problems.append(f"correction {correction_id} was accepted {answers} times (200)")
    for correction_id, said in traffic.accepted.items():
        row = stored.get(correction_id)
        if row is None or row.status != "accepted":
            problems.append(f"correction {correction_id} answered 200 but is {row and row.status}")
        elif (row.update_number, row.revision) != (said.update, said.revision):
            problems.append(
                f"correction {correction_id} answered update {said.update} revision "
                f"{said.revision}, stored {row.update_number}/{row.revision}"
            )
    return problems


def request_log_statuses(server: LiveServer) -> Counter[int]:
    """Statuses in the app's JSON request log (one line per request)."""
    found: Counter[int] = Counter()
    for line in server.log_lines_with('"logger": "corrections.request"'):
        status = re.search(r'"status": (\d+)', line)
        if status:
            found[int(status.group(1))] += 1
    return found


def unhandled_errors(server: LiveServer) -> list[str]:
    """Errors the app did not handle (500s) or gunicorn's own failures, each with the
    traceback that follows it in the log."""
    needles = ('"unhandled error"', "Exception in worker", "Error handling request")
    lines = server.log_path.read_text(errors="replace").splitlines()
    found = []
    for i, line in enumerate(lines):
        if any(n in line for n in needles):
            block = [line[:3000]]
            for more in lines[i + 1 : i + 60]:
                if more.startswith(("{", "[")):
                    break
                block.append(more)
            found.append("\n".join(block))
    return found
