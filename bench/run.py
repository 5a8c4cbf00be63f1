"""`make bench` / ``python -m bench.run``: generate, start, drive, report, stop.

1. A fresh SQLite database (``bench.data``) and Isso's database seeded with the same
   threads (``bench.peer``), in ``bench/results/`` (``--work``).
2. Three gunicorn servers with the same ``gunicorn.conf.py`` and worker count: ours
   (production settings), Isso 0.14 and a static "hello" floor, on free loopback ports.
3. Each measure (``bench.measures``) ``--rounds`` times, ours and Isso back to back; then
   the accepts and the workers' memory.
4. The table on standard output, in ``<work>/latest.md`` and, unless ``--no-doc``, in
   docs/performance.md between its markers. Exit status 1 if any response was unexpected.

Every server is stopped in ``finally``, on Ctrl-C and SIGTERM too. ``--smoke`` (or
BENCH_SMOKE=1) is the test's mode: tiny data, 1 s per measure, our service only.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import sys
import time
from pathlib import Path
from types import FrameType

from bench import data as bench_data
from bench import load, measures, peer, report
from bench.servers import HOST, Server, ServerSet, free_port
from corrections.i18n import compile_catalogs

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
CONF = ROOT / "gunicorn.conf.py"
# gunicorn's control socket defaults to one path per user (~/.gunicorn/gunicorn.ctl): each
# master of the run, and anyone else's on this machine, would take it from the others.
GUNICORN = ("-c", str(CONF), "--no-control-socket")
DOC = ROOT / "docs" / "performance.md"
# Settings of the shell that must not leak into the servers under test.
SCRUBBED = ("CORRECTIONS_", "DATABASE_URL", "WEB_", "BIND", "SECRET_KEY", "RATELIMIT_")
SCRUBBED += ("REDIS_URL", "ISSO_", "GUNICORN_", "TRUSTED_PROXIES")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name) or default)


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    smoke_env = os.environ.get("BENCH_SMOKE", "") not in ("", "0")
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n")[0])
    p.add_argument("--smoke", action="store_true", default=smoke_env, help="tiny and quick")
    p.add_argument("--seconds", type=int, default=None, help="per measure (BENCH_SECONDS)")
    p.add_argument("--rounds", type=int, default=None, help="of every measure (BENCH_ROUNDS)")
    p.add_argument("--workers", type=int, default=env_int("BENCH_WORKERS", 2))
    p.add_argument("--connections", type=int, default=None, help="(BENCH_CONNECTIONS)")
    p.add_argument("--no-isso", action="store_true", default=bool(os.environ.get("BENCH_NO_ISSO")))
    p.add_argument("--no-doc", action="store_true", help="leave docs/performance.md as it is")
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("--only", default="", help="comma-separated measures (default: all)")
    args = p.parse_args(argv)
    args.seconds = args.seconds or env_int("BENCH_SECONDS", 1 if args.smoke else 10)
    args.rounds = args.rounds or env_int("BENCH_ROUNDS", 1 if args.smoke else 3)
    args.connections = args.connections or env_int("BENCH_CONNECTIONS", 2 * args.workers)
    if args.smoke:
        args.no_isso, args.no_doc = True, True
    return args


def base_env(work: Path) -> dict[str, str]:
    """The shell's environment less its settings, marked with the run's folder (BENCH_RUN)
    so that a server left behind can be found."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(SCRUBBED)}
    return env | {"BENCH_RUN": str(work)}


def our_server(work: Path, db: Path, secret: str, workers: int) -> Server:
    port = free_port()
    env = base_env(work) | {
        "CORRECTIONS_ENV": "production",
        "SECRET_KEY": secret,
        "RATELIMIT_ENABLED": "false",
        "WEB_CONCURRENCY": str(workers),
        "CORRECTIONS_ALLOW_SQLITE_WORKERS": "1",
        "CORRECTIONS_MODERATION_MODE": "post",  # published at once, as Isso's are
        "CORRECTIONS_INSTANCE_PATH": str(work / "instance"),
        "DATABASE_URL": f"sqlite:///{db}",
        "BIND": f"{HOST}:{port}",
    }
    argv = [str(BIN / "gunicorn"), *GUNICORN]
    return Server("ours", argv, env, ROOT, work / "ours.log", port, "/healthz")


def hello_server(work: Path, workers: int) -> Server:
    port = free_port()
    env = base_env(work) | {"WEB_CONCURRENCY": str(workers), "BIND": f"{HOST}:{port}"}
    argv = [str(BIN / "gunicorn"), *GUNICORN, "bench.hello:app"]
    return Server("hello", argv, env, ROOT, work / "hello.log", port, "/")


