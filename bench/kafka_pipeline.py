"""Benchmark of the distributed pipeline on a real Kafka broker and a real PostgreSQL.

    python bench/kafka_pipeline.py [--bootstrap HOST:PORT] [--database URL] [--events N]

Without --bootstrap / --database it starts both the way the tests do (tests/infra.py).
Measures, in one run:

* producer: events/s through `KafkaEventLog.append` (one process, batches of 5,000);
* end to end: events/s through one faust worker into PostgreSQL (wall clock, and per CPU
  second of the worker process, i.e. per worker core);
* latency: p50/p99 from the append call to the projections' commit at a fixed 2,000 events/s;
* the naive baseline: a faust agent that opens a transaction and commits per event.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]

from synthetic import events as synthetic_events  # noqa: E402

from events.log.kafka import KafkaEventLog  # noqa: E402
from projections import tables  # noqa: E402
from services.bootstrap import projection_engine  # noqa: E402
from services.settings import Settings  # noqa: E402

PARTITIONS = 6


def _positions(engine: sa.Engine) -> dict[str, int]:
    p = tables.positions
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(p.c.partition, p.c.offset).where(p.c.projector == "main"))
            return {part: int(off) for part, off in rows}
    except sa.exc.ProgrammingError:
        return {}


# streams the worker itself writes to: the alerts it raises come back to it as events
_OWN = (".alerts.v1:", ".deadletter.v1:")


def _applied(engine: sa.Engine) -> int:
    return sum(off + 1 for off in _positions(engine).values())


def _input_applied(engine: sa.Engine) -> int:
    """Applied records of the streams the producer wrote, without the worker's own alerts."""
    return sum(
        off + 1 for part, off in _positions(engine).items() if not any(o in part for o in _OWN)
    )


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _database(admin_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def _env(bootstrap: str, database: str, prefix: str, group: str) -> dict[str, str]:
    return {
        **os.environ,
        "IPMON_EVENT_LOG_URL": f"kafka://{bootstrap}",
        "IPMON_DATABASE_URL": database,
        "IPMON_KAFKA_TOPIC_PREFIX": prefix,
        "IPMON_KAFKA_PARTITIONS": str(PARTITIONS),
        "IPMON_KAFKA_GROUP": group,
        "PYTHONPATH": str(REPO),
    }


def _spawn(args: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    return subprocess.Popen(
        [sys.executable, *args], env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT
    )


def _stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _wait(check: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(0.005)


def producer_rate(log: KafkaEventLog, batch: list[Any]) -> float:
    """Events/s appended by one process in batches of 5,000."""
    start = time.perf_counter()
    for i in range(0, len(batch), 5000):
        log.append(batch[i : i + 5000])
    return len(batch) / (time.perf_counter() - start)


def worker_rate(
    bootstrap: str, admin_url: str, prefix: str, total: int, naive: bool, work: Path,
    sample: int | None = None,
) -> tuple[float, float, float]:
    """Input events/s wall clock, per worker CPU second, and all events/s, first to last commit.

    The input figures count the produced events only; the last one also counts the alert
    events the worker raised and then consumed back from the alerts topic.
    """
    database = _database(admin_url)
    engine = projection_engine(database)
    env = _env(bootstrap, database, prefix, f"bench-{uuid.uuid4().hex[:6]}")
    args = [str(HERE / "kafka_pipeline.py"), "--naive-worker"] if naive else [
        "-m", "services.processor.worker", "--batch-size", "5000", "--within", "0.2"]
    proc = _spawn(args, env, work / ("naive.log" if naive else "worker.log"))
    target = sample or total
    try:
        _wait(lambda: _input_applied(engine) > 0, 120, "the first commit")
        t0, c0 = time.perf_counter(), _cpu_seconds(proc.pid)
        n0, a0 = _input_applied(engine), _applied(engine)
        _wait(lambda: _input_applied(engine) >= target, 900, "the worker to finish")
        t1, c1 = time.perf_counter(), _cpu_seconds(proc.pid)
        n1, a1 = _input_applied(engine), _applied(engine)
    finally:
        _stop(proc)
        engine.dispose()
    wall = t1 - t0
    return (n1 - n0) / wall, (n1 - n0) / max(c1 - c0, 1e-9), (a1 - a0) / wall


def latency(
    bootstrap: str, admin_url: str, rate: int, seconds: float, work: Path
) -> tuple[float, float, int]:
    """p50 and p99 (ms) from append to committed projection at a fixed rate; events sent."""
    prefix = f"benchlat{uuid.uuid4().hex[:6]}"
    log = KafkaEventLog(bootstrap, prefix=prefix, partitions=PARTITIONS, linger_ms=1)
    database = _database(admin_url)
    engine = projection_engine(database)
    env = _env(bootstrap, database, prefix, f"bench-{uuid.uuid4().hex[:6]}")
    proc = _spawn(["-m", "services.processor.worker", "--batch-size", "5000", "--within",
                   "0.005"], env, work / "latency.log")
    n = int(rate * seconds)
    data = list(synthetic_events(n, seed=11))
    sent: dict[str, list[tuple[int, float]]] = {}
    done: dict[str, int] = {}
    latencies: list[float] = []
    stop = threading.Event()

    def poll() -> None:
        while not stop.is_set():
            now = time.perf_counter()
            for part, off in _positions(engine).items():
                pending = sent.get(part, [])
                i = done.get(part, 0)
                while i < len(pending) and pending[i][0] <= off:
                    latencies.append((now - pending[i][1]) * 1000)
                    i += 1
                done[part] = i
            time.sleep(0.002)

    try:
        log.append(data[:1])  # warm up: the worker creates its tables and gets its partitions
        _wait(lambda: _applied(engine) >= 1, 120, "the worker to start")
        poller = threading.Thread(target=poll, daemon=True)
        poller.start()
        step = 0.01
        per_step = max(1, int(rate * step))
        start = time.perf_counter()
        for k, i in enumerate(range(1, n, per_step)):
            # pace against the schedule, not the previous send, so the rate holds
            time.sleep(max(0.0, start + k * step - time.perf_counter()))
            t = time.perf_counter()
            for pos in log.append(data[i : i + per_step]):
                sent.setdefault(pos.partition, []).append((pos.offset, t))
        _wait(lambda: len(latencies) >= n - 1, 600, "every event to be projected")
        stop.set()
        poller.join()
    finally:
        stop.set()
        _stop(proc)
        engine.dispose()
        log.close()
    q = statistics.quantiles(latencies, n=100)
    return q[49], q[98], n


def naive_worker() -> None:
    """The baseline: a faust agent that opens a transaction and commits per event."""
    import faust

    from events.streams import STREAMS, topic_name
    from projections.projector import Projector
    from services.processor.worker import message_record

    settings = Settings()
    engine = projection_engine(settings.resolved_database_url())
    projector = Projector(engine)
    projector.create()
    bootstrap = settings.resolved_event_log_url().split("://", 1)[1]
    app = faust.App(settings.kafka_group, broker=f"kafka://{bootstrap}", store="memory://",
                    web_enabled=False, autodiscover=False, consumer_auto_offset_reset="earliest")
    topic = app.topic(*(topic_name(s, settings.kafka_topic_prefix) for s in STREAMS),
                      key_type=bytes, value_type=bytes, key_serializer="raw",
                      value_serializer="raw")

    @app.agent(topic, concurrency=1)
    async def project(stream: Any) -> None:
        async for event in stream.events():
            record = message_record(event.message, settings.kafka_topic_prefix)
            with engine.begin() as conn:
                projector.apply_in(conn, [record])

    faust.Worker(app, loglevel="WARNING", quiet=True).execute_from_commandline()


def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap")
    parser.add_argument("--database")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=3_000)
    parser.add_argument("--rate", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--naive-worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.naive_worker:
        naive_worker()
        return
    import tempfile

    import infra

    bootstrap = args.bootstrap
    if bootstrap is None:
        broker = infra.kafka_bootstrap()
        if isinstance(broker, infra.Unavailable):
            raise SystemExit(broker.reason)
        bootstrap = broker.bootstrap
    admin_url = args.database
    if admin_url is None:
        server = infra.postgres_url()
        if isinstance(server, infra.Unavailable):
            raise SystemExit(server.reason)
        admin_url = server.url
    work = Path(tempfile.mkdtemp(prefix="ipmon-bench-"))
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    log = KafkaEventLog(bootstrap, prefix=prefix, partitions=PARTITIONS)
    data = list(synthetic_events(args.events))
    produced = producer_rate(log, data)
    print(f"producer             {produced:>10,.0f} events/s  ({len(data):,} events, 1 process)")
    log.close()
    wall, per_core, every = worker_rate(bootstrap, admin_url, prefix, len(data), False, work)
    print(f"end to end, 1 worker {wall:>10,.0f} events/s wall, {per_core:,.0f} per worker CPU s"
          f" (input events; {every:,.0f}/s with the alert events it raised and consumed)")
    naive_wall, naive_core, naive_every = worker_rate(
        bootstrap, admin_url, prefix, len(data), True, work, sample=args.naive_sample
    )
    print(f"naive baseline       {naive_wall:>10,.0f} events/s wall, "
          f"{naive_core:,.0f} per worker CPU s (first {args.naive_sample:,} input events;"
          f" {naive_every:,.0f}/s with alert events)")
    print(f"ratio                {wall / naive_wall:>10.1f}x")
    p50, p99, n = latency(bootstrap, admin_url, args.rate, args.seconds, work)
    print(f"latency @{args.rate:,}/s     p50 {p50:.1f} ms, p99 {p99:.1f} ms ({n:,} events)")


if __name__ == "__main__":
    main()
