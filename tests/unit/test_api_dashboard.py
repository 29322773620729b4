"""The server-rendered dashboard: pages, escaping, links to sources, forms and sign-in."""

from __future__ import annotations

import pytest
from api_support import TOKEN, XSS_TITLE, form_token, post_form
from fastapi.testclient import TestClient

from services.bootstrap import App


@pytest.mark.parametrize("path", ["/", "/metrics/ip_pledge_financing_amount", "/pilots",
                                  "/notices", "/alerts", "/documents", "/login"])
def test_pages_render_offline(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    assert "script-src" not in r.headers["content-security-policy"]  # no scripts at all
    # nothing is loaded from another origin
    assert "src=\"http" not in r.text and "href=\"https://cdn" not in r.text


def test_document_text_is_escaped(client: TestClient) -> None:
    for path in ("/notices", "/alerts"):
        html = client.get(path).text
        assert XSS_TITLE not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_metric_page_shows_chart_vintages_and_reconciliation(client: TestClient) -> None:
    html = client.get("/metrics/ip_pledge_financing_amount").text
    assert "<svg" in html and "<polyline" in html
    assert 'class="vintage"' in html  # the earlier vintage of the revised 2020-Q1
    assert "2 vintages" in html
    assert 'id="yearly"' in html
    assert "mismatch" in html


def test_overview_numbers_link_to_their_sentence(client: TestClient, app: App) -> None:
    html = client.get("/").text
    assert "growth mismatch" in html
    start = html.index('href="/facts/') + len('href="/facts/')
    event_id = html[start : html.index('"', start)]
    r = client.get(f"/facts/{event_id}", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"].endswith(f"#e-{event_id}")
    doc_page = client.get(r.headers["location"].split("#")[0]).text
    assert f'id="e-{event_id}"' in doc_page


def test_unknown_pages_are_html_404(client: TestClient) -> None:
    r = client.get("/metrics/no_such_metric")
    assert r.status_code == 404
    assert "<h1>404</h1>" in r.text


def test_buttons_need_sign_in_when_a_token_is_set(client: TestClient) -> None:
    html = client.get("/alerts").text
    assert 'class="ack"' not in html
    assert "Sign in" in html
    rule_key = {"rule": "growth_mismatch", "key": "x"}
    assert post_form(client, "/alerts/acknowledge", rule_key, page="/login").status_code == 401
    wrong = post_form(client, "/login", {"token": "nope"}, page="/login")
    assert wrong.status_code == 401
    ok = client.post("/login", follow_redirects=False, data={
        "token": TOKEN, "csrf": form_token(client, "/login")})
    assert ok.status_code == 303
    assert "httponly" in ok.headers["set-cookie"].lower()
    assert "samesite=strict" in ok.headers["set-cookie"].lower()
    html = client.get("/alerts").text
    assert 'class="ack"' in html


def test_acknowledge_button_acknowledges(client: TestClient) -> None:
    post_form(client, "/login", {"token": TOKEN}, page="/login")
    alert = client.get("/api/alerts", params={"rule": "value_revised"}).json()["items"][0]
    r = post_form(client, "/alerts/acknowledge", {"rule": alert["rule"], "key": alert["key"]})
    assert r.status_code == 200  # followed the redirect back to /alerts
    assert "Alert acknowledged." in r.text
    after = client.get("/api/alerts/detail", params={"rule": alert["rule"],
                                                      "key": alert["key"]}).json()
    assert after["state"] == "acknowledged"
    assert after["acknowledged_by"] == "dashboard"


def test_silence_button_silences(client: TestClient) -> None:
    post_form(client, "/login", {"token": TOKEN}, page="/login")
    alert = client.get("/api/alerts", params={"rule": "value_revised"}).json()["items"][0]
    r = post_form(client, "/alerts/silence", {"rule": alert["rule"], "key": alert["key"],
                                              "hours": "1"})
    assert "Alert silenced." in r.text
    after = client.get("/api/alerts/detail", params={"rule": alert["rule"],
                                                      "key": alert["key"]}).json()
    assert after["silenced"] is True
    bad = post_form(client, "/alerts/silence", {"rule": alert["rule"], "key": alert["key"],
                                                "hours": "nan"})
    assert bad.status_code == 422
