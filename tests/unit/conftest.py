"""Fixtures of the unit tests: an embedded ipmon over the test events for the API and
dashboard, and an embedded runner over empty stores for the alert rules."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from api_support import make_app
from fastapi.testclient import TestClient

from events.log.sqlite import SqliteEventLog
from projections.projector import Projector
from services.alerts.rules import AlertConfig
from services.alerts.sinks import MemorySink
from services.api import context_for, create_app
from services.bootstrap import App
from services.processor.embedded import EmbeddedRunner


@pytest.fixture
def runner(tmp_path: Path) -> Iterator[EmbeddedRunner]:
    """An embedded runner with the default rules over an empty log and projections."""
    log = SqliteEventLog(tmp_path / "events.sqlite")
    engine = sa.create_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    projector = Projector(engine)
    projector.create()
    yield EmbeddedRunner(log, projector, AlertConfig(), [MemorySink()])
    log.close()
    engine.dispose()


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    application = make_app(tmp_path)
    yield application
    application.close()


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(create_app(context_for(app))) as c:
        yield c
