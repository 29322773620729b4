"""Cross-site request forgery: pages of other origins cannot change anything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from api_support import TOKEN, form_token, make_app
from fastapi.testclient import TestClient

from services.api import context_for, create_app
from services.bootstrap import App

LOCAL = "http://127.0.0.1:8000"
EVIL = {"Origin": "http://evil.example", "Sec-Fetch-Site": "cross-site"}
SAME = {"Origin": LOCAL, "Sec-Fetch-Site": "same-origin"}


@pytest.fixture
def open_app(tmp_path: Path) -> Iterator[App]:
    """The default set-up: loopback, no token, so writes need no sign-in."""
    application = make_app(tmp_path, token=None)
    yield application
    application.close()


@pytest.fixture
def open_client(open_app: App) -> Iterator[TestClient]:
    with TestClient(create_app(context_for(open_app, host="127.0.0.1")), base_url=LOCAL) as c:
        yield c


def _firing(client: TestClient) -> dict[str, str]:
    items = client.get("/api/alerts", params={"rule": "value_revised"}).json()["items"]
    assert items[0]["state"] == "firing"
    return {"rule": items[0]["rule"], "key": items[0]["key"]}


def _state(client: TestClient, ref: dict[str, str]) -> tuple[str, bool, int]:
    alert = client.get("/api/alerts/detail", params=ref).json()
    return alert["state"], alert["silenced"], len(alert["history"])


def test_cross_origin_form_posts_are_refused_and_change_nothing(
    open_client: TestClient,
) -> None:
    ref = _firing(open_client)
    before = _state(open_client, ref)
    ack = open_client.post("/alerts/acknowledge", data=ref, headers=EVIL)
    silence = open_client.post("/alerts/silence", data={**ref, "hours": "24"}, headers=EVIL)
    assert (ack.status_code, silence.status_code) == (403, 403)
    assert "cross-site" in ack.text
    assert _state(open_client, ref) == before == ("firing", False, before[2])


@pytest.mark.parametrize("headers", [
    {"Origin": "http://evil.example"},
    {"Sec-Fetch-Site": "cross-site"},
    {"Sec-Fetch-Site": "same-site"},  # another port of this host is the same site
    {"Origin": "null"},
    {"Origin": "http://127.0.0.1:9999", "Sec-Fetch-Site": "same-site"},
])
def test_cross_origin_api_writes_are_refused(
    open_client: TestClient, open_app: App, headers: dict[str, str],
) -> None:
    ref = _firing(open_client)
    before = _state(open_client, ref)
    documents = open_app.log.read("documents", limit=10_000)
    doc = {"text": "In 2021 pledge financing grossed 1 billion yuan.", "published": "2021-05-01"}
    for path, body in (("/api/alerts/acknowledge", ref),
                       ("/api/alerts/silence", {**ref, "minutes": 60}),
                       ("/api/documents", doc)):
        r = open_client.post(path, json=body, headers=headers)
        assert r.status_code == 403, (path, r.text)
        assert "cross-site request refused" in r.json()["detail"]
    assert _state(open_client, ref) == before
    assert open_app.log.read("documents", limit=10_000) == documents


def test_dashboard_forms_need_their_token(open_client: TestClient) -> None:
    ref = _firing(open_client)
    # no Origin and no fetch metadata (an old browser, say): the form token still guards
    assert open_client.post("/alerts/acknowledge", data=ref).status_code == 403
    forged = {**ref, "csrf": "0" * 64}
    assert open_client.post("/alerts/acknowledge", data=forged, headers=SAME).status_code == 403
    assert _state(open_client, ref)[0] == "firing"
    token = form_token(open_client)
    r = open_client.post("/alerts/acknowledge", data={**ref, "csrf": token}, headers=SAME)
    assert r.status_code == 200 and "Alert acknowledged." in r.text
    assert _state(open_client, ref)[0] == "acknowledged"


def test_same_origin_and_non_browser_api_writes_still_work(open_client: TestClient) -> None:
    ref = _firing(open_client)
    assert open_client.post("/api/alerts/silence", json={**ref, "minutes": 5},
                            headers=SAME).status_code == 202
    assert open_client.post("/api/alerts/acknowledge", json=ref).status_code == 202  # curl


def test_a_valid_bearer_token_is_not_a_forgery(client: TestClient) -> None:
    ref = _firing(client)
    wrong = client.post("/api/alerts/acknowledge", json=ref,
                        headers={**EVIL, "Authorization": "Bearer wrong"})
    assert wrong.status_code == 403
    ok = client.post("/api/alerts/acknowledge", json=ref,
                     headers={**EVIL, "Authorization": f"Bearer {TOKEN}"})
    assert ok.status_code == 202, ok.text


def test_sign_in_needs_the_form_token(client: TestClient) -> None:
    assert client.post("/login", data={"token": TOKEN}).status_code == 403
    assert client.post("/login", data={"token": TOKEN}, headers=EVIL).status_code == 403
    r = client.post("/login", data={"token": TOKEN, "csrf": form_token(client, "/login")},
                    follow_redirects=False)
    assert r.status_code == 303


def test_form_token_cookie_is_strict_and_http_only(open_client: TestClient) -> None:
    cookie = open_client.get("/alerts").headers["set-cookie"].lower()
    assert cookie.startswith("ipmon_csrf=")
    assert "httponly" in cookie and "samesite=strict" in cookie


def test_a_form_token_of_another_server_is_refused(
    open_app: App, open_client: TestClient,
) -> None:
    ref = _firing(open_client)
    with TestClient(create_app(context_for(open_app)), base_url=LOCAL) as other:
        theirs = form_token(other)  # valid there: that server's secret, that cookie
    open_client.get("/alerts")
    r = open_client.post("/alerts/acknowledge", data={**ref, "csrf": theirs}, headers=SAME)
    assert r.status_code == 403
    assert _state(open_client, ref)[0] == "firing"


def test_rebound_host_names_cannot_write_without_a_token(open_client: TestClient) -> None:
    # evil.example re-pointed at 127.0.0.1: to the browser its page is same-origin
    rebound = {"Host": "evil.example:8000", "Origin": "http://evil.example:8000",
               "Sec-Fetch-Site": "same-origin"}
    ref = _firing(open_client)
    r = open_client.post("/api/alerts/acknowledge", json=ref, headers=rebound)
    assert r.status_code == 403
    assert "loopback host name" in r.json()["detail"]
    assert _state(open_client, ref)[0] == "firing"
    for host in ("localhost:8000", "[::1]:8000"):
        r = open_client.post("/api/alerts/silence", json={**ref, "minutes": 5},
                             headers={"Host": host})
        assert r.status_code == 202, host
