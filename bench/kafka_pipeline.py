"""Benchmark of the distributed pipeline on a real Kafka broker and a real PostgreSQL.

    python bench/kafka_pipeline.py [--bootstrap HOST:PORT] [--database URL] [--events N]

Without --bootstrap / --database it starts both the way the tests do (tests/infra.py).
Workers are started as operators start them, `ipmon worker`, with their options in the
environment. Measures, in one run, each figure beside its baseline of the same run:

* producer: events/s through `KafkaEventLog.append` (one process, batches of 5,000), beside
  a bare kafka-python producer sending the same encoded bytes with its default settings;
* end to end: input events/s through one worker into PostgreSQL (wall clock, and per CPU
  second of the worker process, i.e. per worker core), beside the naive agent
  (bench/naive_worker.py: a transaction and a commit per event);
* alert events the worker raised per input event, counted apart from the input;
* scale-out: 4 partitions and 2 workers of one group, every input event applied once, and
  their events per worker CPU second beside one worker's;
* latency: p50/p99 from the append call to the projections' commit at a fixed 2,000 events/s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path[:0] = [str(HERE), str(REPO / "tests")]

from kafka_support import (  # noqa: E402
    NAIVE,
    PARTITIONS,
    WORKER,
    Rate,
    applied,
    applied_once,
    new_database,
    positions,
    spawn,
    stop,
    wait,
    worker_env,
    worker_rate,
)
from synthetic import events as synthetic_events  # noqa: E402

from events.log.kafka import KafkaEventLog  # noqa: E402
from services.bootstrap import projection_engine  # noqa: E402


def producer_rate(log: KafkaEventLog, batch: list[Any]) -> tuple[float, int]:
    """Events/s appended by one process in batches of 5,000, and the records written.

    Events of equal content share an id, so the log may hold fewer records than events.
    """
    start, written = time.perf_counter(), 0
    for i in range(0, len(batch), 5000):
        written += log.append(batch[i : i + 5000]).new
    return len(batch) / (time.perf_counter() - start), written


def bare_producer_rate(bootstrap: str, batch: list[Any]) -> float:
    """Events/s of kafka-python's producer, default settings, sending the same encoded bytes."""
    from kafka import KafkaProducer

    from events.codec import encode
    from events.log.kafka import ensure_topics
    from events.streams import topic_name

    prefix = f"benchbare{uuid.uuid4().hex[:6]}"
    ensure_topics(bootstrap, prefix, PARTITIONS, 1)
    topic = topic_name("statistics", prefix)
    records = [(e.subject.encode(), encode(e)) for e in batch]
    producer = KafkaProducer(bootstrap_servers=bootstrap, acks="all")
    start = time.perf_counter()
    for key, value in records:
        producer.send(topic, key=key, value=value)
    producer.flush()
    took = time.perf_counter() - start
    producer.close()
    return len(batch) / took


def latency(
    bootstrap: str, admin_url: str, rate: int, seconds: float, work: Path
) -> tuple[float, float, int]:
    """p50 and p99 (ms) from append to committed projection at a fixed rate; events sent."""
    prefix = f"benchlat{uuid.uuid4().hex[:6]}"
    log = KafkaEventLog(bootstrap, prefix=prefix, partitions=PARTITIONS, linger_ms=1)
    database = new_database(admin_url)
    engine = projection_engine(database)
    proc = spawn(WORKER, worker_env(bootstrap, database, prefix, 0.005), work / "latency.log")
    n = int(rate * seconds)
    data = list(synthetic_events(n, seed=11))
    sent: dict[str, list[tuple[int, float]]] = {}
    done: dict[str, int] = {}
    latencies: list[float] = []
    done_polling = threading.Event()

    def poll() -> None:
        while not done_polling.is_set():
            now = time.perf_counter()
            for part, off in positions(engine).items():
                pending = sent.get(part, [])
                i = done.get(part, 0)
                while i < len(pending) and pending[i][0] <= off:
                    latencies.append((now - pending[i][1]) * 1000)
                    i += 1
                done[part] = i
            time.sleep(0.002)

    try:
        log.append(data[:1])  # warm up: the worker creates its tables and gets its partitions
        wait(lambda: applied(engine) >= 1, 120, "the worker to start")
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
        wait(lambda: len(latencies) >= n - 1, 600, "every event to be projected")
        done_polling.set()
        poller.join()
    finally:
        done_polling.set()
        stop(proc)
        engine.dispose()
        log.close()
    q = statistics.quantiles(latencies, n=100)
    return q[49], q[98], n


