"""The benchmark (`make bench`) in its smoke mode: tiny data, 1 s per measure, ours only.

The full run is not part of the tests (it takes minutes and its numbers are the point);
this proves that the script still makes its data, starts gunicorn, passes every response
check and fills every row of the table. No number is compared with a threshold here.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bench import report
from bench.load import Result
from bench.measures import Outcome

ROOT = Path(__file__).resolve().parent.parent

# The rows, by the start of their label in bench/report.py.
ROWS = (
    "GET a 100-comment thread as JSON",
    "GET a 1,000-comment thread as JSON",
    "POST a comment",
    "GET the article page with 1,000 comments",
    "Conditional GET of the page, answered 304",
    "Moderation queue, first page",
    "Accept a correction",
    "Memory per worker after the run",
)


def table_rows(text: str) -> dict[str, list[str]]:
    rows = {}
    for line in text.splitlines():
        if line.startswith("| ") and not line.startswith(("| measure", "| target")):
            cells = [c.strip() for c in line.strip("|").split("|")]
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="the bench runs on its own SQLite files whatever the database; the SQLite run has it",
)
def test_the_smoke_run_fills_every_row_and_finds_no_unexpected_response(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("BENCH_")}
    done = subprocess.run(
        [sys.executable, "-m", "bench.run", "--smoke", "--work", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "Unexpected responses: none." in done.stdout
    latest = (tmp_path / "latest.md").read_text()
    rows = table_rows(latest.split("### Targets")[0])
    for label in ROWS:
        found = [cells for name, cells in rows.items() if name.startswith(label)]
        assert found, f"no row {label!r} in:\n{latest}"
        for ours, *_ in found:
            assert ours and ours != "n/a", f"{label!r} has no number of ours:\n{latest}"
    # Two queue rows (comments, corrections), and the page's row has its p99 too.
    assert sum(name.startswith("Moderation queue") for name in rows) == 2
    page = next(cells for name, cells in rows.items() if name.startswith(ROWS[3]))
    assert ";" in page[0]
    # Smoke mode never touches docs/performance.md and leaves no server behind.
    assert "== written to" not in done.stdout
    assert not processes_started_for(tmp_path)


def processes_started_for(work: Path) -> list[int]:
    """Processes whose environment names the run's folder (its gunicorn masters and workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if str(work).encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def result(rps: float, p50: float, p99: float) -> Result:
    return Result(requests=int(rps * 10), seconds=10.0, p50_ms=p50, p99_ms=p99)


def test_ratios_compare_numbers_of_the_same_run_and_say_which_targets_are_met():
    out = {
        "small_thread": Outcome(results={"ours": result(300, 5, 9), "isso": result(100, 9, 20)}),
        "large_thread": Outcome(results={"ours": result(10, 50, 80), "isso": result(2, 150, 160)}),
        "post_comment": Outcome(results={"ours": result(150, 9, 30), "isso": result(100, 9, 20)}),
        "conditional_get": Outcome(
            results={"ours": result(400, 2, 4), "hello": result(1000, 1, 2)}
        ),
        "moderation_queue": Outcome(
            results={"comments": result(90, 10, 49), "corrections": result(90, 10, 51)}
        ),
        "accept": Outcome(results={"zero": result(30, 10, 12), "many": result(30, 12.5, 14)}),
    }
    rows, targets = report.rows_and_targets(out, {"ours": [100 * 1024]}, 100_000, 10_000)
    met = {t.text: (t.measured, t.met) for t in targets}
    assert met["GET a 100-comment thread as JSON (req/s): at least 2× Isso"] == ("3.00×", True)
    assert met["GET a 1,000-comment thread (p50 latency): at least 2× Isso"] == ("3.00×", True)
    assert met["POST a comment (req/s): at least 2× Isso"] == ("1.50×", False)
    assert met["304 within 3× of the static floor (floor ÷ 304 rate)"] == ("2.50×", True)
    assert met["Queue p99 under 50 ms at 100,000 pending comments"][1] is True
    assert met["Queue p99 under 50 ms at 100,000 pending corrections"][1] is False
    assert met["Accepting at 10,000 updates within 1.2× of at 0 (p50)"] == ("1.25×", False)
    assert any(r.measure.startswith("Memory per worker") and r.ours == "100.0" for r in rows)


def test_the_doc_keeps_what_lies_outside_its_markers(tmp_path):
    doc = tmp_path / "performance.md"
    doc.write_text(f"# Performance\n\nBefore.\n\n{report.BEGIN}\nold\n{report.END}\n\nAfter.\n")
    report.write_doc(doc, "new table")
    assert doc.read_text() == (
        f"# Performance\n\nBefore.\n\n{report.BEGIN}\nnew table\n{report.END}\n\nAfter.\n"
    )
