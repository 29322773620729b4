"""What the online rebuild reads of a log: up to the workers' positions, never past them."""

from __future__ import annotations

from factories import statistic

from events.log.memory import MemoryEventLog
from services.online_rebuild import capped


def filled(n: int) -> MemoryEventLog:
    log = MemoryEventLog()
    log.append([statistic(period=f"{2001 + i}", value=str(1000 + i), doc=i) for i in range(n)])
    return log


def offsets(batches: object) -> list[int]:
    return [r.position.offset for batch in batches for r in batch]  # type: ignore[attr-defined]


def test_reads_stop_at_the_cap_even_when_the_log_goes_on() -> None:
    log = filled(12)
    first = offsets(capped(log, {}, {"": 4}, batch=3))
    assert first == [1, 2, 3, 4]  # this log counts from 1
    assert offsets(capped(log, {"": 4}, {"": 9}, batch=3)) == [5, 6, 7, 8, 9]


def test_without_caps_the_whole_log_is_read_and_a_partition_without_one_not_at_all() -> None:
    log = filled(7)
    assert offsets(capped(log, {"": 1}, None, batch=2)) == [2, 3, 4, 5, 6, 7]
    assert offsets(capped(log, {}, {"elsewhere:0": 3}, batch=2)) == []


def test_a_cap_already_reached_reads_nothing() -> None:
    log = filled(5)
    assert offsets(capped(log, {"": 3}, {"": 3})) == []
    assert offsets(capped(log, {"": 3}, {"": 2})) == []
