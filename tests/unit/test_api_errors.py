"""Refusals the API states clearly: oversized streams, documented status codes, headers."""

from __future__ import annotations

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import TOKEN, make_app
from fastapi.testclient import TestClient

from services.api.context import DEFAULT_MAX_BODY_BYTES
from services.api.server import BackgroundServer, start_background
from services.bootstrap import App

AUTH = {"Authorization": f"Bearer {TOKEN}"}
CHUNK = b"x" * 65536


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[App, BackgroundServer]]:
    app = make_app(tmp_path)
    running = start_background(app, "127.0.0.1", 0)
    yield app, running
    running.stop()
    app.close()


def _chunked_post(server: BackgroundServer, path: str, chunks: Iterator[bytes]) -> Any:
    """POST a body with Transfer-Encoding: chunked (no Content-Length) over a real socket."""
    conn = http.client.HTTPConnection(server.host, server.port, timeout=60)
    conn.putrequest("POST", path)
    for name, value in {**AUTH, "Content-Type": "application/json",
                        "Transfer-Encoding": "chunked"}.items():
        conn.putheader(name, value)
    conn.endheaders()
    try:
        for chunk in chunks:
            conn.send(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        conn.send(b"0\r\n\r\n")
    except (BrokenPipeError, ConnectionResetError):
        pass  # the server answered and closed before the whole body was sent
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_oversized_chunked_upload_is_413(server: tuple[App, BackgroundServer]) -> None:
    app, running = server
    count = DEFAULT_MAX_BODY_BYTES // len(CHUNK) + 2
    payload = iter([b'{"published": "2021-01-01", "text": "', *[CHUNK] * count, b'"}'])
    status, body = _chunked_post(running, "/api/documents", payload)
    assert status == 413
    assert "larger than" in json.loads(body)["detail"]
    assert [r for r in app.log.read("documents", limit=10)] == []


def test_small_chunked_upload_is_read_whole(server: tuple[App, BackgroundServer]) -> None:
    _, running = server
    text = "In 2021, patent pledge financing grossed 50.1 billion yuan."
    doc = json.dumps({"published": "2021-04-22", "text": text}).encode()
    status, body = _chunked_post(running, "/api/documents", iter([doc[:10], doc[10:]]))
    assert status == 201, body
    assert json.loads(body)["event_types"]["DocumentReceived"] == 1


def test_undecodable_bodies_get_a_documented_status(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    headers = {**AUTH, "Content-Type": "application/json"}
    for path in ("/api/alerts/acknowledge", "/api/alerts/silence", "/api/documents"):
        r = client.post(path, content=b'{"rule": "\xff"}', headers=headers)
        assert str(r.status_code) in spec["paths"][path]["post"]["responses"], path


def test_write_operations_document_every_refusal(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path, operations in spec["paths"].items():
        for method, op in operations.items():
            codes = set(op["responses"])
            if method == "post":
                # unreadable body, token, disabled or cross-site, size, validation
                assert {"400", "401", "403", "413", "422"} <= codes, (method, path)
            if op.get("parameters") or op.get("requestBody"):
                assert "422" in codes, (method, path)


@pytest.mark.parametrize("path", ["/", "/alerts", "/metrics/ip_pledge_financing_amount",
                                  "/api/overview", "/no-such-page"])
def test_security_headers_on_every_response(client: TestClient, path: str) -> None:
    r = client.get(path)
    csp = r.headers["content-security-policy"]
    for directive in ("default-src 'none'", "style-src 'self'", "img-src 'self' data:",
                      "object-src 'none'", "base-uri 'none'", "frame-ancestors 'none'",
                      "form-action 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
