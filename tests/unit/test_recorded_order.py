"""What happened last is decided by the instants recorded, not by how their text sorts."""

from __future__ import annotations

from typing import Any

from projections.derive import derive_alert
from projections.vintages import latest_decisions
from services.alerts.notify import latest_per_key

# the first on a whole second, written without a fraction; the second a moment later
ON_THE_SECOND, MOMENT_LATER = "2024-06-01T12:00:00Z", "2024-06-01T12:00:00.000009Z"


def alert_event(event_type: str, recorded_at: str, event_id: str) -> dict[str, Any]:
    return {
        "event_id": event_id, "event_type": event_type, "rule": "growth_unusual",
        "key": "pct_applications|CN|2021", "severity": "warning", "message": "growth +35%",
        "evidence": [], "fingerprint": "f1", "by": None, "until": None,
        "recorded_at": recorded_at,
    }


def test_a_resolution_just_after_a_raise_on_a_whole_second_resolves_the_alert() -> None:
    # the ids sort the other way round, so only the instants can put them in order
    events = [
        alert_event("AlertRaised", ON_THE_SECOND, "e2"),
        alert_event("AlertResolved", MOMENT_LATER, "e1"),
    ]
    state = derive_alert(events)
    assert state is not None and state["state"] == "resolved"
    latest = latest_per_key(events)[("growth_unusual", "pct_applications|CN|2021")]
    assert latest["event_id"] == "e1"


def test_the_decision_recorded_last_is_the_one_that_holds() -> None:
    reviews = [
        {"event_id": "r2", "reviewed_event_id": "v", "decision": "rejected",
         "recorded_at": ON_THE_SECOND},
        {"event_id": "r1", "reviewed_event_id": "v", "decision": "accepted",
         "recorded_at": MOMENT_LATER},
    ]
    assert latest_decisions(reviews) == {"v": "accepted"}
