"""Profile one request of the bench in-process: CPU time per request, and where it goes.

Usage (after `make bench` made ``bench/results``)::

    .venv/bin/python -m bench.profiling small_thread page revalidate ...   # CPU ms each
    .venv/bin/python -m bench.profiling --tree page                        # pyinstrument tree

The app runs with the bench's production settings against the bench database, through
Flask's test client, so only the application's own work is measured (no gunicorn, no
network). POSTs and accepts write to that database. pyinstrument is imported from the
environment, or from ``bench/.tools`` (``pip install --target bench/.tools pyinstrument``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.data import Dataset

ROOT = Path(__file__).resolve().parent.parent
TOOLS = ROOT / "bench" / ".tools"


def make_client(work: Path) -> Any:
    os.environ.update(
        {
            "CORRECTIONS_ENV": "production",
            "SECRET_KEY": "bench-profile-" + "x" * 32,
            "RATELIMIT_ENABLED": "false",
            "CORRECTIONS_MODERATION_MODE": "post",
            "DATABASE_URL": f"sqlite:///{work / 'corrections.db'}",
            "CORRECTIONS_INSTANCE_PATH": str(work / "instance"),
            "WEB_CONCURRENCY": "1",
        }
    )
    from corrections import create_app

    app = create_app()
    import logging

    logging.getLogger("corrections.request").setLevel(logging.WARNING)
    return app.test_client(use_cookies=False)


def targets(client: Any, d: Dataset) -> dict[str, Callable[[], int]]:
    """Named requests; each returns the response's status."""
    api = f"/api/v1/articles/{d.slug}/sections"
    auth = {"Authorization": f"Bearer {d.token}"}
    counter = iter(range(10**9))
    accepts = {"zero": iter(d.accept_zero), "many": iter(d.accept_many)}
    page = f"/a/{d.page_slug}"
    first = client.get(page)
    cookie = "; ".join(c.split(";", 1)[0] for c in first.headers.getlist("Set-Cookie"))
    revalidate = {"Cookie": cookie, "If-None-Match": first.headers.get("ETag", "")}

    def post() -> int:
        body = {"body": f"Profile comment {next(counter)} *now*", "author_name": "Profiler"}
        return client.post(f"{api}/{d.post_key}/comments", json=body).status_code

    def accept(which: str) -> Callable[[], int]:
        def run() -> int:
            path = f"/api/v1/moderation/corrections/{next(accepts[which])}/accept"
            body = {"update_text": "Corrected.", "expected_version": 1}
            return client.post(path, json=body, headers=auth).status_code

        return run

    return {
        "small_thread": lambda: client.get(f"{api}/{d.small_key}/comments?limit=200").status_code,
        "large_page": lambda: client.get(f"{api}/{d.large_key}/comments?limit=200").status_code,
        "first_page": lambda: client.get(f"{api}/{d.large_key}/comments").status_code,
        "post": post,
        "page": lambda: client.get(page).status_code,
        "revalidate": lambda: client.get(page, headers=revalidate).status_code,
        "queue_comments": lambda: (
            client.get("/api/v1/moderation/queue?kind=comments", headers=auth).status_code
        ),
        "queue_corrections": lambda: (
            client.get("/api/v1/moderation/queue?kind=corrections", headers=auth).status_code
        ),
        "accept_zero": accept("zero"),
        "accept_many": accept("many"),
        "healthz": lambda: client.get("/healthz").status_code,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m bench.profiling", description=__doc__.split("\n")[0]
    )
    p.add_argument("names", nargs="*", help="targets (default: all)")
    p.add_argument("--work", type=Path, default=ROOT / "bench" / "results")
    p.add_argument("-n", type=int, default=20, help="requests per target")
    p.add_argument("--tree", action="store_true", help="print pyinstrument's call tree")
    args = p.parse_args(argv)
    data = Dataset.load(args.work / "dataset.json")
    client = make_client(args.work)
    found = targets(client, data)
    results = {}
    for name in args.names or list(found):
        run = found[name]
        try:
            status = run()  # warm: caches, connections, compiled statements
        except StopIteration:
            print(f"{name:18} skipped: every correction to accept was accepted already")
            continue
        if args.tree:
            sys.path.append(str(TOOLS))
            from pyinstrument import Profiler

            profiler = Profiler(interval=0.0005)
            profiler.start()
        cpu, wall = time.process_time(), time.perf_counter()
        done = 0
        for _ in range(args.n):
            try:
                status = run()
            except StopIteration:
                break
            done += 1
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if not done:
            continue
        results[name] = {"status": status, "cpu_ms": round(cpu / done * 1000, 2)}
        print(f"{name:18} status {status}  cpu {cpu / done * 1000:7.2f} ms/request", flush=True)
        if args.tree:
            profiler.stop()
            print(profiler.output_text(unicode=False, color=False))
    (args.work / "profile.json").write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
