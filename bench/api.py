"""Read-API and dashboard latency with 100,000 observations loaded.

Loads synthetic events (bench/synthetic.py) into an SQLite event log, builds the
projections with `rebuild` (on SQLite, or on PostgreSQL with --postgres), serves the app
over real HTTP on loopback and reports p50/p99 latency of the overview, a metric page and
the series endpoint.

    python bench/api.py [--observations 100000] [--requests 300] [--postgres URL|embedded]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synthetic import events

from events.log.sqlite import SqliteEventLog
from projections import queries
from services.api.server import start_background
from services.bootstrap import bootstrap
from services.rebuild import rebuild_projections
from services.settings import Settings

METRIC = "ip_pledge_financing_amount"
TARGET_P99_MS = 50.0


def load(settings: Settings, observations: int) -> int:
    """Append enough synthetic events for `observations` statistics; rebuild projections."""
    log = SqliteEventLog(Path(settings.resolved_event_log_url().split(":///", 1)[1]))
    total = int(observations / 0.96) + 50  # 4% of the synthetic events are not statistics
    batch: list = []  # type: ignore[type-arg]
    for e in events(total):
        batch.append(e)
        if len(batch) == 20_000:
            log.append(batch)
            batch = []
    log.append(batch)
    log.close()
    rebuild_projections(settings)
    return total


def percentile(samples: list[float], q: float) -> float:
    """The q-quantile (0..1) of the samples, nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def measure(client: httpx.Client, url: str, n: int) -> tuple[float, float]:
    """p50 and p99 in milliseconds of `n` sequential GETs after a warm-up."""
    for _ in range(10):
        client.get(url).raise_for_status()
    samples = []
    for _ in range(n):
        t = time.perf_counter()
        r = client.get(url)
        samples.append((time.perf_counter() - t) * 1000)
        r.raise_for_status()
    return statistics.median(samples), percentile(samples, 0.99)


def main() -> None:
    """Load, serve, measure, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--observations", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--postgres", help="a PostgreSQL URL, or 'embedded' to start one")
    args = parser.parse_args()
    server_handle = None
    db_url = None
    if args.postgres == "embedded":
        sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
        import infra

        found = infra.postgres_url()
        if isinstance(found, infra.Unavailable):
            raise SystemExit(f"no PostgreSQL: {found.reason}")
        server_handle, db_url = found, found.url
    elif args.postgres:
        db_url = args.postgres
    with tempfile.TemporaryDirectory(prefix="ipmon-bench-api-") as tmp:
        settings = Settings(data_dir=Path(tmp), database_url=db_url, api_port=0)
        t = time.perf_counter()
        n_events = load(settings, args.observations)
        load_s = time.perf_counter() - t
        app = bootstrap(settings, sinks=[])
        with app.engine.connect() as conn:
            n_obs = queries.counts(conn)["observations"]
        server = start_background(app, "127.0.0.1", 0)
        backend = "PostgreSQL" if db_url else "SQLite"
        print(f"{backend}: {n_events} events, {n_obs} observations loaded in {load_s:.1f}s")
        urls = {
            "overview  /": "/",
            f"metric    /metrics/{METRIC}": f"/metrics/{METRIC}?geography=CN",
            f"series    /api/metrics/{METRIC}/series": f"/api/metrics/{METRIC}/series"
                                                        "?geography=CN",
        }
        failed = False
        try:
            with httpx.Client(base_url=server.url, timeout=30) as client:
                for name, url in urls.items():
                    p50, p99 = measure(client, url, args.requests)
                    ok = p99 <= TARGET_P99_MS
                    failed |= not ok
                    print(f"  {name:<58} p50 {p50:6.1f} ms  p99 {p99:6.1f} ms"
                          f"  {'ok' if ok else 'OVER TARGET'}")
        finally:
            server.stop()
            app.close()
            if server_handle is not None:
                server_handle.close()
    raise SystemExit(1 if failed else 0)


if __name__ == "__main__":
    main()
