"""One contract for every EventLog adapter: each adapter fixture must pass all of it."""

from __future__ import annotations

import multiprocessing as mp
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from factories import statistic

from events.log import EventLog, advance
from events.log.memory import MemoryEventLog
from events.log.sqlite import SqliteEventLog

LogFactory = Callable[[], EventLog]


@pytest.fixture(params=["memory", "sqlite", pytest.param("kafka", marks=pytest.mark.kafka)])
def make_log(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LogFactory]:
    """A factory of handles on one fresh log; several handles see the same log."""
    opened: list[EventLog] = []
    if request.param == "memory":
        shared = MemoryEventLog()

        def factory() -> EventLog:
            return shared
    elif request.param == "kafka":
        from events.log.kafka import KafkaEventLog

        bootstrap = request.getfixturevalue("kafka_bootstrap")
        # a fresh set of topics per test; 3 partitions so partitioned reads are exercised
        prefix = f"contract{uuid.uuid4().hex[:10]}"

        def factory() -> EventLog:
            log = KafkaEventLog(bootstrap, prefix=prefix, partitions=3, replication=1)
            opened.append(log)
            return log
    else:
        path = tmp_path / "events.sqlite"

        def factory() -> EventLog:
            log = SqliteEventLog(path)
            opened.append(log)
            return log

    yield factory
    for log in opened:
        log.close()


def _events(n: int, start: int = 0) -> list:  # type: ignore[type-arg]
    return [
        statistic(
            period=f"{2000 + (i % 100)}-Q{1 + i // 100 % 4}", value=str(i + 1), doc=i // 400 + 1
        )
        for i in range(start, start + n)
    ]


def test_positions_are_gap_free_and_ordered(make_log: LogFactory) -> None:
    log = make_log()
    first = log.append(_events(5))
    second = log.append(_events(3, start=5))
    offsets = [p.offset for p in first + second]
    assert offsets == sorted(offsets)
    assert offsets == list(range(offsets[0], offsets[0] + 8))
    assert len({p.partition for p in first + second}) == 1


def test_append_is_idempotent_by_event_id(make_log: LogFactory) -> None:
    log = make_log()
    events = _events(4)
    first = log.append(events)
    assert first.new == 4
    again = log.append(events[1:3] + _events(1, start=4))
    assert list(again[:2]) == list(first[1:3])
    assert again.new == 1
    dup_in_batch = log.append([events[0], events[0]])
    assert dup_in_batch.new == 0 and dup_in_batch[0] == dup_in_batch[1] == first[0]
    assert len(log.read(limit=100)) == 5


def test_read_after_resumes_exactly(make_log: LogFactory) -> None:
    log = make_log()
    events = _events(10)
    log.append(events)
    seen, cursor = [], None
    while batch := log.read(None, cursor, limit=3):
        assert len(batch) <= 3
        seen += batch
        cursor = advance(cursor, batch)
    assert [r.event_id for r in seen] == [str(e.event_id) for e in events]
    assert [r.event().event_id for r in seen] == [e.event_id for e in events]
    log.append(_events(2, start=10))
    tail = log.read(None, cursor)
    assert [r.event_id for r in tail] == [str(e.event_id) for e in _events(2, start=10)]


def test_read_filters_by_stream(make_log: LogFactory) -> None:
    from factories import notice

    log = make_log()
    log.append([*_events(2), notice(), *_events(1, start=2)])
    stats = log.read("statistics")
    assert [r.stream for r in stats] == ["statistics"] * 3
    assert [r.event_type for r in log.read("policy")] == ["PolicyNoticeIssued"]
    assert log.read("alerts") == []
    assert [r.stream for r in log.read("statistics", advance(None, stats[:1]))] == [
        "statistics"
    ] * 2


def test_two_handles_see_one_log(make_log: LogFactory) -> None:
    a, b = make_log(), make_log()
    a.append(_events(3))
    b.append(_events(2, start=3))
    assert [r.position.offset for r in a.read()] == [r.position.offset for r in b.read()]
    assert len(b.read()) == 5


def _append_worker(path: str, start: int, n: int, batch: int) -> None:
    log = SqliteEventLog(path)
    for i in range(start, start + n, batch):
        log.append(_events(batch, start=i))
    log.close()


def test_concurrent_appenders_in_two_processes_lose_nothing(tmp_path: Path) -> None:
    path = str(tmp_path / "events.sqlite")
    SqliteEventLog(path).close()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_append_worker, args=(path, s, 600, 20)) for s in (0, 600)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0
    log = SqliteEventLog(path)
    records = log.read(limit=10_000)
    assert len(records) == 1200
    assert [r.position.offset for r in records] == list(range(1, 1201))
    assert {r.event_id for r in records} == {str(e.event_id) for e in _events(1200)}
    log.close()
