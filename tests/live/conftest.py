"""Live tests: the app under gunicorn on a free loopback port, as it runs in production.

- ``running_server(database_url, ...)`` starts ``gunicorn -c gunicorn.conf.py`` in its own
  process group with ``CORRECTIONS_ENV=production``, waits for ``/readyz``, and stops the
  whole group (SIGTERM, then SIGKILL) in a ``finally``; ``live_server`` is the fixture form.
- ``prepare_database(url)`` migrates a database (``flask db upgrade``), loads the demo
  (``corrections.cli.load_demo``) and makes API tokens for the demo moderator and author.
- ``live_postgres_database`` is a PostgreSQL database of the test's own,
  ``<name>_run_<pid>_<label>`` on the server of ``TEST_DATABASE_URL``, dropped afterwards.
- ``restartable_postgres`` is a PostgreSQL server a fault test may stop and start: by
  default a throwaway one (initdb in a temporary folder, its own port), so that nobody
  else's server is touched; ``restartable_database`` is a database of the test's own on it.
- ``owner_of_local_port(pids, port)`` says which of those processes (gunicorn workers) holds
  the TCP connection whose local port PostgreSQL reports as a backend's ``client_port``.

Everything here talks to 127.0.0.1 only. Rate limits are off in the server under test
(the load comes from one address); they have tests of their own.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, make_url, text

from corrections.config import normalize_database_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
TEST_DATABASE_URL = normalize_database_url(os.environ.get("TEST_DATABASE_URL", ""))
ON_POSTGRES = TEST_DATABASE_URL.startswith("postgresql")
# gunicorn's worker timeout in the server under test; no request may take longer.
WEB_TIMEOUT = int(os.environ.get("LIVE_WEB_TIMEOUT", "30"))
DEMO_SLUG = "ashcombe-flood"

needs_postgres = pytest.mark.skipif(
    not ON_POSTGRES, reason="needs PostgreSQL: set TEST_DATABASE_URL=postgresql://..."
)
# The load and fault tests run once, in the PostgreSQL pass of ``make test``.
postgres_pass_only = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="load and fault tests run against PostgreSQL only, in the PostgreSQL pass "
    "(set TEST_DATABASE_URL=postgresql://...); SQLite takes one writer at a time by design",
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def owner_of_local_port(pids: set[int], port: int) -> int | None:
    """Which of ``pids`` holds the TCP socket bound to local ``port`` (Linux ``/proc``)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                if int(fields[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(f"socket:[{fields[9]}]")
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    if os.readlink(fd) in inodes:
                        return pid
    return None


def children_of(pid: int) -> set[int]:
    """The live child processes of ``pid`` (gunicorn's workers, for its master)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # "pid (comm) state ppid ...": comm may hold spaces and parentheses.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid and fields[0] != "Z":
            found.add(int(entry.name))
    return found


# -- the server ------------------------------------------------------------------------------


@dataclass
class LiveServer:
    base_url: str
    database_url: str
    process: subprocess.Popen
    log_path: Path
    workers: int

    @property
    def master_pid(self) -> int:
        return self.process.pid

    def worker_pids(self) -> set[int]:
        return children_of(self.master_pid)

    def wait_for_workers(self, count: int | None = None, timeout: float = 30) -> set[int]:
        """Wait until the master has ``count`` workers (default: as configured)."""
        count = self.workers if count is None else count
        deadline = time.monotonic() + timeout
        while True:
            pids = self.worker_pids()
            if len(pids) == count:
                return pids
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn has workers {pids}, expected {count}")
            time.sleep(0.1)

    def url(self, path: str) -> str:
        return self.base_url + path

    def log_tail(self, lines: int = 60) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return "(no log)"

    def log_lines_with(self, needle: str) -> list[str]:
        return [
            line
            for line in self.log_path.read_text(errors="replace").splitlines()
            if needle in line
        ]


def server_environment(database_url: str, instance_path: Path, secret: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("REDIS_URL", "SMTP_URL", "RATELIMIT_STORAGE_URI", "DATABASE_URL", "BIND")
    }
    env.update(
        CORRECTIONS_ENV="production",
        DATABASE_URL=database_url,
        SECRET_KEY=secret,
        CORRECTIONS_INSTANCE_PATH=str(instance_path),
        RATELIMIT_ENABLED="false",
        PYTHONUNBUFFERED="1",
    )
    if database_url.startswith("sqlite"):
        env["CORRECTIONS_ALLOW_SQLITE_WORKERS"] = "1"
    return env


@contextlib.contextmanager
def running_server(
    database_url: str,
    instance_path: Path,
    secret: str,
    *,
    workers: int = 2,
    extra_env: dict[str, str] | None = None,
    ready_timeout: float = 60,
) -> Iterator[LiveServer]:
    """gunicorn (gunicorn.conf.py) on a free port; stopped, with its workers, at the end."""
    port = free_port()
    env = server_environment(database_url, instance_path, secret)
    env.update(
        BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        WEB_TIMEOUT=str(WEB_TIMEOUT),
        WEB_GRACEFUL_TIMEOUT="10",
    )
    env.update(extra_env or {})
    log_path = instance_path / f"gunicorn-{port}.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", str(ROOT / "gunicorn.conf.py")],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as one, never by name
        )
    server = LiveServer(f"http://127.0.0.1:{port}", database_url, process, log_path, workers)
    try:
        deadline = time.monotonic() + ready_timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(
                    f"gunicorn exited with {process.returncode}:\n{server.log_tail()}"
                )
            with contextlib.suppress(requests.RequestException):
                if requests.get(server.url("/readyz"), timeout=2).status_code == 200:
                    break
            if time.monotonic() > deadline:
                raise RuntimeError(f"gunicorn not ready in {ready_timeout}s:\n{server.log_tail()}")
            time.sleep(0.2)
        server.wait_for_workers(workers)
        yield server
    finally:
        stop_process_group(process)


def stop_process_group(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM the group this test started; SIGKILL it if it has not gone in ``timeout``."""
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


# -- the database ----------------------------------------------------------------------------


@dataclass
class Seeded:
    """What ``prepare_database`` made: the demo article and two API tokens."""

    database_url: str
    instance_path: Path
    secret: str
    moderator_token: str
    author_token: str
    slug: str = DEMO_SLUG
    section_keys: list[str] = field(default_factory=list)

    def bearer(self, who: str = "moderator") -> dict[str, str]:
        token = self.moderator_token if who == "moderator" else self.author_token
        return {"Authorization": f"Bearer {token}"}


def prepare_database(database_url: str, instance_path: Path) -> Seeded:
    """Migrate (as ``make serve`` does), load the demo, make a moderator's and an author's
    API token with ``services.tokens.create_token``."""
    from corrections import create_app
    from corrections.cli import load_demo
    from corrections.extensions import db
    from corrections.services import articles, tokens, users

    instance_path.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(32)
    env = server_environment(database_url, instance_path, secret)
    migrated = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", "db", "upgrade"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert migrated.returncode == 0, f"flask db upgrade failed:\n{migrated.stderr[-3000:]}"

    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "SECRET_KEY": secret, "TESTING": True},
        instance_path=str(instance_path),
    )
    with app.app_context():
        try:
            load_demo(app)
            made = {}
            for who in ("moderator", "author"):
                user = users.find_user(db.session, f"{who}@demo.invalid")
                made[who] = tokens.create_token(db.session, user, f"live tests ({who})")[1]
            keys = [s.key for s in articles.read_article(db.session, DEMO_SLUG).sections]
        finally:
            db.session.remove()
            db.engine.dispose()
    return Seeded(
        database_url, instance_path, secret, made["moderator"], made["author"], DEMO_SLUG, keys
    )


