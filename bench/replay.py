"""Replay benchmark: rebuild every projection from N events in the SQLite log.

Usage: python bench/replay.py [--events N] [--dir DIR]

Prints events/s and peak RSS of `rebuild` (run in a child process of its own, so its peak
is its own) and two floors measured in the same run: ipmon's log reader with a pure
in-memory dict projection, and plain `sqlite3` + `orjson.loads` over the same file with
nothing of ipmon, which shows what ipmon adds. Target: 1,000,000 events in <= 10 s and
<= 1.5x the plain floor.
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor
from decimal import Decimal
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import events

from events.codec import encode
from events.log.sqlite import SqliteEventLog
from services.rebuild import read_all, rebuild_projections
from services.settings import Settings


def write_log(path: Path, n: int) -> float:
    """Append n synthetic events in batches; seconds taken."""
    log = SqliteEventLog(path)
    start = time.perf_counter()
    batch: list[tuple[str, str, str, str, bytes]] = []
    for e in events(n):
        batch.append((str(e.event_id), e.stream, e.event_type, e.subject, encode(e)))
        if len(batch) == 20000:
            log.append_encoded(batch)
            batch = []
    log.append_encoded(batch)
    took = time.perf_counter() - start
    log.close()
    return took


def floor(path: Path) -> tuple[float, int]:
    """Read, orjson-decode and fold every event into plain dicts; (seconds, events)."""
    log = SqliteEventLog(path)
    start = time.perf_counter()
    latest: dict[tuple[str, str, str], Any] = {}
    totals: dict[tuple[str, str, int], Decimal] = defaultdict(Decimal)
    count = 0
    for batch in read_all(log):
        for r in batch:
            e = orjson.loads(r.data)
            count += 1
            p = e["payload"]
            if e["event_type"] != "StatisticPublished":
                continue
            period = p["period"]
            key = (p["metric"], p["geography"], str(period))
            prev = latest.get(key)
            if prev is None or (e["published_at"], e["event_id"]) > prev[0]:
                latest[key] = ((e["published_at"], e["event_id"]), p["value"])
            if period["kind"] == "quarter":
                totals[(p["metric"], p["geography"], period["year"])] += Decimal(p["value"])
    took = time.perf_counter() - start
    log.close()
    return took, count


def plain_floor(path: Path) -> tuple[float, int]:
    """Read every row with plain sqlite3 and orjson.loads it, nothing else; (seconds, events)."""
    conn = sqlite3.connect(path)
    start = time.perf_counter()
    count = 0
    for (data,) in conn.execute("SELECT data FROM events ORDER BY position"):
        orjson.loads(data)
        count += 1
    took = time.perf_counter() - start
    conn.close()
    return took, count


def _cpu_s() -> float:
    use = resource.getrusage(resource.RUSAGE_SELF)
    return use.ru_utime + use.ru_stime


def rebuild(data: Path) -> tuple[float, float, int, int, int]:
    """Rebuild every projection; (seconds, CPU seconds, applied, unreadable, peak RSS in kB).

    CPU seconds are printed beside the wall clock: on a shared machine they vary far less.
    """
    start, cpu = time.perf_counter(), _cpu_s()
    totals = rebuild_projections(Settings(data_dir=data))
    took, cpu = time.perf_counter() - start, _cpu_s() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return took, cpu, totals.applied, len(totals.rejected), peak


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--dir", type=Path, default=None)
    args = ap.parse_args()
    work = args.dir or Path(tempfile.mkdtemp(prefix="ipmon-bench-"))
    shutil.rmtree(work / "data", ignore_errors=True)
    data = work / "data"
    data.mkdir(parents=True)
    n = args.events
    wrote = write_log(data / "events.sqlite", n)
    print(f"wrote {n:,} events to the SQLite log in {wrote:.1f} s ({n / wrote:,.0f} events/s)")
    floor_s, count = floor(data / "events.sqlite")
    print(
        f"floor (orjson decode + in-memory dict projection): {floor_s:.2f} s "
        f"({count / floor_s:,.0f} events/s)"
    )
    plain_s, plain_count = plain_floor(data / "events.sqlite")
    print(
        f"plain floor (sqlite3 + orjson.loads, nothing of ipmon): {plain_s:.2f} s "
        f"({plain_count / plain_s:,.0f} events/s)"
    )
    # a fresh interpreter, so that the peak RSS is the rebuild's alone
    with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as pool:
        took, cpu, applied, unreadable, peak_kb = pool.submit(rebuild, data).result()
    print(
        f"rebuild of all projections: {took:.2f} s ({applied / took:,.0f} events/s; "
        f"{cpu:.2f} CPU s), {unreadable} unreadable, peak RSS {peak_kb / 1024:,.0f} MB"
    )
    print(
        f"ratio rebuild / plain floor: {took / plain_s:.1f}x (target <= 1.5x); "
        f"rebuild / reader floor: {took / floor_s:.1f}x; "
        f"1M-event target <= 10 s: {'met' if took <= 10 * n / 1_000_000 else 'missed'}"
    )
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
