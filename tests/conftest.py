"""Session fixtures for real servers; the logic lives in tests/infra.py."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import NoReturn

import infra
import pytest
from webhook_receiver import Receiver


def _unavailable(reason: str) -> NoReturn:
    """Skip, except in CI (``CI=true``), where a missing server is a failure."""
    if os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}:
        pytest.fail(f"{reason} (CI=true: real servers are required)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def kafka_bootstrap() -> Iterator[str]:
    """``host:port`` of a real Kafka broker; ``infra.broker_for()`` gives its handle."""
    broker = infra.kafka_bootstrap()
    if isinstance(broker, infra.Unavailable):
        _unavailable(broker.reason)
    try:
        yield broker.bootstrap
    finally:
        broker.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """SQLAlchemy URL (``postgresql+psycopg://...``) of a real PostgreSQL database."""
    server = infra.postgres_url()
    if isinstance(server, infra.Unavailable):
        _unavailable(server.reason)
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on loopback that accepts notifications (scriptable answers)."""
    r = Receiver()
    yield r
    r.close()


@pytest.fixture(scope="session")
def alertmanager() -> Iterator[infra.Alertmanager]:
    """A real Alertmanager (Debian's prometheus-alertmanager) for the whole session."""
    server = infra.alertmanager()
    if isinstance(server, infra.Unavailable):
        _unavailable(server.reason)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def later_alertmanager() -> Iterator[infra.Alertmanager]:
    """An Alertmanager of its own with a port and a folder, not started yet."""
    server = infra.alertmanager(started=False)
    if isinstance(server, infra.Unavailable):
        _unavailable(server.reason)
    try:
        yield server
    finally:
        server.close()
