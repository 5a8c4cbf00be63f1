"""Load over loopback: wrk (Debian's package) when installed, else a bounded asyncio client.

Every run is bounded in time (``seconds``, plus an unmeasured warm-up) and in connections.
``closed_loop`` is for operations of several requests (walking a thread page by page) or
sequential writes: a few client threads, each timing whole operations.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import json
import math
import os
import random
import shutil
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.servers import HOST

WRK_SCRIPT = Path(__file__).resolve().parent / "wrk.lua"
TIMEOUT_S = 10


@dataclass
class Result:
    """What one measure saw: requests (or operations) per second and latency."""

    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    statuses: dict[str, int] = field(default_factory=dict)
    errors: int = 0  # connect/read/write errors and time-outs
    tool: str = ""

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def unexpected(self, expected: set[int]) -> int:
        """Responses with another status than ``expected``, plus transport errors."""
        other = sum(n for code, n in self.statuses.items() if int(code) not in expected)
        return other + self.errors


@dataclass(frozen=True)
class Request:
    path: str
    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    post_style: str | None = None  # "ours" or "isso": a new comment's JSON per request


def wrk_path() -> str | None:
    return None if os.environ.get("BENCH_NO_WRK") else shutil.which("wrk")


def tool_name() -> str:
    return "wrk" if wrk_path() else "python-asyncio"


def percentile(samples: list[float], p: float) -> float:
    """Nearest-rank percentile of ``samples`` (seconds), in milliseconds."""
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] * 1000


def run(port: int, request: Request, *, seconds: int, connections: int, warmup: int) -> Result:
    """Drive ``request`` for ``seconds`` after ``warmup`` unmeasured seconds."""
    if wrk_path():
        if warmup:
            _wrk(port, request, warmup, connections)
        return _wrk(port, request, seconds, connections)
    if warmup:
        asyncio.run(_python_load(port, request, warmup, connections))
    return asyncio.run(_python_load(port, request, seconds, connections))


def _wrk(port: int, request: Request, seconds: int, connections: int) -> Result:
    env = dict(os.environ)
    env["BENCH_METHOD"] = request.method
    env["BENCH_HEADERS"] = "\n".join(f"{k}: {v}" for k, v in request.headers.items())
    env.pop("BENCH_POST_STYLE", None)
    if request.post_style:
        env["BENCH_POST_STYLE"] = request.post_style
    argv = [
        str(wrk_path()),
        "-t1",
        f"-c{connections}",
        f"-d{max(1, seconds)}s",
        f"--timeout={TIMEOUT_S}s",
        "-s",
        str(WRK_SCRIPT),
        f"http://{HOST}:{port}{request.path}",
    ]
    done = subprocess.run(
        argv, env=env, capture_output=True, text=True, check=False, timeout=seconds + 60
    )
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr or done.stdout}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    errors = sum(data[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return Result(
        requests=data["requests"],
        seconds=data["duration_us"] / 1e6,
        p50_ms=data["p50_us"] / 1000,
        p99_ms=data["p99_us"] / 1000,
        statuses=data["statuses"],
        errors=errors,
        tool="wrk",
    )


def comment_json(style: str, tag: str, rng: random.Random) -> bytes:
    """A new comment with Markdown, as the wrk script writes them."""
    words = "the river rose faster than expected and the wall was overtopped".split()
    text = f"Bench comment {tag}: {' '.join(rng.choices(words, k=14))}.\n\nThe *gauge* was low."
    name, email = f"Bench Reader {tag}", f"reader{rng.randrange(50)}@example.org"
    if style == "ours":
        body = {"body": text, "author_name": name, "author_email": email}
    else:
        body = {"text": text, "author": name, "email": email}
    return json.dumps(body).encode()


def _encode(port: int, request: Request, body: bytes | None) -> bytes:
    lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {HOST}:{port}"]
    lines += [f"{k}: {v}" for k, v in request.headers.items()]
    if body is not None:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + (body or b"")


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; return its status and whether the server closes the connection."""
    status_line = await reader.readline()
    if not status_line:
        raise ConnectionError("closed before a response")
    status = int(status_line.split()[1])
    length, chunked, close = None, False, False
    while True:
        line = (await reader.readline()).decode("latin-1").strip()
        if not line:
            break
        name, _, value = line.partition(":")
        name, value = name.strip().lower(), value.strip().lower()
        if name == "content-length":
            length = int(value)
        elif name == "transfer-encoding" and "chunked" in value:
            chunked = True
        elif name == "connection" and value == "close":
            close = True
    if chunked:
        while True:
            size = int((await reader.readline()).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    elif length is not None:
        await reader.readexactly(length)
    elif status not in (204, 304):
        await reader.read()
        close = True
    return status, close


async def _python_load(port: int, request: Request, seconds: int, connections: int) -> Result:
    deadline = time.monotonic() + seconds
    samples: list[float] = []
    statuses: Counter[str] = Counter()
    errors = 0

    async def connection(index: int) -> None:
        nonlocal errors
        rng = random.Random(index)
        reader = writer = None
        sent = 0
        while time.monotonic() < deadline:
            body = None
            if request.post_style:
                sent += 1
                body = comment_json(request.post_style, f"{index}-{sent}-{time.time_ns()}", rng)
            try:
                if writer is None:
                    reader, writer = await asyncio.open_connection(HOST, port)
                assert reader is not None
                started = time.perf_counter()
                writer.write(_encode(port, request, body))
                await writer.drain()
                status, close = await asyncio.wait_for(_read_response(reader), TIMEOUT_S)
                samples.append(time.perf_counter() - started)
                statuses[str(status)] += 1
            except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError):
                errors += 1
                close = True
            if close and writer is not None:
                writer.close()
                with contextlib.suppress(OSError):
                    await writer.wait_closed()
                reader = writer = None

    started = time.monotonic()
    await asyncio.gather(*(connection(i) for i in range(connections)))
    return Result(
        requests=len(samples),
        seconds=time.monotonic() - started,
        p50_ms=percentile(samples, 50),
        p99_ms=percentile(samples, 99),
        statuses=dict(statuses),
        errors=errors,
        tool="python-asyncio",
    )


