"""The Markdown table, the targets and whether they are met, and docs/performance.md.

Ratios compare numbers of the same run only. A ratio above 1 means ours is better: ours ÷
baseline for rates, baseline ÷ ours for latencies and memory. With several rounds each
number is the median of its rounds.
"""

from __future__ import annotations

import os
import platform
import sqlite3
import statistics
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from bench.load import Result
from bench.measures import Outcome

BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


@dataclass(frozen=True)
class Row:
    measure: str
    ours: str
    base: str
    ratio: str


@dataclass(frozen=True)
class Target:
    text: str
    measured: str
    met: bool | None  # None: not measured in this run


def median_result(results: list[Result]) -> Result:
    """The median of each number over the rounds (statuses and errors added up)."""
    statuses: dict[str, int] = {}
    for r in results:
        for code, n in r.statuses.items():
            statuses[code] = statuses.get(code, 0) + n
    rates = [r.rps for r in results]
    return Result(
        requests=round(statistics.median(rates) * 1000),
        seconds=1000.0,  # so that .rps is the median rate
        p50_ms=statistics.median(r.p50_ms for r in results),
        p99_ms=statistics.median(r.p99_ms for r in results),
        statuses=statuses,
        errors=sum(r.errors for r in results),
        tool=results[0].tool,
    )


def merge_rounds(rounds: list[dict[str, Outcome]]) -> dict[str, Outcome]:
    merged: dict[str, Outcome] = {}
    for key in rounds[0]:
        outcome = Outcome()
        names = {n for r in rounds for n in r[key].results}
        for name in sorted(names):
            found = [r[key].results[name] for r in rounds if name in r[key].results]
            outcome.results[name] = median_result(found)
        outcome.problems = [p for r in rounds for p in r[key].problems]
        merged[key] = outcome
    return merged


def rate(value: float) -> str:
    return f"{value:,.0f}/s" if value >= 100 else f"{value:,.1f}/s"


def ms(value: float) -> str:
    return f"{value:,.1f}"


def times(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.2f}×"


def _get(out: dict[str, Outcome], key: str, name: str) -> Result | None:
    outcome = out.get(key)
    return outcome.results.get(name) if outcome else None


