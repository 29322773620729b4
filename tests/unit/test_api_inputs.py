"""Inputs the API refuses with a 4xx naming the field: lax dates, unsafe URLs, past expiries."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_support import TOKEN, post_form
from fastapi.testclient import TestClient

from services.bootstrap import App
from services.ingest.documents import read_document
from services.ingest.errors import IngestError

AUTH = {"Authorization": f"Bearer {TOKEN}"}
SERIES = "/api/metrics/ip_pledge_financing_amount/series"
TEXT = "In 2021 patent and trademark pledge financing grossed 1 billion yuan."


def _fields(response: Any) -> list[str]:
    """The fields a 422 names."""
    assert response.status_code == 422, response.text
    return [str(e["loc"][-1]) for e in response.json()["detail"]]


@pytest.mark.parametrize("as_of", ["0", "1700000000", "2020-5-1", "20200501"])
def test_as_of_must_be_an_iso_date(client: TestClient, as_of: str) -> None:
    assert _fields(client.get(SERIES, params={"as_of": as_of})) == ["as_of"]


@pytest.mark.parametrize("published", [0, 1700000000, "0", "2021-01-01T00:00:00", None])
def test_published_must_be_an_iso_date(client: TestClient, published: object) -> None:
    r = client.post("/api/documents", headers=AUTH, json={"text": TEXT, "published": published})
    assert _fields(r) == ["published"]
    assert client.get("/api/documents").json()["total"] == 0


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "data:text/html,x",
    "vbscript:msgbox(1)", "//evil.example/", "http://", "ftp://example.org/x",
])
def test_document_urls_must_be_http(client: TestClient, url: str) -> None:
    r = client.post("/api/documents", headers=AUTH,
                    json={"text": TEXT, "published": "2021-05-01", "url": url})
    assert _fields(r) == ["url"]
    assert "http" in r.json()["detail"][0]["msg"]
    assert client.get("/api/documents").json()["total"] == 0


def test_http_urls_are_kept_and_linked(client: TestClient) -> None:
    r = client.post("/api/documents", headers=AUTH, json={
        "text": TEXT, "published": "2021-05-01", "url": "https://example.org/a?b=1"})
    assert r.status_code == 201, r.text
    html = client.get(f"/documents/{r.json()['document_id']}").text
    assert 'class="original" href="https://example.org/a?b=1"' in html


def test_a_stored_javascript_url_is_not_rendered_as_a_link(app: App, client: TestClient) -> None:
    # documents stored before the check: straight through the service, not the API
    assert app.ingest is not None
    result = app.ingest.ingest_text(TEXT, published=date(2021, 5, 1), url="javascript:alert(1)")
    app.runner.catch_up()
    doc_id = result.events[0].payload.document_id  # type: ignore[attr-defined]
    html = client.get(f"/documents/{doc_id}").text
    assert 'href="javascript' not in html.lower()
    assert '<code class="unsafe-url">javascript:alert(1)</code>' in html


def test_front_matter_with_a_javascript_url_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "release.md"
    path.write_text(f"---\npublished: 2021-05-01\nurl: javascript:alert(1)\n---\n{TEXT}\n")
    with pytest.raises(IngestError, match="url 'javascript:alert\\(1\\)' is not an http"):
        read_document(path)
    path.write_text(f"---\npublished: 2021-05-01\nurl: https://example.org/r\n---\n{TEXT}\n")
    assert read_document(path).url == "https://example.org/r"


def _growth_alert(client: TestClient) -> dict[str, str]:
    item = client.get("/api/alerts", params={"rule": "value_revised"}).json()["items"][0]
    return {"rule": item["rule"], "key": item["key"]}


def test_a_past_expiry_is_refused_as_its_schema_says(client: TestClient, app: App) -> None:
    schema = client.get("/openapi.json").json()["components"]["schemas"]["SilenceIn"]
    assert "must be in the future" in schema["properties"]["until"]["description"]
    ref = _growth_alert(client)
    past = (app.runner.clock() - timedelta(hours=1)).isoformat()
    r = client.post("/api/alerts/silence", json={**ref, "until": past}, headers=AUTH)
    assert _fields(r) == ["until"]
    assert r.json()["detail"][0]["msg"] == "a silence must end in the future"
    for until in (0, "0", 1700000000):
        bad = client.post("/api/alerts/silence", json={**ref, "until": until}, headers=AUTH)
        assert _fields(bad) == ["until"]
    assert client.get("/api/alerts/detail", params=ref).json()["silenced"] is False


def test_the_dashboard_refuses_a_past_expiry_the_same_way(client: TestClient) -> None:
    post_form(client, "/login", {"token": TOKEN}, page="/login")
    ref = _growth_alert(client)
    for hours in ("-1", "0", "-1e308"):
        r = post_form(client, "/alerts/silence", {**ref, "hours": hours})
        assert r.status_code == 422
        assert "a silence must end in the future" in r.text
    for hours in ("1e308", "9000"):
        r = post_form(client, "/alerts/silence", {**ref, "hours": hours})
        assert r.status_code == 422
        assert "a silence may last at most 366 days" in r.text
    assert client.get("/api/alerts/detail", params=ref).json()["silenced"] is False
