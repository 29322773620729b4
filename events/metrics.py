"""The metric catalogue: every metric id with its unit, kind, aliases and description.

The catalogue is data (`events/metrics.toml`), loaded lazily on first use so that importing
this module does no I/O. Ids are snake_case, one per concept; `unclassified` is the id of a
statistic whose subject matches no catalogued metric (its subject text then goes into the
statistic's `description`).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal, cast

Kind = Literal["flow", "stock", "share", "rate", "duration"]
MetricUnit = Literal["CNY", "USD", "count", "percent", "per_10k_people", "months"]

UNCLASSIFIED = "unclassified"

_KINDS: frozenset[str] = frozenset({"flow", "stock", "share", "rate", "duration"})
_UNITS: frozenset[str] = frozenset({"CNY", "USD", "count", "percent", "per_10k_people", "months"})
_CATALOGUE = Path(__file__).with_name("metrics.toml")


@dataclass(frozen=True, slots=True)
class Metric:
    """One catalogued metric."""

    id: str
    unit: MetricUnit
    kind: Kind
    description: str
    aliases: tuple[str, ...]
    as_of: bool = False
    name: str = ""
    aliases_zh: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        """What people read: the catalogue's name, or the id of a metric without one."""
        return self.name or self.id

    @property
    def is_money(self) -> bool:
        """True for amounts of money (CNY or USD)."""
        return self.unit in ("CNY", "USD")


def _parse(raw: dict[str, object]) -> dict[str, Metric]:
    metrics = raw.get("metrics")
    if not isinstance(metrics, dict):
        raise ValueError("metrics.toml: missing [metrics] table")
    out: dict[str, Metric] = {}
    for metric_id, spec in metrics.items():
        if not isinstance(spec, dict):
            raise ValueError(f"metrics.toml: [{metric_id}] is not a table")
        unit, kind = str(spec.get("unit")), str(spec.get("kind"))
        if unit not in _UNITS:
            raise ValueError(f"metrics.toml: {metric_id}: unknown unit {unit!r}")
        if kind not in _KINDS:
            raise ValueError(f"metrics.toml: {metric_id}: unknown kind {kind!r}")
        aliases = spec.get("aliases", [])
        if not isinstance(aliases, list):
            raise ValueError(f"metrics.toml: {metric_id}: aliases must be a list")
        aliases_zh = spec.get("aliases_zh", [])
        if not isinstance(aliases_zh, list):
            raise ValueError(f"metrics.toml: {metric_id}: aliases_zh must be a list")
        out[metric_id] = Metric(
            id=metric_id,
            unit=cast(MetricUnit, unit),
            kind=cast(Kind, kind),
            description=str(spec.get("description", "")),
            aliases=tuple(str(a) for a in aliases),
            as_of=bool(spec.get("as_of", kind == "stock")),
            name=str(spec.get("name", "")),
            aliases_zh=tuple(str(a) for a in aliases_zh),
        )
    if UNCLASSIFIED not in out:
        raise ValueError(f"metrics.toml: the catalogue must define {UNCLASSIFIED!r}")
    return out


@cache
def catalogue() -> dict[str, Metric]:
    """All metrics by id, in catalogue order (loaded once)."""
    with _CATALOGUE.open("rb") as fh:
        return _parse(tomllib.load(fh))


def metric_ids() -> frozenset[str]:
    """Every catalogued metric id, `unclassified` included."""
    return frozenset(catalogue())


def metric_label(metric_id: str) -> str:
    """The human name of a metric id; an id the catalogue lacks is shown as it is."""
    spec = catalogue().get(metric_id)
    return spec.label if spec is not None else metric_id


def get_metric(metric_id: str) -> Metric:
    """The metric with this id; KeyError if it is not catalogued."""
    return catalogue()[metric_id]