def rows_and_targets(
    out: dict[str, Outcome], memory: dict[str, list[int]], pending: int, updates: int
) -> tuple[list[Row], list[Target]]:
    rows: list[Row] = []
    targets: list[Target] = []

    def throughput(label: str, key: str) -> None:
        ours, isso = _get(out, key, "ours"), _get(out, key, "isso")
        ratio = ours.rps / isso.rps if ours and isso and isso.rps else None
        rows.append(
            Row(
                label,
                rate(ours.rps) if ours else "n/a",
                rate(isso.rps) if isso else "n/a",
                times(ratio),
            )
        )
        targets.append(
            Target(
                f"{label}: at least 2× Isso", times(ratio), None if ratio is None else ratio >= 2
            )
        )

    throughput("GET a 100-comment thread as JSON (req/s)", "small_thread")

    ours, isso = _get(out, "large_thread", "ours"), _get(out, "large_thread", "isso")
    p50 = isso.p50_ms / ours.p50_ms if ours and isso else None
    p99 = isso.p99_ms / ours.p99_ms if ours and isso else None
    label = "GET a 1,000-comment thread as JSON, whole thread: p50 / p99 (ms)"
    rows.append(
        Row(
            label,
            f"{ms(ours.p50_ms)} / {ms(ours.p99_ms)}" if ours else "n/a",
            f"{ms(isso.p50_ms)} / {ms(isso.p99_ms)}" if isso else "n/a",
            f"{times(p50)} / {times(p99)}",
        )
    )
    targets.append(
        Target(
            "GET a 1,000-comment thread (p50 latency): at least 2× Isso",
            times(p50),
            None if p50 is None else p50 >= 2,
        )
    )
    first = _get(out, "large_thread", "ours_first_page")
    if first:
        rows.append(
            Row(
                "↳ ours, one page of 50 (the API's default): p50 / p99 (ms)",
                f"{ms(first.p50_ms)} / {ms(first.p99_ms)}",
                "n/a",
                "n/a",
            )
        )

    throughput("POST a comment (req/s)", "post_comment")

    page = _get(out, "article_page", "ours")
    if page:
        rows.append(
            Row(
                "GET the article page with 1,000 comments: req/s; p99 (ms)",
                f"{rate(page.rps)}; {ms(page.p99_ms)}",
                "n/a",
                "n/a",
            )
        )

    revalidated, hello = _get(out, "conditional_get", "ours"), _get(out, "conditional_get", "hello")
    if revalidated and hello:
        ratio = revalidated.rps / hello.rps if hello.rps else None
        rows.append(
            Row(
                "Conditional GET of the page, answered 304 (req/s)",
                rate(revalidated.rps),
                f"static floor: {rate(hello.rps)}",
                times(ratio),
            )
        )
        healthz = _get(out, "conditional_get", "healthz")
        if healthz:
            rows.append(
                Row(
                    "↳ for scale: our /healthz (no database, same app and hooks), req/s",
                    rate(healthz.rps),
                    f"static floor: {rate(hello.rps)}",
                    times(healthz.rps / hello.rps if hello.rps else None),
                )
            )
        slower = hello.rps / revalidated.rps if revalidated.rps else None
        targets.append(
            Target(
                "304 within 3× of the static floor (floor ÷ 304 rate)",
                times(slower),
                None if slower is None else slower <= 3,
            )
        )

    for kind in ("comments", "corrections"):
        queue = _get(out, "moderation_queue", kind)
        if queue:
            label = f"Moderation queue, first page, {pending:,} pending {kind}: p99 (p50) ms"
            rows.append(Row(label, f"{ms(queue.p99_ms)} ({ms(queue.p50_ms)})", "n/a", "n/a"))
            targets.append(
                Target(
                    f"Queue p99 under 50 ms at {pending:,} pending {kind}",
                    f"{ms(queue.p99_ms)} ms",
                    queue.p99_ms < 50,
                )
            )

    zero, many = _get(out, "accept", "zero"), _get(out, "accept", "many")
    if zero and many:
        ratio = zero.p50_ms / many.p50_ms if many.p50_ms else None
        rows.append(
            Row(
                f"Accept a correction (API): p50 ms at {updates:,} updates vs at 0",
                ms(many.p50_ms),
                f"at 0 updates: {ms(zero.p50_ms)}",
                times(ratio),
            )
        )
        slower = many.p50_ms / zero.p50_ms if zero.p50_ms else None
        targets.append(
            Target(
                f"Accepting at {updates:,} updates within 1.2× of at 0 (p50)",
                times(slower),
                None if slower is None else slower <= 1.2,
            )
        )

    if memory.get("ours"):
        mine = statistics.mean(memory["ours"]) / 1024
        theirs = statistics.mean(memory["isso"]) / 1024 if memory.get("isso") else None
        rows.append(
            Row(
                "Memory per worker after the run, RSS (MiB)",
                f"{mine:,.1f}",
                f"{theirs:,.1f}" if theirs else "n/a",
                times(theirs / mine if theirs else None),
            )
        )
    return rows, targets


def table(rows: list[Row]) -> str:
    lines = ["| measure | ours | Isso | ratio |", "|---|---:|---:|---:|"]
    lines += [f"| {r.measure} | {r.ours} | {r.base} | {r.ratio} |" for r in rows]
    return "\n".join(lines)


def targets_table(targets: list[Target]) -> str:
    word = {True: "**met**", False: "**not met**", None: "not measured"}
    lines = ["| target | measured | |", "|---|---:|---|"]
    lines += [f"| {t.text} | {t.measured} | {word[t.met]} |" for t in targets]
    return "\n".join(lines)


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def machine(isso_version: str | None, tool: str, settings: dict[str, object]) -> list[str]:
    return [
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- CPU: {cpu_model()}, {os.cpu_count()} cores; memory "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB",
        f"- Python {platform.python_version()} ({platform.system()} {platform.release()}), "
        f"SQLite {sqlite3.sqlite_version}; Isso {isso_version or 'not run'}",
        f"- Load generator: {tool}; " + ", ".join(f"{k} {v}" for k, v in settings.items()),
    ]


def write_doc(path: Path, body: str) -> None:
    """Replace what lies between the markers in ``path`` (made if missing) with ``body``."""
    block = f"{BEGIN}\n{body.strip()}\n{END}"
    if path.exists() and BEGIN in (text := path.read_text()) and END in text:
        before, rest = text.split(BEGIN, 1)
        after = rest.split(END, 1)[1]
        path.write_text(before + block + after)
    else:
        path.write_text(f"# Performance\n\n{block}\n")
