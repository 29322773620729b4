"""Reading offset ranges of Kafka partitions into records, and merging them by time.

The read path of the Kafka event log (`events.log.kafka`): given the range of offsets
wanted from each partition, poll until every range is read or holds no more records.
"""

from __future__ import annotations

import heapq
import time
from typing import Any

from events.log.kafka_records import partition_label, record_ids
from events.log.port import Position, Record
from events.streams import stream_of_topic

Stamped = tuple[int, Record]


def _take(
    batch: list[Any], bucket: list[Stamped], tp: Any, end: int, limit: int, prefix: str
) -> bool:
    """Append a polled batch's records below `end` to `bucket`; True when the range is done."""
    stream_name = stream_of_topic(tp.topic, prefix)
    label = partition_label(tp.topic, tp.partition)
    for r in batch:
        if r.offset >= end or len(bucket) >= limit:
            break
        eid, etype = record_ids(r.headers or (), r.value)
        record = Record(Position(label, r.offset), stream_name, eid, etype, bytes(r.value or b""))
        bucket.append((int(r.timestamp), record))
    last = bucket[-1][1].position.offset if bucket else -1
    return last + 1 >= end or len(bucket) >= limit


def poll_ranges(
    consumer: Any,
    wanted: dict[Any, tuple[int, int]],
    limit: int,
    prefix: str,
    timeout_s: float,
) -> dict[Any, list[Stamped]]:
    """Up to `limit` records of each partition's [start, end) range, with their timestamps."""
    consumer.assign(list(wanted))
    for tp, (start, _) in wanted.items():
        consumer.seek(tp, start)
    got: dict[Any, list[Stamped]] = {tp: [] for tp in wanted}
    pending = set(wanted)
    deadline = time.monotonic() + timeout_s
    while pending:
        if time.monotonic() > deadline:
            raise TimeoutError(f"reading {sorted(map(str, pending))} took too long")
        polled = consumer.poll(timeout_ms=200, max_records=max(limit, 500))
        for tp, batch in polled.items():
            if tp in pending and _take(batch, got[tp], tp, wanted[tp][1], limit, prefix):
                pending.discard(tp)
                consumer.pause(tp)
        for tp in list(pending):
            if tp not in polled and consumer.position(tp) >= wanted[tp][1]:
                pending.discard(tp)  # the rest of the range holds no records
    consumer.resume(*wanted)
    return got


def merge_by_time(got: dict[Any, list[Stamped]], limit: int) -> list[Record]:
    """The first `limit` records of all partitions, merged by record timestamp."""
    # Record timestamps approximate the order of appends across partitions; the merge
    # only ever takes a partition's next record, so each partition keeps its order.
    merged = heapq.merge(
        *(got[tp] for tp in sorted(got, key=lambda t: (t.topic, t.partition))),
        key=lambda pair: pair[0],
    )
    out: list[Record] = []
    for _, record in merged:
        out.append(record)
        if len(out) >= limit:
            break
    return out
