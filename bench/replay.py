"""Replay benchmark: rebuild every projection from N events in the SQLite log.

Usage: python bench/replay.py [--events N] [--dir DIR]

Prints events/s of `rebuild` and of the floor measured in the same run (reading the
same records, decoding them with orjson and applying a pure in-memory dict projection),
and the ratio between the two. Target: 1,000,000 events in <= 10 s and <= 5x the floor.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from decimal import Decimal
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
    start = time.perf_counter()
    totals = rebuild_projections(Settings(data_dir=data))
    took = time.perf_counter() - start
    print(
        f"rebuild of all projections: {took:.2f} s ({totals.applied / took:,.0f} events/s), "
        f"{len(totals.rejected)} unreadable"
    )
    print(
        f"ratio rebuild / floor: {took / floor_s:.1f}x (target <= 5x); "
        f"1M-event target <= 10 s: {'met' if took <= 10 * n / 1_000_000 else 'missed'}"
    )
    if args.dir is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
