"""Property-based run of the OpenAPI document: no generated request makes the server fail,
and every status code the server answers with is one the document lists for the operation.

Each operation gets a bounded number of generated requests (positive and negative data),
sent with the bearer token so write endpoints are exercised past authentication too, and
again as a stranger: without the token, and as a page of another site.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_support import TOKEN, make_app
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, status_code_conformance

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


def _run_all(schema: Any, headers: dict[str, str], examples: int) -> list[str]:
    """Send each operation generated requests; every answer must be documented, none a 5xx."""
    checked: list[str] = []
    for operation in [op.ok() for op in schema.get_all_operations()]:

        @given(case=operation.as_strategy())
        @settings(max_examples=examples, deadline=None, derandomize=True,
                  database=None, suppress_health_check=list(HealthCheck))
        def run(case: Any) -> None:
            case.call_and_validate(
                headers=headers, checks=[not_a_server_error, status_code_conformance]
            )

        run()
        checked.append(operation.label)
    return checked


def test_no_server_errors_and_only_documented_codes(schema: Any) -> None:
    checked = _run_all(schema, {"Authorization": f"Bearer {TOKEN}"}, EXAMPLES_PER_OPERATION)
    assert len(checked) == len(list(schema.get_all_operations()))


@pytest.mark.parametrize("headers", [
    {},  # no token: writes are 401
    {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"},  # writes are 403
], ids=["anonymous", "cross-site"])
def test_strangers_get_only_documented_codes(schema: Any, headers: dict[str, str]) -> None:
    assert _run_all(schema, headers, 5)


def test_strategies_cover_the_write_endpoints(schema: Any) -> None:
    labels = {op.ok().label for op in schema.get_all_operations()}
    assert {"POST /api/documents", "POST /api/alerts/acknowledge",
            "POST /api/alerts/silence"} <= labels
