"""The JSON API over the projections: reads, filters, pagination, writes and their guards."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from api_support import TOKEN, XSS_TITLE, make_app
from factories import statistic
from fastapi.testclient import TestClient

from services.api import context_for, create_app
from services.bootstrap import App
from services.rebuild import rebuild_projections

AUTH = {"Authorization": f"Bearer {TOKEN}"}
METRIC = "ip_pledge_financing_amount"


def a_growth_alert(client: TestClient) -> dict[str, str]:
    items = client.get("/api/alerts", params={"rule": "value_revised"}).json()["items"]
    assert items, "the fixture's revision should have raised an alert"
    return {"rule": items[0]["rule"], "key": items[0]["key"]}


def test_overview_flags_the_growth_mismatch_and_revision(client: TestClient) -> None:
    page = client.get("/api/overview").json()
    rows = {(r["metric"], r["geography"]): r for r in page["items"]}
    assert page["total"] == 2
    row = rows[(METRIC, "CN")]
    assert row["period_key"] == "2020-Q1"
    assert row["value"] == "130"
    assert row["revised"] is True
    assert row["reported_change"] == "10"
    assert row["mismatch"] is True
    assert rows[("pct_applications", "CN")]["mismatch"] is False


def test_overview_pages_and_filters(client: TestClient) -> None:
    first = client.get("/api/overview", params={"limit": 1}).json()
    second = client.get("/api/overview", params={"limit": 1, "offset": 1}).json()
    assert first["total"] == second["total"] == 2
    assert first["items"][0]["metric"] != second["items"][0]["metric"]
    only = client.get("/api/overview", params={"metric": "pct_applications"}).json()
    assert [r["metric"] for r in only["items"]] == ["pct_applications"]


def test_series_now_as_of_a_date_and_every_vintage(client: TestClient) -> None:
    now = client.get(f"/api/metrics/{METRIC}/series").json()
    by_period = {p["period_key"]: p["value"] for p in now["points"]}
    assert by_period["2020-Q1"] == "130"
    then = client.get(f"/api/metrics/{METRIC}/series", params={"as_of": "2020-05-01"}).json()
    assert {p["period_key"]: p["value"] for p in then["points"]}["2020-Q1"] == "120"
    before = client.get(f"/api/metrics/{METRIC}/series", params={"as_of": "2019-01-01"}).json()
    assert before["points"] == []
    vintages = client.get(f"/api/metrics/{METRIC}/vintages", params={"period": "2020-Q1"}).json()
    assert [v["value"] for v in vintages["items"]] == ["120", "130"]
    assert vintages["items"][0]["published_at"] == "2020-04-20"


def test_growth_and_yearly_totals(client: TestClient) -> None:
    growth = client.get("/api/growth", params={"metric": METRIC, "mismatch": True}).json()
    assert [g["period_key"] for g in growth["items"]] == ["2020-Q1"]
    g = growth["items"][0]
    assert g["is_mismatch"] is True
    assert g["computed_change"] == "30"
    assert g["reported_change"] == "10"
    assert g["implied_prior_value"] is not None
    yearly = client.get("/api/yearly-totals", params={"metric": METRIC, "year": 2019}).json()
    assert yearly["items"][0]["official_value"] == "500"
    assert yearly["items"][0]["ytd_value"] == "100"


def test_metric_detail_and_unknown_metric(client: TestClient) -> None:
    detail = client.get(f"/api/metrics/{METRIC}").json()
    assert detail["geographies"] == ["CN"]
    assert detail["unit"] == "CNY"
    assert client.get("/api/metrics/no_such_metric").status_code == 404


def test_pilots_with_history_and_filters(client: TestClient) -> None:
    page = client.get("/api/pilots", params={"status": "suspended"}).json()
    assert [(p["city"], p["status"]) for p in page["items"]] == [("Wuhan", "suspended")]
    assert [h["status"] for h in page["items"][0]["history"]] == ["selected", "suspended"]


def test_notices_filter_by_issuer_and_text(client: TestClient) -> None:
    by_issuer = client.get("/api/notices", params={"issuer": "MOF"}).json()
    assert [n["title"] for n in by_issuer["items"]] == ["Measures on IP Pledge Financing"]
    assert client.get("/api/notices", params={"issuer": "MO"}).json()["total"] == 0
    by_text = client.get("/api/notices", params={"q": "script"}).json()
    assert by_text["items"][0]["title"] == XSS_TITLE
    key = by_text["items"][0]["notice_key"]
    detail = client.get("/api/notices/detail", params={"key": key}).json()
    assert len(detail["sources"]) == 1


def test_writes_need_the_token(client: TestClient) -> None:
    ref = a_growth_alert(client)
    assert client.post("/api/alerts/acknowledge", json=ref).status_code == 401
    bad = {"Authorization": "Bearer wrong"}
    assert client.post("/api/alerts/acknowledge", json=ref, headers=bad).status_code == 401
    doc = {"text": "x", "published": "2020-01-01"}
    assert client.post("/api/documents", json=doc).status_code == 401


def test_acknowledge_is_an_event_and_changes_the_alert(client: TestClient, app: App) -> None:
    ref = a_growth_alert(client)
    r = client.post("/api/alerts/acknowledge", json={**ref, "by": "ops"}, headers=AUTH)
    assert r.status_code == 202, r.text
    assert r.json()["alert"]["state"] == "acknowledged"
    assert r.json()["alert"]["acknowledged_by"] == "ops"
    stored = [rec.event_type for rec in app.log.read("alerts", limit=10_000)]
    assert "AlertAcknowledged" in stored
    history = client.get("/api/alerts/detail", params=ref).json()["history"]
    assert [h["event_type"] for h in history][-1] == "AlertAcknowledged"


def test_acknowledging_an_unknown_alert_is_404(client: TestClient) -> None:
    r = client.post("/api/alerts/acknowledge", json={"rule": "x", "key": "y"}, headers=AUTH)
    assert r.status_code == 404


def test_silence_with_expiry(client: TestClient, app: App) -> None:
    ref = a_growth_alert(client)
    r = client.post("/api/alerts/silence", json={**ref, "minutes": 60}, headers=AUTH)
    assert r.status_code == 202, r.text
    alert = r.json()["alert"]
    assert alert["silenced"] is True
    assert alert["silenced_until"] > app.runner.clock().isoformat()
    past = (app.runner.clock() - timedelta(hours=1)).isoformat()
    r = client.post("/api/alerts/silence", json={**ref, "until": past}, headers=AUTH)
    assert r.status_code == 422
    r = client.post("/api/alerts/silence", json=ref, headers=AUTH)
    assert r.status_code == 422


def test_silence_expires(app: App) -> None:
    ctx = context_for(app)
    with TestClient(create_app(ctx)) as c:
        ref = a_growth_alert(c)
        assert c.post("/api/alerts/silence", json={**ref, "minutes": 5},
                      headers=AUTH).status_code == 202
        later = app.runner.clock() + timedelta(minutes=10)
        ctx.clock = lambda: later
        alert = c.get("/api/alerts/detail", params=ref).json()
        assert alert["silenced_until"] is not None
        assert alert["silenced"] is False


def test_acknowledgement_survives_a_rebuild(tmp_path: Path) -> None:
    app = make_app(tmp_path)
    try:
        with TestClient(create_app(context_for(app))) as c:
            ref = a_growth_alert(c)
            assert c.post("/api/alerts/acknowledge", json=ref, headers=AUTH).status_code == 202
        app.close()
        rebuild_projections(app.settings)
        app = make_app(tmp_path)  # a fresh process over the same data folder
        with TestClient(create_app(context_for(app))) as c:
            alert = c.get("/api/alerts/detail", params=ref).json()
            assert alert["state"] == "acknowledged"
    finally:
        app.close()


def test_post_document_ingests_through_the_service(client: TestClient) -> None:
    text = (
        "In the first quarter of 2021, patent and trademark pledge financing grossed "
        "50.1 billion yuan, up 48.6%."
    )
    r = client.post("/api/documents", headers=AUTH, json={
        "text": text, "published": "2021-04-22", "title": "Q1 2021",
    })
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["applied"] is True
    assert body["event_types"]["DocumentReceived"] == 1
    doc = client.get(f"/api/documents/{body['document_id']}").json()
    assert doc["document"]["title"] == "Q1 2021"
    assert doc["document"]["chars"] == len(text)
    again = client.post("/api/documents", headers=AUTH, json={
        "text": text, "published": "2021-04-22", "title": "Q1 2021",
    }).json()
    assert again["new"] == 0


def test_documents_list_pages(client: TestClient) -> None:
    r = client.post("/api/documents", headers=AUTH, json={"text": "Nothing to see.",
                                                           "published": "2021-01-01"})
    assert r.status_code == 201
    page = client.get("/api/documents", params={"limit": 1}).json()
    assert page["total"] == 1
    assert client.get("/api/documents/" + "f" * 64).status_code == 404


def test_body_size_is_limited(client: TestClient) -> None:
    big = {"text": "x" * (3 * 1024 * 1024), "published": "2021-01-01"}
    assert client.post("/api/documents", json=big, headers=AUTH).status_code == 413


def test_writes_are_refused_off_loopback_without_a_token(tmp_path: Path) -> None:
    app = make_app(tmp_path, token=None)
    try:
        ctx = context_for(app, host="0.0.0.0")
        assert ctx.writes_enabled is False
        with TestClient(create_app(ctx)) as c:
            ref = a_growth_alert(c)
            assert c.post("/api/alerts/acknowledge", json=ref).status_code == 403
            assert c.get("/api/alerts").status_code == 200
        loopback = context_for(app, host="127.0.0.1")
        assert loopback.writes_enabled is True
        with TestClient(create_app(loopback), base_url="http://127.0.0.1:8000") as c:
            assert c.post("/api/alerts/acknowledge", json=ref).status_code == 202
    finally:
        app.close()


def test_readiness_follows_the_projections(app: App, client: TestClient) -> None:
    assert client.get("/readyz").status_code == 200
    assert client.get("/healthz").json()["status"] == "ok"
    app.log.append([statistic(period="2021-Q1", value="1", doc=9, published=date(2021, 4, 1))])
    r = client.get("/readyz")
    assert r.status_code == 503
    assert r.json()["lag"][""] == 1
    app.runner.catch_up()
    assert client.get("/readyz").status_code == 200


def test_prometheus_metrics(client: TestClient) -> None:
    text = client.get("/metrics").text
    assert 'ipmon_events_applied_total{stream="statistics"} 5.0' in text
    assert 'ipmon_projection_lag{partition="all"} 0.0' in text
    assert "ipmon_newest_event_age_seconds" in text
    assert 'ipmon_alerts_firing{severity="warning"}' in text
    assert "ipmon_deadletters_total 0.0" in text


def test_openapi_document_lists_the_endpoints(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    for p in ("/api/overview", "/api/metrics/{metric}/series", "/api/alerts/acknowledge",
              "/api/alerts/silence", "/api/documents", "/readyz", "/metrics"):
        assert p in paths
    assert "/" not in paths  # the dashboard is not part of the API
