"""Worker processes and what they applied, for bench/kafka_pipeline.py."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from projections import tables
from services.bootstrap import projection_engine

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PARTITIONS = 6
IPMON = Path(sys.executable).with_name("ipmon")
WORKER = [str(IPMON), "worker"]
NAIVE = [sys.executable, str(HERE / "naive_worker.py")]


def positions(engine: sa.Engine) -> dict[str, int]:
    p = tables.positions
    try:
        with engine.connect() as conn:
            rows = conn.execute(sa.select(p.c.partition, p.c.offset).where(p.c.projector == "main"))
            return {part: int(off) for part, off in rows}
    except sa.exc.ProgrammingError:
        return {}


# streams the worker itself writes to: the alerts it raises come back to it as events
_OWN = (".alerts.v1:", ".deadletter.v1:")


def applied(engine: sa.Engine) -> int:
    return sum(off + 1 for off in positions(engine).values())


def alerts_applied(engine: sa.Engine) -> int:
    """Records of the alerts topic the worker consumed back: the alert events it raised."""
    return sum(off + 1 for part, off in positions(engine).items() if _OWN[0] in part)


def input_applied(engine: sa.Engine) -> int:
    """Applied records of the streams the producer wrote, without the worker's own alerts."""
    return sum(
        off + 1 for part, off in positions(engine).items() if not any(o in part for o in _OWN)
    )


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def new_database(admin_url: str) -> str:
    name = f"bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def worker_env(
    bootstrap: str, database: str, prefix: str, within_s: float, partitions: int = PARTITIONS
) -> dict[str, str]:
    return {
        **os.environ,
        "IPMON_EVENT_LOG_URL": f"kafka://{bootstrap}",
        "IPMON_DATABASE_URL": database,
        "IPMON_KAFKA_TOPIC_PREFIX": prefix,
        "IPMON_KAFKA_PARTITIONS": str(partitions),
        "IPMON_KAFKA_GROUP": f"bench-{uuid.uuid4().hex[:6]}",
        "IPMON_BATCH_SIZE": "5000",
        "IPMON_WORKER_WITHIN_S": str(within_s),
        "IPMON_WORKER_METRICS_PORT": "0",
        "PYTHONPATH": str(REPO),
    }


def spawn(args: Sequence[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    out = log.open("wb")
    return subprocess.Popen(args, env=env, cwd=REPO, stdout=out, stderr=subprocess.STDOUT)


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def wait(check: Any, timeout_s: float, what: str) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError(f"gave up waiting for {what}")
        time.sleep(0.005)


@dataclass(frozen=True)
class Rate:
    """Throughput of workers over one window, from their first commit to the last."""

    wall: float  # input events/s
    per_cpu: float  # input events per CPU second of the workers, summed
    every: float  # events/s with the alert events they raised and consumed back
    alerts: int  # alert events raised
    inputs: int  # input events applied


def worker_rate(
    env: dict[str, str], database: str, target: int, command: list[str], work: Path,
    workers: int = 1,
) -> Rate:
    """Run `workers` processes of `command` until `target` input events are applied."""
    engine = projection_engine(database)
    procs = [spawn(command, env, work / f"{Path(command[-1]).stem}-{i}.log")
             for i in range(workers)]
    try:
        wait(lambda: input_applied(engine) > 0, 120, "the first commit")
        t0, c0 = time.perf_counter(), sum(cpu_seconds(p.pid) for p in procs)
        n0, a0, r0 = input_applied(engine), applied(engine), alerts_applied(engine)
        wait(lambda: input_applied(engine) >= target, 900, "the workers to finish")
        t1, c1 = time.perf_counter(), sum(cpu_seconds(p.pid) for p in procs)
        n1, a1, r1 = input_applied(engine), applied(engine), alerts_applied(engine)
    finally:
        for p in procs:
            stop(p)
        engine.dispose()
    wall = t1 - t0
    return Rate((n1 - n0) / wall, (n1 - n0) / max(c1 - c0, 1e-9), (a1 - a0) / wall, r1 - r0,
                n1 - n0)


def applied_once(database: str, data: list[Any]) -> bool:
    """Whether the projections hold each input statistic exactly once and nothing else."""
    engine = projection_engine(database)
    try:
        with engine.connect() as conn:
            ids = conn.execute(sa.select(tables.observations.c.event_id)).scalars().all()
    finally:
        engine.dispose()
    wanted = {str(e.event_id) for e in data if e.stream == "statistics"}
    return len(ids) == len(set(ids)) == len(wanted) and set(ids) == wanted


