"""Human-readable reports of the projections (rich tables) and their JSON form."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from rich.console import Console, Group
from rich.table import Table
from sqlalchemy.engine import Connection

from projections import queries


def human(value: Decimal | None, unit: str = "") -> str:
    """A value with a scale word, rounded for reading: 33700000000 CNY -> '33.7 bn CNY'."""
    if value is None:
        return "—"
    scales = ((Decimal(10) ** 12, "tn"), (Decimal(10) ** 9, "bn"), (Decimal(10) ** 6, "m"))
    for limit, word in scales:
        if abs(value) >= limit and unit in ("CNY", "USD"):
            text = f"{(value / limit).quantize(Decimal('0.001')).normalize():f} {word}"
            break
    else:
        rounded = value.quantize(Decimal("0.01")).normalize()
        text = f"{rounded:,f}"
    return f"{text} {unit}".strip()


def collect(conn: Connection, tolerance: float) -> dict[str, Any]:
    """Everything a report shows, as JSON-ready data."""
    growth = queries.growth_rates(conn)
    return {
        "counts": queries.counts(conn),
        "unclassified_statistics": queries.unclassified_count(conn),
        "yearly_totals": [y.model_dump(mode="json") for y in queries.yearly_totals(conn)],
        "growth_rates": [
            {**g.model_dump(mode="json"), "mismatch": g.mismatch(tolerance)} for g in growth
        ],
        "city_pilots": [p.model_dump(mode="json") for p in queries.pilots(conn)],
        "policy_notices": [n.model_dump(mode="json") for n in queries.notices(conn)],
        "alerts": [a.model_dump(mode="json") for a in queries.alerts(conn)],
    }


def render(conn: Connection, tolerance: float) -> Group:
    """The report as rich tables: totals, growth, pilots, notices, alerts."""
    yt = Table(title="Yearly totals", title_justify="left")
    for col in ("metric", "geo", "year", "official", "year to date", "covered", "gap"):
        yt.add_column(col)
    for y in queries.yearly_totals(conn):
        yt.add_row(
            y.metric,
            y.geography,
            str(y.year),
            human(y.official_value, y.unit),
            human(y.ytd_value, y.unit) + (f" (to M{y.ytd_through_month})" if y.ytd_value else ""),
            y.covered_periods or "—",
            human(y.gap, y.unit),
        )
    gt = Table(title="Growth: reported vs computed", title_justify="left")
    for col in (
        "metric",
        "geo",
        "period",
        "value",
        "reported",
        "computed",
        "diff",
        "implied prior",
        "",
    ):
        gt.add_column(col)
    for g in queries.growth_rates(conn):
        unit = (
            "%"
            if g.change_kind in ("percent", None)
            else (" pp" if g.change_kind == "percentage_points" else "")
        )
        flag = "[bold red]MISMATCH[/]" if g.mismatch(tolerance) else ""
        gt.add_row(
            g.metric,
            g.geography,
            g.period_key,
            human(g.value, g.unit),
            f"{g.reported_change:+}{unit}" if g.reported_change is not None else "—",
            f"{g.computed_change:+.2f}{unit}" if g.computed_change is not None else "—",
            f"{g.difference:+.2f}" if g.difference is not None else "—",
            human(g.implied_prior_value, g.unit),
            flag,
        )
    pt = Table(title="City pilots", title_justify="left")
    for col in ("program", "city", "level", "status", "since", "previous"):
        pt.add_column(col)
    for p in queries.pilots(conn):
        pt.add_row(
            p.program,
            p.city,
            p.admin_level or "—",
            p.status,
            str(p.since),
            p.previous_status or "—",
        )
    nt = Table(title="Policy notices", title_justify="left")
    for col in ("first seen", "type", "title", "issuers", "number"):
        nt.add_column(col)
    for n in queries.notices(conn):
        nt.add_row(
            str(n.first_published_at),
            n.type,
            n.title or f"({n.description})",
            n.issuer_ids or "—",
            n.doc_number or "—",
        )
    at = Table(title="Alerts", title_justify="left")
    for col in ("state", "severity", "rule", "message"):
        at.add_column(col)
    for a in queries.alerts(conn):
        at.add_row(a.state, a.severity, a.rule, a.message)
    unclassified = queries.unclassified_count(conn)
    parts: list[Any] = [yt, gt, pt, nt, at]
    if unclassified:
        parts.append(
            f"{unclassified} statistic(s) matched no catalogue metric (metric 'unclassified')"
        )
    return Group(*parts)


def print_report(console: Console, conn: Connection, tolerance: float) -> None:
    """Print the full report."""
    console.print(render(conn, tolerance))
