"""The alerting config file: rule defaults, per-rule overrides, grouping and webhooks.

```toml
[defaults]            # applied to every rule before its own table
severity = "warning"

[rules.growth_mismatch]
threshold = 1.0       # percentage points
severity = "critical"

[rules.notice_issued]
enabled = false

[notify]
group_by = ["rule"]   # one notification per rule per batch; [] = one per batch

[[webhooks]]
name = "ops"          # labels its metrics and log lines (default: host:port/path)
url = "http://127.0.0.1:9093/hook"
timeout_s = 5
backoff_s = 1         # first retry delay, doubled up to max_backoff_s
dead_letter_after_s = 86400   # retry this long before keeping it as a dead letter
min_severity = "warning"
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

GroupLabel = Literal["rule", "severity", "status"]


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


class AlertingConfig(_Strict):
    """Rules, grouping and webhooks in effect."""

    rules: AlertConfig
    notify: NotifyConfig = NotifyConfig()
    webhooks: tuple[WebhookConfig, ...] = ()


class AlertConfigError(ValueError):
    """The alerting config file is unreadable or invalid; the message says where."""


def _merge(base: RuleConfig, *overrides: RuleOverride) -> RuleConfig:
    values = base.model_dump()
    for o in overrides:
        values.update(o.model_dump(exclude_none=True))
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
    names = [h.receiver for h in hooks]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise AlertConfigError(
            f"{origin}: webhooks share the name(s) {', '.join(twice)}; give each a `name`"
        )
    return AlertingConfig(rules=AlertConfig(rules=rules), notify=parsed.notify,
                          webhooks=tuple(hooks))


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
