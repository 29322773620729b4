"""Webhook notifications grouped per document, on the bundled example documents."""

from __future__ import annotations

from pathlib import Path

from webhook_receiver import WAIT_S, Receiver

from projections import queries
from services.bootstrap import bootstrap
from services.settings import Settings

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "inbox"
REPRINT = "IP finance round-up, December 2023"


def test_alerts_from_one_document_are_one_notification_named_after_it(
    tmp_path: Path, receiver: Receiver,
) -> None:
    cfg = tmp_path / "alerts.toml"
    cfg.write_text(f'[notify]\ngroup_by = ["document"]\n\n[[webhooks]]\nname = "ops"\n'
                   f'url = "{receiver.url}"\n', encoding="utf-8")
    app = bootstrap(Settings(data_dir=tmp_path / "d", alerts_config=cfg), exclusive=True)
    try:
        assert app.deliveries is not None
        app.start_delivery()
        result = app.ingest.ingest_paths(sorted(EXAMPLES.iterdir()))
        assert result.errors == []
        app.runner.catch_up()
        assert app.deliveries.drain(WAIT_S) == []
        with app.engine.connect() as conn:
            fired = {(a.rule, a.key) for a in queries.alerts(conn) if a.state == "firing"}
        bodies = {b["groupLabels"]["document"]: b for b in receiver.bodies}
        assert len(bodies) == len(receiver.bodies)  # one notification per document
        told = [(a["labels"]["alertname"], a["labels"]["key"])
                for b in receiver.bodies for a in b["alerts"]]
        assert sorted(told) == sorted(fired)
        grouped = {title: b for title, b in bodies.items() if title and len(b["alerts"]) > 1}
        assert grouped, bodies.keys()  # the Q1 2020 release mentions two notices
        for title, body in grouped.items():
            n = len(body["alerts"])
            assert body["commonAnnotations"]["summary"] == f"{n} alerts from {title}"
            assert body["commonAnnotations"]["document"] == title
            assert {a["annotations"]["document"] for a in body["alerts"]} == {title}
        # one alert alone keeps its own summary; the reprint's is its one scale-slip alert
        (reprint,) = bodies[REPRINT]["alerts"]
        assert reprint["labels"]["alertname"] == "suspected_scale_error"
        assert bodies[REPRINT]["commonAnnotations"]["summary"] == reprint["annotations"]["summary"]
    finally:
        app.close()
