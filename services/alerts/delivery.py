"""What webhook delivery remembers: positions, notified states, leases, pending, dead letters.

The store lives apart from the projections (its own SQLite file or PostgreSQL schema), so
a rebuild, which replaces the projections, never forgets what receivers were told. Every
change a delivery step makes commits in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from projections.tables import create_missing

S = sa.String
metadata = sa.MetaData()

receivers = sa.Table(
    "delivery_receivers", metadata,
    sa.Column("receiver", S(100), primary_key=True),
    sa.Column("since", sa.Float, nullable=False),
)
positions = sa.Table(
    "delivery_positions", metadata,
    sa.Column("receiver", S(100), primary_key=True),
    sa.Column("partition", S(255), primary_key=True),
    sa.Column("offset", sa.BigInteger, nullable=False),
)
notified = sa.Table(
    "delivery_notified", metadata,
    sa.Column("receiver", S(100), primary_key=True),
    sa.Column("rule", S(64), primary_key=True),
    sa.Column("key", S(400), primary_key=True),
    sa.Column("status", S(16), nullable=False),
)
pending = sa.Table(
    "delivery_pending", metadata,
    sa.Column("receiver", S(100), primary_key=True),
    sa.Column("idempotency_key", S(64), nullable=False),
    sa.Column("first_attempt_at", sa.Float, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("last_error", sa.Text),
)
counts = sa.Table(
    "delivery_counts", metadata,
    sa.Column("receiver", S(100), primary_key=True),
    sa.Column("outcome", S(32), primary_key=True),
    sa.Column("n", sa.BigInteger, nullable=False),
)
dead_letters = sa.Table(
    "delivery_dead_letters", metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("receiver", S(100), nullable=False, index=True),
    sa.Column("idempotency_key", S(64), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
    sa.Column("first_attempt_at", sa.Float, nullable=False),
    sa.Column("dead_at", sa.Float, nullable=False),
    sa.Column("payload", sa.JSON, nullable=False),
)
leases = sa.Table(
    "delivery_leases", metadata,
    sa.Column("receiver", S(100), primary_key=True),
    sa.Column("holder", S(100), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

AlertKey = tuple[str, str]


@dataclass(frozen=True)
class Settled:
    """A notification the receiver acknowledged or that was given up on."""

    receiver: str
    idempotency_key: str
    states: Mapping[AlertKey, str]


def _upsert(
    conn: Connection, table: sa.Table, keys: dict[str, Any], values: dict[str, Any],
) -> None:
    # one writer per receiver (the lease), so update-then-insert cannot race
    where = sa.and_(*(table.c[k] == v for k, v in keys.items()))
    if conn.execute(table.update().where(where).values(**values)).rowcount == 0:
        conn.execute(table.insert().values(**keys, **values))


def _count(conn: Connection, receiver: str, outcome: str) -> None:
    keys = {"receiver": receiver, "outcome": outcome}
    c = counts.c
    where = sa.and_(c.receiver == receiver, c.outcome == outcome)
    if conn.execute(counts.update().where(where).values(n=c.n + 1)).rowcount == 0:
        conn.execute(counts.insert().values(**keys, n=1))


class DeliveryStore:
    """Delivery state of every webhook receiver, in one SQL database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def create(self) -> None:
        """Create any missing delivery tables."""
        create_missing(metadata, self.engine)

    def register(self, receiver: str, cursor: Mapping[str, int], now: float) -> bool:
        """Start a receiver seen for the first time at `cursor`; False if it was known."""
        try:
            with self.engine.begin() as conn:
                known = conn.execute(
                    sa.select(receivers.c.receiver).where(receivers.c.receiver == receiver)
                ).first()
                if known is not None:
                    return False
                conn.execute(receivers.insert().values(receiver=receiver, since=now))
                self._advance(conn, receiver, cursor)
                return True
        except sa.exc.IntegrityError:
            return False  # another process registered it at the same moment

    def position(self, receiver: str) -> dict[str, int]:
        """The alerts-stream cursor up to which the receiver was served."""
        p = positions.c
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(p.partition, p.offset).where(p.receiver == receiver))
            return {part: int(off) for part, off in rows}

    def advance(self, receiver: str, cursor: Mapping[str, int]) -> None:
        """Store the receiver's new position once a batch is settled."""
        with self.engine.begin() as conn:
            self._advance(conn, receiver, cursor)

    def _advance(self, conn: Connection, receiver: str, cursor: Mapping[str, int]) -> None:
        for part, off in cursor.items():
            _upsert(conn, positions, {"receiver": receiver, "partition": part}, {"offset": off})

    def notified(self, receiver: str, keys: Iterable[AlertKey]) -> dict[AlertKey, str]:
        """The status last notified to the receiver for each alert key that has one."""
        wanted = set(keys)
        n = notified.c
        with self.engine.connect() as conn:
            rows = conn.execute(
                sa.select(n.rule, n.key, n.status).where(
                    n.receiver == receiver, n.key.in_(sorted({k for _, k in wanted}))
                )
            )
            return {(r, k): s for r, k, s in rows if (r, k) in wanted}

    def firing(self, receiver: str) -> list[AlertKey]:
        """The alert keys the receiver was last told are firing."""
        n = notified.c
        q = sa.select(n.rule, n.key).where(n.receiver == receiver, n.status == "firing")
        with self.engine.connect() as conn:
            return [(r, k) for r, k in conn.execute(q.order_by(n.rule, n.key))]

    def count(self, receiver: str, outcome: str) -> None:
        """Count one outcome outside a notification's life (a re-send, say)."""
        with self.engine.begin() as conn:
            _count(conn, receiver, outcome)

    def acknowledged(self, settled: Settled) -> None:
        """The receiver took the notification: remember its states, count it sent."""
        self._settle(settled, "sent")

    def failed(self, receiver: str, key: str, error: str, now: float) -> float:
        """Record a failed attempt; returns when the first attempt of this notification was."""
        p = pending.c
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(p.idempotency_key, p.first_attempt_at, p.attempts)
                .where(p.receiver == receiver)
            ).first()
            first, attempts = now, 1
            if row is not None and row.idempotency_key == key:
                first, attempts = float(row.first_attempt_at), int(row.attempts) + 1
            _upsert(conn, pending, {"receiver": receiver},
                    {"idempotency_key": key, "first_attempt_at": first,
                     "attempts": attempts, "last_error": error})
            _count(conn, receiver, "failed")
            return first

    def dead_lettered(
        self, settled: Settled, payload: dict[str, Any], reason: str, now: float,
    ) -> None:
        """Give a notification up: keep it as a dead letter and move past it."""
        p = pending.c
        with self.engine.begin() as conn:
            row = conn.execute(
                sa.select(p.first_attempt_at, p.attempts).where(p.receiver == settled.receiver)
            ).first()
            conn.execute(dead_letters.insert().values(
                receiver=settled.receiver, idempotency_key=settled.idempotency_key,
                reason=reason, attempts=int(row.attempts) if row else 1,
                first_attempt_at=float(row.first_attempt_at) if row else now,
                dead_at=now, payload=payload,
            ))
            self._settle_in(conn, settled, "dead_lettered")

    def _settle(self, settled: Settled, outcome: str) -> None:
        with self.engine.begin() as conn:
            self._settle_in(conn, settled, outcome)

    def _settle_in(self, conn: Connection, settled: Settled, outcome: str) -> None:
        for (rule, key), status in settled.states.items():
            _upsert(conn, notified, {"receiver": settled.receiver, "rule": rule, "key": key},
                    {"status": status})
        conn.execute(pending.delete().where(pending.c.receiver == settled.receiver))
        _count(conn, settled.receiver, outcome)

    def hold_lease(self, receiver: str, holder: str, ttl_s: float, now: float) -> bool:
        """Take or renew the receiver's delivery lease; False while another holds it."""
        try:
            return self._hold(receiver, holder, ttl_s, now)
        except sa.exc.IntegrityError:
            return False  # another process took it at the same moment

    def _hold(self, receiver: str, holder: str, ttl_s: float, now: float) -> bool:
        c = leases.c
        with self.engine.begin() as conn:
            mine = sa.or_(c.holder == holder, c.expires_at < now)
            done = conn.execute(
                leases.update().where(c.receiver == receiver, mine)
                .values(holder=holder, expires_at=now + ttl_s)
            ).rowcount
            if done:
                return True
            if conn.execute(sa.select(c.holder).where(c.receiver == receiver)).first():
                return False
            conn.execute(leases.insert().values(receiver=receiver, holder=holder,
                                                expires_at=now + ttl_s))
            return True

    def release_lease(self, receiver: str, holder: str) -> None:
        """Give the lease up so another process can deliver at once."""
        with self.engine.begin() as conn:
            conn.execute(leases.delete().where(leases.c.receiver == receiver,
                                               leases.c.holder == holder))

    def stats(self) -> dict[tuple[str, str], int]:
        """Delivery outcomes per receiver since it was first seen."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(counts.c.receiver, counts.c.outcome, counts.c.n))
            return {(r, o): int(n) for r, o, n in rows}

    def oldest_pending(self) -> dict[str, float]:
        """Receiver -> when the first attempt of its undelivered notification was."""
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(pending.c.receiver, pending.c.first_attempt_at))
            return {r: float(t) for r, t in rows}

    def dead(self, receiver: str | None = None) -> list[dict[str, Any]]:
        """Dead-lettered notifications, oldest first."""
        q = sa.select(dead_letters).order_by(dead_letters.c.id)
        if receiver is not None:
            q = q.where(dead_letters.c.receiver == receiver)
        with self.engine.connect() as conn:
            return [dict(r._mapping) for r in conn.execute(q)]