def isso_server(work: Path, setup: peer.IssoSetup, workers: int) -> Server:
    port = free_port()
    env = base_env(work) | {
        "WEB_CONCURRENCY": str(workers),
        "BIND": f"{HOST}:{port}",
        "ISSO_SETTINGS": str(setup.config),
    }
    argv = [str(setup.gunicorn), *GUNICORN, peer.APP]
    return Server("isso", argv, env, work, work / "isso.log", port, "/info")


def _stop_on_sigterm(signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt(f"signal {signum}")


def run_measures(
    systems: measures.Systems, cfg: measures.Settings, rounds: int, only: set[str]
) -> list[dict[str, measures.Outcome]]:
    done = []
    for number in range(1, rounds + 1):
        outcomes = {}
        for key, measure in measures.MEASURES.items():
            if only and key not in only:
                continue
            print(f"== round {number}/{rounds}: {key}", flush=True)
            try:
                outcomes[key] = measure(systems, cfg)
            except (AssertionError, RuntimeError) as exc:
                outcomes[key] = measures.Outcome(problems=[f"{key}: {exc}"])
            for problem in outcomes[key].problems:
                print(f"   problem: {problem}", flush=True)
        done.append(outcomes)
    return done


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_on_sigterm)
    compile_catalogs()  # the servers refuse to start without them (they are not in git)
    work: Path = args.work.resolve()
    work.mkdir(parents=True, exist_ok=True)
    (work / "instance").mkdir(exist_ok=True)
    scale = bench_data.SMOKE if args.smoke else bench_data.FULL
    secret = secrets.token_urlsafe(48)
    load_at_start = report.load_average()
    print(f"== load generator: {load.tool_name()} (wrk {'found' if load.wrk_path() else 'absent'})")
    print(f"== data: {scale}", flush=True)
    started = time.perf_counter()
    threads_json = work / "isso-threads.json"
    dataset = bench_data.build(
        work / "corrections.db", work / "instance", secret, scale, threads_json
    )
    dataset.save(work / "dataset.json")
    print(f"   made in {dataset.seconds:.0f} s: {dataset.counts}", flush=True)
    setup = None
    if args.no_isso:
        print("== Isso: skipped" + (" (smoke mode: our service only)" if args.smoke else ""))
    else:
        setup = peer.prepare(work, threads_json, free_port())
    cfg = measures.Settings(
        seconds=args.seconds,
        warmup=0 if args.smoke else min(2, args.seconds),
        connections=args.connections,
        latency_connections=args.workers,
    )
    servers = ServerSet()
    try:
        print("== starting gunicorn servers", flush=True)
        ours = servers.start(our_server(work, work / "corrections.db", secret, args.workers))
        hello = servers.start(hello_server(work, args.workers))
        other = servers.start(isso_server(work, setup, args.workers)) if setup else None
        systems = measures.Systems(
            ours, hello, other, dataset, work / "corrections.db", setup.database if setup else None
        )
        only = {x.strip() for x in args.only.split(",") if x.strip()}
        rounds = run_measures(systems, cfg, args.rounds, only)
        merged = report.merge_rounds(rounds)
        if not only or "accept" in only:
            print("== accept", flush=True)
            merged["accept"] = measures.accept_corrections(systems, cfg)
        memory = measures.memory(systems).extra
    finally:
        servers.close()
    rows, targets = report.rows_and_targets(merged, memory, scale.pending_comments, scale.updates)
    problems = [p for outcome in merged.values() for p in outcome.problems]
    settings = {
        "workers": args.workers,
        "connections": f"{cfg.connections} (latency rows: {cfg.latency_connections})",
        "seconds per measure": cfg.seconds,
        "warm-up": f"{cfg.warmup} s",
        "rounds": args.rounds,
    }
    lines = report.machine(setup.version if setup else None, load.tool_name(), settings)
    lines.append(f"- Load average (1/5/15 min): {load_at_start} at the start, "
                 f"{report.load_average()} at the end")  # fmt: skip
    lines.append(
        f"- Data: {', '.join(f'{k} {v:,}' for k, v in dataset.counts.items())}; "
        f"made in {dataset.seconds:.0f} s; whole run {time.perf_counter() - started:.0f} s"
    )
    body = "\n".join(
        [
            "## Latest run",
            "",
            *lines,
            "",
            report.table(rows),
            "",
            "### Targets",
            "",
            report.targets_table(targets),
            "",
            "Unexpected responses: " + ("; ".join(problems) if problems else "none."),
        ]
    )
    print("\n" + body + "\n")
    (work / "latest.md").write_text(body + "\n")
    if not args.no_doc:
        report.write_doc(DOC, body)
        print(f"== written to {DOC.relative_to(ROOT)}")
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print("\n== interrupted; every server was stopped", file=sys.stderr)
        sys.exit(130)
