"""Held-out values decided through the JSON API and the dashboard's buttons, as events."""

from __future__ import annotations

from datetime import date

from api_support import TOKEN, post_form
from factories import statistic
from fastapi.testclient import TestClient

from events import FactRetracted, make_event
from projections import queries
from services.bootstrap import App

AUTH = {"Authorization": f"Bearer {TOKEN}"}


def add_slip(app: App) -> str:
    """An official 2022 figure and a reprint ten times too large; the reprint's event id."""
    slip = statistic(period="2022", value="4868800000000", doc=21, published=date(2024, 2, 1),
                     publisher="a newsletter")
    app.log.append([
        statistic(period="2022", value="486880000000", doc=20, published=date(2023, 1, 16),
                  publisher="CNIPA"),
        slip,
    ])
    app.runner.catch_up()
    app.runner.catch_up()
    return str(slip.event_id)


def held_out(app: App) -> set[str]:
    with app.engine.connect() as conn:
        return {c.suspect_event_id for c in queries.current(conn) if c.suspect_event_id}


def test_the_api_records_a_rejection_as_an_event(app: App, client: TestClient) -> None:
    slip = add_slip(app)
    assert held_out(app) == {slip}
    body = {"event_id": slip, "decision": "rejected", "by": "analyst", "note": "10x"}
    assert client.post("/api/values/review", json=body).status_code == 401  # no token
    done = client.post("/api/values/review", json=body, headers=AUTH)
    assert done.status_code == 202, done.text
    assert done.json()["event_type"] == "ValueReviewed"
    assert held_out(app) == set()
    reviews = [r for r in app.log.read("statistics", limit=10**6)
               if r.event().event_type == "ValueReviewed"]
    assert len(reviews) == 1


def test_an_unknown_event_or_decision_is_refused(app: App, client: TestClient) -> None:
    slip = add_slip(app)
    unknown = {"event_id": "00000000-0000-0000-0000-000000000000", "decision": "accepted"}
    assert client.post("/api/values/review", json=unknown, headers=AUTH).status_code == 404
    odd = {"event_id": slip, "decision": "maybe"}
    assert client.post("/api/values/review", json=odd, headers=AUTH).status_code == 422
    assert held_out(app) == {slip}


def test_a_blank_name_is_invalid_and_a_retracted_statistic_is_a_conflict(
    app: App, client: TestClient
) -> None:
    slip = add_slip(app)
    blank = client.post(
        "/api/values/review", json={"event_id": slip, "decision": "rejected", "by": "  "},
        headers=AUTH,
    )
    assert blank.status_code == 422, blank.text
    assert blank.json()["detail"][0]["loc"] == ["body", "by"]
    with app.engine.connect() as conn:
        retracted = next(o for o in queries.all_observations(conn) if o.event_id != slip)
    app.log.append([
        make_event(
            FactRetracted(
                retracted_event_id=retracted.event_id, retracted_event_type="StatisticPublished",
                retracted_subject=f"statistic:{retracted.metric}:{retracted.geography}",
                stream_name="statistics", reason="no longer found", extractor_version="test",
            ),
            published_at=date(2024, 3, 1),
        )
    ])
    app.runner.catch_up()
    gone = client.post(
        "/api/values/review",
        json={"event_id": str(retracted.event_id), "decision": "accepted", "by": "analyst"},
        headers=AUTH,
    )
    assert gone.status_code == 409, gone.text
    assert "retracted" in gone.json()["detail"]


def test_the_dashboard_lists_held_out_values_with_buttons(app: App, client: TestClient) -> None:
    slip = add_slip(app)
    post_form(client, "/login", {"token": TOKEN}, page="/login")
    page = client.get("/alerts").text
    assert f'data-event="{slip}"' in page and 'class="accepted"' in page
    done = post_form(client, "/values/review", {"event_id": slip, "decision": "accepted"})
    assert done.status_code in (200, 303)
    assert held_out(app) == set()
    assert f'data-event="{slip}"' not in client.get("/alerts").text
