"""Fixtures of the API and dashboard tests: an embedded ipmon over the test events."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import make_app
from fastapi.testclient import TestClient

from services.api import context_for, create_app
from services.bootstrap import App


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    application = make_app(tmp_path)
    yield application
    application.close()


@pytest.fixture
def client(app: App) -> Iterator[TestClient]:
    with TestClient(create_app(context_for(app))) as c:
        yield c