def _servers(args: argparse.Namespace) -> tuple[str, str]:
    """The broker and the PostgreSQL server given, or started the way the tests start them."""
    import infra

    bootstrap, admin_url = args.bootstrap, args.database
    if bootstrap is None:
        broker = infra.kafka_bootstrap()
        if isinstance(broker, infra.Unavailable):
            raise SystemExit(broker.reason)
        bootstrap = broker.bootstrap
    if admin_url is None:
        server = infra.postgres_url()
        if isinstance(server, infra.Unavailable):
            raise SystemExit(server.reason)
        admin_url = server.url
    return bootstrap, admin_url


def _topics(bootstrap: str, data: list[Any], partitions: int) -> tuple[str, int]:
    """A fresh topic prefix with `data` appended to it; the prefix and the records written."""
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    log = KafkaEventLog(bootstrap, prefix=prefix, partitions=partitions)
    written = sum(log.append(data[i : i + 5000]).new for i in range(0, len(data), 5000))
    log.close()
    return prefix, written


def _workers(
    bootstrap: str, admin_url: str, prefix: str, target: int, command: list[str], work: Path,
    workers: int = 1, partitions: int = PARTITIONS,
) -> tuple[Rate, str]:
    database = new_database(admin_url)
    env = worker_env(bootstrap, database, prefix, 0.2, partitions)
    return worker_rate(env, database, target, command, work, workers), database


def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bootstrap")
    parser.add_argument("--database")
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--naive-sample", type=int, default=3_000)
    parser.add_argument("--rate", type=int, default=2_000)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    import tempfile

    bootstrap, admin_url = _servers(args)
    work = Path(tempfile.mkdtemp(prefix="ipmon-bench-"))
    prefix = f"bench{uuid.uuid4().hex[:6]}"
    data = list(synthetic_events(args.events))
    log = KafkaEventLog(bootstrap, prefix=prefix, partitions=PARTITIONS)
    produced, written = producer_rate(log, data)
    log.close()
    bare = bare_producer_rate(bootstrap, data)
    print(f"producer             {produced:>10,.0f} events/s  (target >= 15,000; bare "
          f"kafka-python, same bytes: {bare:,.0f}/s; {len(data):,} events, 1 process)")
    one, _ = _workers(bootstrap, admin_url, prefix, written, WORKER, work)
    naive, _ = _workers(bootstrap, admin_url, prefix, args.naive_sample, NAIVE, work)
    print(f"end to end, 1 worker {one.wall:>10,.0f} input events/s wall, {one.per_cpu:,.0f} per "
          f"worker CPU s (target >= 10,000; {one.every:,.0f}/s with its own alert events)")
    print(f"naive baseline       {naive.wall:>10,.0f} input events/s wall, {naive.per_cpu:,.0f} "
          f"per worker CPU s (first {args.naive_sample:,} input events)")
    print(f"ratio to naive       {one.wall / naive.wall:>10.1f}x wall, "
          f"{one.per_cpu / naive.per_cpu:.1f}x per CPU s (target >= 20x)")
    print(f"alert events         {one.alerts / max(one.inputs, 1):>10.3f} per input event "
          f"({one.alerts:,} raised for {one.inputs:,}; naive: "
          f"{naive.alerts / max(naive.inputs, 1):.3f})")
    scaled_prefix, scaled = _topics(bootstrap, data, 4)
    two, database = _workers(bootstrap, admin_url, scaled_prefix, scaled, WORKER, work,
                             workers=2, partitions=4)
    print(f"scale-out, 4 parts   {two.wall:>10,.0f} input events/s wall with 2 workers, "
          f"{two.per_cpu:,.0f} per worker CPU s ({two.per_cpu / one.per_cpu:.0%} of one "
          f"worker's; target >= 80%), each event applied once: "
          f"{'yes' if applied_once(database, data) else 'NO'}")
    p50, p99, n = latency(bootstrap, admin_url, args.rate, args.seconds, work)
    print(f"latency @{args.rate:,}/s     p50 {p50:.1f} ms, p99 {p99:.1f} ms ({n:,} events, "
          f"1 worker; target p99 <= 50 ms)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
