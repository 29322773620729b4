"""The alerting config file: defaults, per-rule overrides, refusal of unknown names."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.alerts.config import AlertConfigError, load_alerting, parse_alerting
from services.alerts.rules import AlertConfig

EXAMPLE = Path(__file__).resolve().parents[2] / "deploy" / "alerts.example.toml"


def test_example_file_loads() -> None:
    cfg = load_alerting(EXAMPLE)
    assert cfg.rules.rule("ytd_exceeds_official").severity == "critical"
    assert cfg.notify.group_by == ("rule",)
    assert cfg.webhooks[0].min_severity == "warning"


def test_rule_overrides_win_over_defaults_which_win_over_builtins() -> None:
    cfg = parse_alerting({
        "defaults": {"severity": "critical"},
        "rules": {"growth_mismatch": {"threshold": 2.0, "severity": "info"},
                  "notice_issued": {"enabled": False}},
    })
    mismatch = cfg.rules.rule("growth_mismatch")
    assert (mismatch.threshold, mismatch.severity) == (2.0, "info")
    assert cfg.rules.rule("value_revised").severity == "critical"
    assert cfg.rules.rule("growth_unusual").threshold == 30.0
    assert cfg.rules.rule("notice_issued").enabled is False


def test_base_thresholds_from_settings_are_kept() -> None:
    cfg = parse_alerting({}, base=AlertConfig.with_thresholds(1.5, 50.0))
    assert cfg.rules.rule("growth_mismatch").threshold == 1.5
    assert cfg.rules.rule("growth_unusual").threshold == 50.0


def test_unknown_rule_and_keys_are_refused() -> None:
    with pytest.raises(AlertConfigError, match="no_such_rule"):
        parse_alerting({"rules": {"no_such_rule": {"threshold": 1}}})
    with pytest.raises(AlertConfigError, match="treshold"):
        parse_alerting({"rules": {"growth_mismatch": {"treshold": 1}}})
    with pytest.raises(AlertConfigError, match="severity"):
        parse_alerting({"defaults": {"severity": "loud"}})


def test_settings_webhook_urls_are_added_once() -> None:
    cfg = parse_alerting({"webhooks": [{"url": "http://127.0.0.1:1/a", "timeout_s": 2}]},
                         webhook_urls=["http://127.0.0.1:1/a", "http://127.0.0.1:1/b"])
    assert [(w.url, w.timeout_s) for w in cfg.webhooks] == [
        ("http://127.0.0.1:1/a", 2.0), ("http://127.0.0.1:1/b", 5.0)]


def test_unreadable_file_names_the_path(tmp_path: Path) -> None:
    bad = tmp_path / "alerts.toml"
    bad.write_text("[rules\n")
    with pytest.raises(AlertConfigError, match=r"alerts\.toml"):
        load_alerting(bad)
