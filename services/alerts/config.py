"""The alerting config file: rule defaults, per-rule overrides, grouping and receivers.

```toml
[defaults]            # applied to every rule before its own table
severity = "warning"

[rules.growth_mismatch]
threshold = 1.0       # percentage points
severity = "critical"

[rules.notice_issued]
enabled = false

[notify]
group_by = ["rule"]   # one notification per rule per batch; [] = one per batch;
                      # ["document"]: one per document ("5 alerts from <title>")

[[webhooks]]
name = "ops"          # labels its metrics and log lines (default: host:port/path)
url = "http://127.0.0.1:9093/hook"
timeout_s = 5
backoff_s = 1         # first retry delay, doubled up to max_backoff_s
dead_letter_after_s = 86400   # retry this long before keeping it as a dead letter
min_severity = "warning"

[[alertmanager]]      # pushes to Alertmanager's /api/v2/alerts (same delivery keys)
url = "http://127.0.0.1:9093"
resend_s = 60         # firing alerts are re-sent this often; each send ends 4x later
```

Precedence, lowest first: built-in rule defaults (with the thresholds from Settings),
`[defaults]`, `[rules.NAME]`. Webhook URLs from Settings (`IPMON_WEBHOOK_URLS`) are added
with default delivery settings. Unknown rules and keys are refused with their names.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from events.types import Severity
from services.alerts.rules import AlertConfig, RuleConfig, default_rules

GroupLabel = Literal["rule", "severity", "status", "document"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RuleOverride(_Strict):
    """Fields a config file may set for a rule (or for all, under [defaults])."""

    enabled: bool | None = None
    severity: Severity | None = None
    threshold: float | None = Field(None, ge=0)
    thresholds: dict[str, float] | None = Field(None, description="per metric id")
    min_history: int | None = Field(None, ge=1)
    z: float | None = Field(None, gt=0)


class WebhookConfig(_Strict):
    """One webhook receiver and how to deliver to it."""

    name: str | None = Field(None, pattern=r"^[A-Za-z0-9_.:-]{1,100}$")
    url: str = Field(pattern=r"^https?://")
    timeout_s: float = Field(5.0, gt=0, le=120)
    backoff_s: float = Field(1.0, ge=0, le=600)
    max_backoff_s: float = Field(60.0, ge=0, le=3600)
    dead_letter_after_s: float = Field(86400.0, gt=0)
    min_severity: Severity = "info"
    bearer_token: str | None = None

    @property
    def receiver(self) -> str:
        """The receiver's name: as configured, else the URL's host, port and path."""
        if self.name:
            return self.name
        parts = urlsplit(self.url)
        port = parts.port or (443 if parts.scheme == "https" else 80)
        return f"{parts.hostname}:{port}{parts.path.rstrip('/')}"


class AlertmanagerConfig(WebhookConfig):
    """One Alertmanager that ipmon pushes its alerts to, and how often it re-sends them."""

    url: str = Field(pattern=r"^https?://[^?#]+$")  # the base URL (/api/v2/alerts optional)
    resend_s: float = Field(60.0, gt=0, le=3600)

    @property
    def alerts_url(self) -> str:
        """Where alerts are posted: the v2 API under the base URL."""
        base = self.url.rstrip("/")
        return base if base.endswith("/api/v2/alerts") else base + "/api/v2/alerts"

    @property
    def horizon_s(self) -> float:
        """How far ahead each send puts a firing alert's end, as Prometheus does (4 resends)."""
        return 4 * self.resend_s


class NotifyConfig(_Strict):
    """How alerts raised together are grouped into notifications."""

    group_by: tuple[GroupLabel, ...] = ()
    receiver: str = "ipmon"
    lease_s: float = Field(15.0, gt=0, le=3600)
    poll_s: float = Field(0.5, gt=0, le=60)


class _File(_Strict):
    defaults: RuleOverride = RuleOverride()
    rules: dict[str, RuleOverride] = {}
    notify: NotifyConfig = NotifyConfig()
    webhooks: list[WebhookConfig] = []
    alertmanager: list[AlertmanagerConfig] = []


class AlertingConfig(_Strict):
    """Rules, grouping and webhooks in effect."""

    rules: AlertConfig
    notify: NotifyConfig = NotifyConfig()
    webhooks: tuple[WebhookConfig, ...] = ()
    alertmanagers: tuple[AlertmanagerConfig, ...] = ()


class AlertConfigError(ValueError):
    """The alerting config file is unreadable or invalid; the message says where."""


def _merge(base: RuleConfig, *overrides: RuleOverride) -> RuleConfig:
    values = base.model_dump()
    for o in overrides:
        given = o.model_dump(exclude_none=True)
        # per-metric thresholds add to the built-in ones instead of replacing them all
        given["thresholds"] = {**values["thresholds"], **given.get("thresholds", {})}
        values.update(given)
    return RuleConfig(**values)


def parse_alerting(
    data: dict[str, object], *, base: AlertConfig | None = None,
    webhook_urls: list[str] | tuple[str, ...] = (), origin: str = "<config>",
) -> AlertingConfig:
    """Alerting config from parsed TOML data on top of `base` (built-in defaults if None)."""
    try:
        parsed = _File.model_validate(data)
    except ValidationError as exc:
        raise AlertConfigError(f"{origin}: {exc}") from None
    builtin = base or AlertConfig()
    known = set(default_rules())
    unknown = sorted(set(parsed.rules) - known)
    if unknown:
        raise AlertConfigError(
            f"{origin}: unknown rule(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    rules = {
        name: _merge(builtin.rule(name), parsed.defaults,
                     parsed.rules.get(name, RuleOverride()))
        for name in sorted(known)
    }
    hooks = list(parsed.webhooks)
    listed = {w.url for w in hooks}
    hooks += [WebhookConfig(url=u) for u in webhook_urls if u not in listed]
    # one delivery store keys every receiver by name, whatever its kind
    names = [h.receiver for h in (*hooks, *parsed.alertmanager)]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise AlertConfigError(
            f"{origin}: receivers share the name(s) {', '.join(twice)}; give each a `name`"
        )
    return AlertingConfig(rules=AlertConfig(rules=rules), notify=parsed.notify,
                          webhooks=tuple(hooks), alertmanagers=tuple(parsed.alertmanager))


def load_alerting(
    path: Path | None, *, base: AlertConfig | None = None,
    webhook_urls: list[str] | tuple[str, ...] = (),
) -> AlertingConfig:
    """Read the alerting config file (or only the defaults when `path` is None)."""
    if path is None:
        return parse_alerting({}, base=base, webhook_urls=webhook_urls)
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AlertConfigError(f"{path}: {exc}") from None
    return parse_alerting(data, base=base, webhook_urls=webhook_urls, origin=str(path))
