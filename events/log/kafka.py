"""The distributed event log: one Kafka topic per stream, written with kafka-python.

Layout
    Each stream is a topic ``<prefix>.<stream>.v1``, created by ipmon on first use with the
    configured partitions and replication and unlimited retention (``retention.ms=-1``): the
    log is the system of record, so nothing may ever age out of it. Records are keyed by the
    event's subject, so every event of one series, notice or pilot lands in one partition and
    stays in order. The value is the event's JSON (``events.codec.encode``), the same bytes a
    downstream consumer validates against ``events/schemas``; headers carry ``event_id`` and
    ``event_type`` so readers route records without parsing them, and the CloudEvents 1.0
    attributes in binary content mode (``ce_specversion``, ``ce_id``, ``ce_source``,
    ``ce_type``, ``ce_subject``, ``ce_time``, ``ce_dataschema``, ``content-type``; see
    ``events.cloudevents``), so generic CloudEvents routers and SDKs read every record as a
    CloudEvent whose data is that same JSON. ``events/schemas/asyncapi.yaml`` describes the
    topics, keys, headers and messages.

Positions
    ``Position(partition="<topic>:<p>", offset)``. Offsets are gap-free and ordered within one
    partition only; there is no order between partitions. ``read(None, ...)`` merges the
    partitions of every stream topic by record timestamp, keeping each partition's order.

Durability
    The producer is idempotent (``enable_idempotence=True``, ``acks=all``), so its own retries
    (a broker restart, a lost response) never write a record twice. A batch is *not* atomic
    across partitions: when ``append`` raises, some events may be stored and others not.
    Retrying the same batch is always safe because append is idempotent by event id.

Idempotence by event id
    The adapter keeps an index ``event_id -> Position`` of the stream topics it writes to.
    An event's type fixes its stream, so an id can only ever be stored in that stream's
    topic, and a topic's index is all an append to it must consult. A topic's index is
    built on the handle's first ``append`` to it, by scanning the topic from its start, and
    brought up to date before each later ``append`` by reading only what other writers added
    since (one ``ListOffsets`` round trip when nothing is new; what this handle wrote itself
    is indexed from the producer's acknowledgements, never re-read).
    Cost: the first append to a stream reads that stream's topic once (document texts
    included; ids come from headers, so records are not parsed), and the index holds about
    100 bytes per event in memory (10 million events: about 1 GB). The alternative, a
    compacted ids topic, would keep memory flat but add a second write per event and still
    need a local cache for speed; a scan keeps the log itself the single source of truth.
    Two writers appending the *same* new event at the same instant can both store it; the
    projector still counts it once, because base rows are keyed by event id. ipmon runs one
    ingester per source, so this race needs two ingesters fed the same document at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

from kafka import KafkaConsumer, KafkaProducer, TopicPartition

from events.codec import encode
from events.envelope import Event
from events.log.kafka_ranges import merge_by_time, poll_ranges
from events.log.kafka_records import (
    SubjectPartitioner,
    ensure_topics,
    parse_label,
    partition_label,
    record_headers,
    record_ids,
)
from events.log.port import Appended, Cursor, Position, Record
from events.streams import (
    DEFAULT_PARTITIONS,
    DEFAULT_REPLICATION,
    STREAMS,
    topic_name,
)

__all__ = [
    "KafkaEventLog",
    "SubjectPartitioner",
    "ensure_topics",
    "parse_label",
    "partition_label",
    "record_headers",
    "record_ids",
]


class KafkaEventLog:
    """The EventLog port on Apache Kafka (see the module docs for its guarantees)."""

    def __init__(
        self,
        bootstrap: str,
        prefix: str = "ipmon",
        partitions: int = DEFAULT_PARTITIONS,
        replication: int = DEFAULT_REPLICATION,
        *,
        client_id: str = "ipmon",
        timeout_s: float = 60.0,
        linger_ms: int = 100,
        create_topics: bool = True,
    ) -> None:
        self.bootstrap = bootstrap
        self.prefix = prefix
        self.partitions = partitions
        self.replication = replication
        self.timeout_s = timeout_s
        self._client_id = client_id
        self._linger_ms = linger_ms
        self._lock = threading.RLock()
        self._producer: Any = None
        self._consumer: Any = None
        self._tps: dict[str, list[Any]] = {}
        # event_id (16 raw bytes) -> position; None until the first append builds it
        self._index: dict[bytes, Position] | None = None
        self._indexed: dict[str, int] = {}
        self._indexed_streams: set[str] = set()
        if create_topics:
            ensure_topics(bootstrap, prefix, partitions, replication, timeout_s)

    # -- clients -----------------------------------------------------------------------

    def _get_producer(self) -> Any:
        if self._producer is None:
            self._producer = KafkaProducer(
                bootstrap_servers=self.bootstrap,
                client_id=f"{self._client_id}-producer",
                acks="all",
                enable_idempotence=True,
                # `append` flushes before it returns, which sends at once whatever lingers,
                # so the linger only decides how full the batches get while one append
                # is still handing records over; short lingers made a batch (a request,
                # a future, a sender wake-up) of every few dozen records.
                linger_ms=self._linger_ms,
                batch_size=512 * 1024,
                partitioner=SubjectPartitioner(),
                max_request_size=8 * 1024 * 1024,
                request_timeout_ms=30_000,
                delivery_timeout_ms=int(self.timeout_s * 1000) + 30_000,
            )
        return self._producer

    def _get_consumer(self) -> Any:
        if self._consumer is None:
            # No group: positions are the caller's cursor, never committed offsets.
            self._consumer = KafkaConsumer(
                bootstrap_servers=self.bootstrap,
                client_id=f"{self._client_id}-reader",
                group_id=None,
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                max_partition_fetch_bytes=8 * 1024 * 1024,
                request_timeout_ms=30_000,
            )
        return self._consumer

    def _partitions(self, stream: str) -> list[Any]:
        topic = topic_name(stream, self.prefix)
        tps = self._tps.get(topic)
        if tps is None:
            consumer = self._get_consumer()
            deadline = time.monotonic() + self.timeout_s
            parts = consumer.partitions_for_topic(topic)
            while not parts:
                # metadata of a topic created a moment ago may not have reached us yet
                if time.monotonic() > deadline:
                    raise TimeoutError(f"Kafka at {self.bootstrap} does not know topic {topic}")
                time.sleep(0.2)
                parts = consumer.partitions_for_topic(topic)
            tps = [TopicPartition(topic, p) for p in sorted(parts)]
            self._tps[topic] = tps
        return tps

    # -- the port ------------------------------------------------------------------------

    def append(self, events: Sequence[Event]) -> Appended:
        """Append events keyed by subject; ids stored already keep their first position."""
        encoded = [(e, encode(e)) for e in events]  # fail before sending anything
        with self._lock:
            index = self._refresh_index(e.stream for e, _ in encoded)
            producer = self._get_producer()
            pending: dict[bytes, Any] = {}
            order: list[bytes] = []
            for event, data in encoded:
                key = event.event_id.bytes
                order.append(key)
                if key in index or key in pending:
                    continue
                pending[key] = producer.send(
                    topic_name(event.stream, self.prefix),
                    key=event.subject.encode(),
                    value=data,
                    headers=record_headers(event),
                )
            producer.flush(timeout=self.timeout_s)
            written: dict[str, list[int]] = {}
            failure: Exception | None = None
            for key, future in pending.items():
                try:
                    meta = future.get(timeout=self.timeout_s)
                except Exception as exc:  # keep what was acknowledged, then report the rest
                    failure = failure or exc
                    continue
                label = partition_label(meta.topic, meta.partition)
                index[key] = Position(label, meta.offset)
                written.setdefault(label, []).append(meta.offset)
            self._advance_indexed(written)
            if failure is not None:
                raise failure
            return Appended((index[k] for k in order), new=len(pending))

    def read(
        self, stream: str | None = None, after: Cursor | None = None, limit: int = 1000
    ) -> list[Record]:
        """Up to `limit` records strictly after the cursor; each partition in offset order."""
        with self._lock:
            return self._read(stream, after, limit)

    def close(self) -> None:
        """Flush and close the producer and the reader."""
        with self._lock:
            if self._producer is not None:
                self._producer.close(timeout=self.timeout_s)
                self._producer = None
            if self._consumer is not None:
                self._consumer.close()
                self._consumer = None

    # -- helpers for operators and tests ---------------------------------------------------

    def topics(self) -> list[str]:
        """The names of every stream topic of this log."""
        return [topic_name(s, self.prefix) for s in STREAMS]

    def end_offsets(self, stream: str | None = None) -> dict[str, int]:
        """Partition label -> offset of the next record to be written (the log's head)."""
        with self._lock:
            tps = [tp for s in ([stream] if stream else STREAMS) for tp in self._partitions(s)]
            ends = self._end_offsets(tps)
            return {partition_label(tp.topic, tp.partition): int(ends[tp]) for tp in tps}

    # -- internals -----------------------------------------------------------------------

    def _read(self, stream: str | None, after: Cursor | None, limit: int) -> list[Record]:
        if limit <= 0:
            return []
        cursor = after or {}
        tps = [tp for s in ([stream] if stream else STREAMS) for tp in self._partitions(s)]
        consumer = self._get_consumer()
        ends = self._end_offsets(tps)
        wanted: dict[Any, tuple[int, int]] = {}
        for tp in tps:
            start = cursor.get(partition_label(tp.topic, tp.partition), -1) + 1
            if start < ends[tp]:
                wanted[tp] = (start, int(ends[tp]))
        if not wanted:
            return []
        got = poll_ranges(consumer, wanted, limit, self.prefix, self.timeout_s)
        return merge_by_time(got, limit)

    def _end_offsets(self, tps: list[Any]) -> dict[Any, int]:
        """The head offset of each partition, waiting out partitions with no known leader."""
        consumer = self._get_consumer()
        deadline = time.monotonic() + self.timeout_s
        while True:
            try:
                ends = consumer.end_offsets(tps, timeout_ms=int(self.timeout_s * 1000))
                return {tp: int(ends[tp]) for tp in tps}
            except KeyError:
                # kafka-python 3.0 leaves out partitions whose leader it does not know yet
                # (a new topic, a restarted broker) instead of retrying them; it has asked
                # for fresh metadata by then, so asking again shortly succeeds.
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no partition leaders known at {self.bootstrap}") from None
                time.sleep(0.1)

    def _refresh_index(self, streams: Iterable[str]) -> dict[bytes, Position]:
        """The id index of `streams`, first built from their topics, then topped up."""
        if self._index is None:
            self._index = {}
            self._indexed = {}
        index = self._index
        for stream in sorted(set(streams)):
            if stream not in self._indexed_streams:
                # first append to this stream: index every partition from its start
                for tp in self._partitions(stream):
                    self._indexed.setdefault(partition_label(tp.topic, tp.partition), -1)
                self._indexed_streams.add(stream)
            while records := self._read(stream, self._indexed, 50_000):
                for r in records:
                    if r.event_id:
                        try:
                            key = uuid.UUID(r.event_id).bytes
                        except ValueError:
                            continue  # not an ipmon event id: nothing can collide with it
                        index.setdefault(key, r.position)
                    part, off = r.position
                    if off > self._indexed.get(part, -1):
                        self._indexed[part] = off
        return index

    def _advance_indexed(self, written: dict[str, list[int]]) -> None:
        """Mark our own writes indexed where they directly follow what was indexed before."""
        for label, offsets in written.items():
            offsets.sort()
            expected = self._indexed.get(label, -1) + 1
            if offsets[0] == expected and offsets[-1] - offsets[0] == len(offsets) - 1:
                self._indexed[label] = offsets[-1]
            # otherwise another writer interleaved: the next refresh reads the range again