Operation = Callable[[http.client.HTTPConnection], list[int]]


def closed_loop(
    port: int,
    operation: Operation,
    *,
    seconds: float,
    concurrency: int,
    max_operations: int | None = None,
    min_operations: int = 0,
    timeout: float = TIMEOUT_S,
) -> Result:
    """``concurrency`` threads repeat ``operation`` (one or more requests, returning their
    statuses) until ``seconds`` pass or ``max_operations`` are done; each is timed whole.
    Past ``seconds`` they go on until ``min_operations`` are done, for at most ``seconds``
    plus 4 × ``timeout``. ``timeout`` bounds each request."""
    started_at = time.monotonic()
    soft_deadline = started_at + seconds
    hard_deadline = soft_deadline + 4 * timeout
    samples: list[float] = []
    statuses: Counter[str] = Counter()
    lock = threading.Lock()
    errors = 0

    def more() -> bool:
        now = time.monotonic()
        with lock:
            if max_operations is not None and len(samples) >= max_operations:
                return False
            return now < soft_deadline or (len(samples) < min_operations and now < hard_deadline)

    def worker() -> None:
        nonlocal errors
        conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
        while more():
            started = time.perf_counter()
            try:
                codes = operation(conn)
            except StopIteration:
                return
            except (OSError, http.client.HTTPException):
                with lock:
                    errors += 1
                conn.close()
                continue
            elapsed = time.perf_counter() - started
            with lock:
                samples.append(elapsed)
                statuses.update(str(c) for c in codes)
        conn.close()

    pool = [threading.Thread(target=worker, daemon=True) for _ in range(concurrency)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(max(0.0, hard_deadline - time.monotonic()) + 2 * timeout)
    return Result(
        requests=len(samples),
        seconds=time.monotonic() - started_at,
        p50_ms=percentile(samples, 50),
        p99_ms=percentile(samples, 99),
        statuses=dict(statuses),
        errors=errors,
        tool="python-threads",
    )


def fetch(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    *,
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One request on a kept connection (reopened by http.client when the server closed it)."""
    conn.request(method, path, body=body, headers=headers or {})
    response = conn.getresponse()
    data = response.read()
    if response.will_close:
        conn.close()
    return response.status, {k.lower(): v for k, v in response.getheaders()}, data
