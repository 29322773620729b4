"""One contract for the webhook delivery store on both databases (SQLite and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from services.alerts.delivery import DeliveryStore, Settled
from services.bootstrap import delivery_engine


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DeliveryStore]:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'projections.sqlite'}"
        yield from _store(url)
    else:
        from infra import fresh_database

        with fresh_database(request.getfixturevalue("postgres_url")) as url:
            yield from _store(url)


def _store(url: str) -> Iterator[DeliveryStore]:
    s = DeliveryStore(delivery_engine(url))
    s.create()
    yield s
    s.engine.dispose()


def told(status: str = "firing") -> Settled:
    return Settled("ops", "k1", {("growth_mismatch", "m|CN|2020"): status})


def test_a_receiver_starts_once_at_the_cursor_it_was_first_seen_with(
    store: DeliveryStore,
) -> None:
    assert store.register("ops", {"p:0": 4, "p:1": 7}, 1.0)
    assert not store.register("ops", {"p:0": 99}, 2.0)
    assert store.position("ops") == {"p:0": 4, "p:1": 7}
    store.advance("ops", {"p:0": 9})
    assert store.position("ops") == {"p:0": 9, "p:1": 7}
    assert store.position("other") == {}


def test_told_states_are_kept_per_receiver(store: DeliveryStore) -> None:
    key = ("growth_mismatch", "m|CN|2020")
    store.acknowledged(told())
    assert store.notified("ops", [key, ("x", "y")]) == {key: "firing"}
    assert store.notified("other", [key]) == {}
    store.acknowledged(told("resolved"))
    assert store.notified("ops", [key]) == {key: "resolved"}
    assert store.stats() == {("ops", "sent"): 2}


def test_failures_keep_the_first_attempt_time_until_settled(store: DeliveryStore) -> None:
    assert store.failed("ops", "k1", "HTTP 503", 10.0) == 10.0
    assert store.failed("ops", "k1", "HTTP 503", 20.0) == 10.0
    assert store.oldest_pending() == {"ops": 10.0}
    assert store.failed("ops", "k2", "HTTP 503", 30.0) == 30.0  # another notification
    store.dead_lettered(Settled("ops", "k2", {}), {"alerts": []}, "expired: HTTP 503", 40.0)
    dead = store.dead("ops")
    assert [(d["idempotency_key"], d["attempts"], d["first_attempt_at"]) for d in dead] == [
        ("k2", 1, 30.0)]
    assert store.oldest_pending() == {}
    assert store.stats() == {("ops", "failed"): 3, ("ops", "dead_lettered"): 1}


def test_one_holder_of_a_lease_at_a_time(store: DeliveryStore) -> None:
    assert store.hold_lease("ops", "a", 10, 100.0)
    assert not store.hold_lease("ops", "b", 10, 105.0)
    assert store.hold_lease("ops", "a", 10, 105.0)  # renewed until 115
    assert not store.hold_lease("ops", "b", 10, 114.0)
    assert store.hold_lease("ops", "b", 10, 116.0)  # a died: its lease ran out
    assert not store.hold_lease("ops", "a", 10, 117.0)
    store.release_lease("ops", "b")
    assert store.hold_lease("ops", "a", 10, 118.0)
    assert store.hold_lease("other", "b", 10, 118.0)  # leases are per receiver


def test_processes_starting_together_register_and_lease_once(store: DeliveryStore) -> None:
    import threading

    others = [DeliveryStore(store.engine) for _ in range(4)]
    barrier = threading.Barrier(len(others))
    results: list[tuple[bool, bool]] = []

    def start(s: DeliveryStore, holder: str) -> None:
        barrier.wait()
        results.append((s.register("ops", {"p:0": 1}, 1.0), s.hold_lease("ops", holder, 10, 1.0)))

    threads = [threading.Thread(target=start, args=(s, f"h{i}")) for i, s in enumerate(others)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 4  # nobody raised
    assert sum(r for r, _ in results) == 1
    assert sum(h for _, h in results) == 1
