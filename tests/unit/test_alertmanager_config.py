"""The `[[alertmanager]]` receivers of the alerting file, and the labels ipmon gives alerts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from services.alerts.alertmanager import alert_labels
from services.alerts.config import AlertConfigError, load_alerting, parse_alerting

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "alerts.example.toml"


def test_the_commented_receiver_of_the_example_loads_once_uncommented(tmp_path: Path) -> None:
    text = EXAMPLE.read_text(encoding="utf-8")
    block = text[text.index("# [[alertmanager]]"):]
    live = re.sub(r"^# ", "", block, flags=re.MULTILINE)
    (tmp_path / "alerts.toml").write_text(text + "\n" + live, encoding="utf-8")
    cfg = load_alerting(tmp_path / "alerts.toml")
    (am,) = cfg.alertmanagers
    assert (am.receiver, am.resend_s, am.min_severity) == ("am", 60.0, "warning")
    assert am.alerts_url == "http://127.0.0.1:9093/api/v2/alerts"
    assert am.horizon_s == 240.0
    assert [w.receiver for w in cfg.webhooks] == ["ops"]


def test_defaults_name_and_url_forms() -> None:
    cfg = parse_alerting({"alertmanager": [
        {"url": "http://am.internal:9093/"},
        {"url": "https://am.example:8443/api/v2/alerts", "name": "second"},
    ]})
    first, second = cfg.alertmanagers
    assert first.receiver == "am.internal:9093"
    assert first.resend_s == 60.0
    assert first.alerts_url == "http://am.internal:9093/api/v2/alerts"
    assert second.alerts_url == "https://am.example:8443/api/v2/alerts"


def test_bad_receivers_are_refused_with_the_file_and_the_key() -> None:
    with pytest.raises(AlertConfigError, match=r"(?s)alerts\.toml.*alertmanager.0.resend\b"):
        parse_alerting({"alertmanager": [{"url": "http://a:9093", "resend": 5}]},
                       origin="alerts.toml")
    with pytest.raises(AlertConfigError, match="resend_s"):
        parse_alerting({"alertmanager": [{"url": "http://a:9093", "resend_s": 0}]})
    with pytest.raises(AlertConfigError, match="url"):
        parse_alerting({"alertmanager": [{"url": "a:9093"}]})


def test_a_webhook_and_an_alertmanager_may_not_share_a_name() -> None:
    with pytest.raises(AlertConfigError, match=r"share the name.*ops"):
        parse_alerting({"webhooks": [{"url": "http://h:1/x", "name": "ops"}],
                        "alertmanager": [{"url": "http://a:9093", "name": "ops"}]})


def test_series_keys_become_metric_geography_and_period_labels() -> None:
    assert alert_labels("growth_mismatch", "ip_pledge_financing_amount|CN|2022", "warning") == {
        "alertname": "growth_mismatch", "severity": "warning", "source": "ipmon",
        "metric": "ip_pledge_financing_amount", "geography": "CN", "period": "2022",
    }
    pilot = alert_labels("pilot_status_changed", "National IP pilot zones|Suzhou", "info")
    assert pilot["subject"] == "National IP pilot zones|Suzhou"
    assert "metric" not in pilot
