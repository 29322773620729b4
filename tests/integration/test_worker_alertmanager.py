"""Workers on Kafka and PostgreSQL keep ipmon's alerts alive in a real Alertmanager.

Only the lease holder re-sends; when it dies another worker takes the lease and the alert
stays active past the end the dead worker last gave it.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import infra
import pytest
import sqlalchemy as sa
from factories import statistic
from pipeline_support import Worker, unique, wait_until, worker_env

from events.log.kafka import KafkaEventLog
from services.alerts.delivery import leases
from services.bootstrap import delivery_engine

pytestmark = [pytest.mark.kafka, pytest.mark.postgres]


def holder_pid(database: str) -> int | None:
    engine = delivery_engine(database)
    try:
        with engine.connect() as conn:
            row = conn.execute(sa.select(leases.c.holder)).first()
    except sa.exc.ProgrammingError:
        return None  # not created yet
    finally:
        engine.dispose()
    return int(row.holder.split("-")[0]) if row else None


def ends(am: infra.Alertmanager, geo: str) -> datetime | None:
    found = am.query(f"geography={geo}")
    return datetime.fromisoformat(found[0]["endsAt"].replace("Z", "+00:00")) if found else None


def test_the_surviving_worker_keeps_re_sending(
    kafka_bootstrap: str, kafka_log: KafkaEventLog, prefix: str, database: str,
    tmp_path: Path, alertmanager: infra.Alertmanager,
) -> None:
    geo = unique("W")
    config = tmp_path / "alerts.toml"
    config.write_text(
        f'[notify]\nlease_s = 2\npoll_s = 0.2\n\n[[alertmanager]]\nname = "am"\n'
        f'url = "{alertmanager.url}"\nresend_s = 1\nbackoff_s = 0.2\n', encoding="utf-8")
    env = {**worker_env(kafka_bootstrap, database, prefix, unique("g")),
           "IPMON_ALERTS_CONFIG": str(config)}
    workers = [Worker(env, tmp_path / f"w{i}.log") for i in range(2)]
    try:
        kafka_log.append([
            statistic(period="2019-Q1", value="100", geography=geo, doc=1,
                      published=date(2019, 4, 20)),
            statistic(period="2020-Q1", value="150", change="+10%", geography=geo, doc=2,
                      published=date(2020, 4, 20)),
        ])
        wait_until(lambda: ends(alertmanager, geo) is not None, 120, "the alert")
        pid = holder_pid(database)
        dying = next(w for w in workers if w.proc.pid == pid)
        dying.kill()
        killed = datetime.now(UTC)
        survivor = next(w for w in workers if w is not dying)
        wait_until(lambda: holder_pid(database) == survivor.proc.pid, 60, "the lease to move")
        # each send lasts 4 s: an end beyond the kill plus 4 s was given by the survivor
        wait_until(lambda: (ends(alertmanager, geo) or killed) > killed + timedelta(seconds=5),
                   60, "a re-send by the survivor")
        assert survivor.alive(), survivor.output()
        found = alertmanager.query(f"geography={geo}")
        assert [a["labels"]["alertname"] for a in found] == ["growth_mismatch"]
    finally:
        for w in workers:
            w.stop()