_labels = itertools.count(1)


@contextlib.contextmanager
def own_postgres_database(server_url: str, label: str) -> Iterator[str]:
    """``<name>_run_<pid>_<label>`` on that server, created empty and dropped at the end."""
    server = make_url(server_url)
    name = f"{server.database}_run_{os.getpid()}_{label}_{next(_labels)}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with contextlib.suppress(Exception), admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def live_postgres_database(request: pytest.FixtureRequest) -> Iterator[str]:
    if not ON_POSTGRES:
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql://...")
    with own_postgres_database(TEST_DATABASE_URL, request.node.name[:20].lower()) as url:
        yield url


@pytest.fixture
def live_dir() -> Iterator[Path]:
    """A folder for the server's instance and log, readable by the postgres user too."""
    folder = Path(tempfile.mkdtemp(prefix="corrections-live-"))
    folder.chmod(0o755)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def live_server(live_dir: Path) -> Iterator[Callable[..., LiveServer]]:
    """``live_server(seeded, workers=2, **env)``: start gunicorn; every one started is
    stopped at the end of the test, whatever happens."""
    stack = contextlib.ExitStack()

    def start(seeded: Seeded, *, workers: int = 2, **extra_env: str) -> LiveServer:
        return stack.enter_context(
            running_server(
                seeded.database_url,
                seeded.instance_path,
                seeded.secret,
                workers=workers,
                extra_env=extra_env,
            )
        )

    with stack:
        yield start


# -- a PostgreSQL server of the test's own, for fault tests ----------------------------------


def postgres_bin() -> Path | None:
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    found = shutil.which("pg_ctl")
    path = candidates[0] if candidates else (Path(found) if found else None)
    return path.parent if path else None


