"""Property-based run of the OpenAPI document: no generated request makes the server fail.

Each operation gets a bounded number of generated requests (positive and negative data),
sent with the bearer token so write endpoints are exercised past authentication too.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_support import TOKEN, make_app
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error

from services.api import context_for, create_app

EXAMPLES_PER_OPERATION = 20


@pytest.fixture(scope="module")
def schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    app = make_app(tmp_path_factory.mktemp("schemathesis"))
    try:
        yield schemathesis.openapi.from_asgi("/openapi.json", create_app(context_for(app)))
    finally:
        app.close()


def test_openapi_document_is_valid(schema: Any) -> None:
    operations = [op.ok() for op in schema.get_all_operations()]
    assert len(operations) >= 15


def test_no_server_errors(schema: Any) -> None:
    operations = [op.ok() for op in schema.get_all_operations()]
    checked: list[str] = []
    for operation in operations:
        strategy = operation.as_strategy()

        @given(case=strategy)
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, derandomize=True,
                  database=None, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(
                headers={"Authorization": f"Bearer {TOKEN}"}, checks=[not_a_server_error]
            )

        run()
        checked.append(operation.label)
    assert len(checked) == len(operations)


def test_strategies_cover_the_write_endpoints(schema: Any) -> None:
    labels = {op.ok().label for op in schema.get_all_operations()}
    assert {"POST /api/documents", "POST /api/alerts/acknowledge",
            "POST /api/alerts/silence"} <= labels