class PrivatePostgres:
    """A throwaway PostgreSQL cluster: initdb in a temporary folder, trust auth, its own
    port on 127.0.0.1. Run as the ``postgres`` user when the tests run as root."""

    def __init__(self, folder: Path) -> None:
        bindir = postgres_bin()
        if bindir is None:
            raise FileNotFoundError("pg_ctl and initdb not found")
        self.bindir = bindir
        self.folder = folder
        self.data = folder / "data"
        self.port = free_port()
        self.url = normalize_database_url(f"postgresql://postgres@127.0.0.1:{self.port}/postgres")
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str, timeout: float = 60) -> None:
        done = subprocess.run(
            [*self.as_user, *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
            stdin=subprocess.DEVNULL,
        )
        if done.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {done.stdout}{done.stderr}")

    def init(self) -> None:
        if self.as_user:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(
            str(self.bindir / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip

    def start(self) -> None:
        options = (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.folder} "
            "-c fsync=off -c max_connections=50 -c shared_buffers=32MB"
        )
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l", str(self.folder / "pg.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def is_running(self) -> bool:
        return (self.data / "postmaster.pid").exists()

    def ensure_running(self) -> None:
        if not self.is_running():
            self.start()
        self.wait_ready()

    def kill(self) -> None:
        """SIGKILL the postmaster this test started (its pid is in postmaster.pid); for a
        teardown whose ``pg_ctl stop`` failed."""
        with contextlib.suppress(OSError, ValueError, IndexError):
            pid = int((self.data / "postmaster.pid").read_text().split()[0])
            os.kill(pid, signal.SIGKILL)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run(
                [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"],
                check=False,
            )
            if ready.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError(f"PostgreSQL on port {self.port} not ready in {timeout}s")


class SystemCluster:
    """The machine's own cluster (``pg_ctlcluster``), for ``LIVE_PG_RESTART=cluster``: it
    stops every client of that server for the outage, so use it only where nobody else is
    using it (CI). Started again, and waited for, in the fixture's ``finally``."""

    def __init__(self, server_url: str) -> None:
        versions = sorted(os.listdir("/etc/postgresql"), reverse=True)
        if not versions or shutil.which("pg_ctlcluster") is None:
            raise FileNotFoundError("pg_ctlcluster or /etc/postgresql not found")
        self.version = versions[0]
        server = make_url(server_url)
        self.host, self.port = server.host or "127.0.0.1", server.port or 5432
        self.url = server_url

    def _ctl(self, action: str) -> None:
        subprocess.run(
            ["pg_ctlcluster", "--skip-systemctl-redirect", self.version, "main", action],
            capture_output=True,
            timeout=120,
            check=action != "start",  # "start" of a running cluster exits 2
        )

    def stop(self, mode: str = "fast") -> None:
        self._ctl("stop")

    def start(self) -> None:
        self._ctl("start")

    def ensure_running(self) -> None:
        self.start()
        self.wait_ready()

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready = subprocess.run(
                ["pg_isready", "-h", self.host, "-p", str(self.port), "-q"], check=False
            )
            if ready.returncode == 0:
                return
            time.sleep(0.5)
        raise RuntimeError(f"PostgreSQL at {self.host}:{self.port} not ready in {timeout}s")


@pytest.fixture
def restartable_postgres(live_dir: Path) -> Iterator[PrivatePostgres | SystemCluster]:
    """A PostgreSQL server the test may stop and start. By default a private one
    (``LIVE_PG_RESTART=private``); ``LIVE_PG_RESTART=cluster`` uses the machine's cluster of
    TEST_DATABASE_URL instead. Either way it is running again when the test ends."""
    mode = os.environ.get("LIVE_PG_RESTART", "private")
    if mode == "cluster":
        if not ON_POSTGRES:
            pytest.skip("LIVE_PG_RESTART=cluster needs TEST_DATABASE_URL=postgresql://...")
        cluster = SystemCluster(TEST_DATABASE_URL)
        try:
            yield cluster
        finally:
            cluster.start()
            cluster.wait_ready()
        return
    if mode != "private":
        raise pytest.UsageError(f"LIVE_PG_RESTART must be 'private' or 'cluster', not {mode!r}")
    if postgres_bin() is None:
        reason = "needs PostgreSQL's server binaries (initdb, pg_ctl)"
        if os.environ.get("CI"):
            pytest.fail(f"under CI, {reason}")  # CI must run the fault tests, never skip them
        pytest.skip(reason)
    folder = live_dir / "pg"
    folder.mkdir()
    server = PrivatePostgres(folder)
    server.init()
    server.start()
    try:
        server.wait_ready()
        yield server
    finally:
        if server.is_running():
            try:
                server.stop("immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                server.kill()


@pytest.fixture
def restartable_database(
    restartable_postgres: PrivatePostgres | SystemCluster, request: pytest.FixtureRequest
) -> Iterator[str]:
    """A database of the test's own on ``restartable_postgres``, dropped afterwards (once the
    server is up again)."""
    label = request.node.name[:20].lower()
    with own_postgres_database(restartable_postgres.url, label) as url:
        try:
            yield url
        finally:
            restartable_postgres.ensure_running()
