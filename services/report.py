"""Human-readable reports of the projections (rich tables) and their JSON form."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any, TypeVar

from rich import box
from rich.console import Console, Group
from rich.table import Table
from sqlalchemy.engine import Connection

from events.metrics import metric_label
from projections import queries

R = TypeVar("R")


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
        "unresolved_statistics": unresolved_json(conn),
        "yearly_totals": [y.model_dump(mode="json") for y in queries.yearly_totals(conn)],
        "growth_rates": [
            {**g.model_dump(mode="json"), "mismatch": g.mismatch(tolerance)} for g in growth
        ],
        "city_pilots": [p.model_dump(mode="json") for p in queries.pilots(conn)],
        "policy_notices": [n.model_dump(mode="json") for n in queries.notices(conn)],
        "alerts": [a.model_dump(mode="json") for a in queries.alerts(conn)],
        "documents": [d.model_dump(mode="json") for d in _documents(conn)],
    }


def _documents(conn: Connection) -> list[queries.DocumentInfo]:
    """Every received document, oldest publication first."""
    return list(reversed(queries.documents_page(conn)[0]))


def unresolved_json(conn: Connection) -> dict[str, Any]:
    """Figures read without a year or place: their total and the count of each document."""
    per_document = queries.unresolved_counts(conn)
    return {
        "total": sum(c.count for c in per_document),
        "documents": [c.model_dump(mode="json") for c in per_document],
    }


def unresolved_table(conn: Connection) -> Table | None:
    """Documents holding figures whose year or place nothing in them determines, or None."""
    per_document = queries.unresolved_counts(conn)
    if not per_document:
        return None
    total = sum(c.count for c in per_document)
    t = _text_table(f"Unresolved figures: {total}", ("document", "title", "figures"))
    t.caption = (
        "figures whose year (or province or city) nothing in their document says, not "
        "stored as statistics; "
        "`ipmon extract FILE` lists each with its sentence"
    )
    for c in per_document:
        t.add_row(c.document_id[:12], c.title or "—", str(c.count))
    return t


def _scaled(value: Decimal | None, unit: str) -> str:
    """A value as `human` writes it, without the unit the table's title already gives."""
    return human(value, unit).removesuffix(f" {unit}")


def _by_series(rows: Sequence[R]) -> dict[tuple[str, str, str], list[R]]:
    """Rows grouped by (metric, geography, unit), in their order."""
    groups: dict[tuple[str, str, str], list[R]] = {}
    for r in rows:
        groups.setdefault((r.metric, r.geography, r.unit), []).append(r)  # type: ignore[attr-defined]
    return groups


def _series_table(title: str, key: tuple[str, str, str], columns: Sequence[str]) -> Table:
    """A table of one series, named for people: 'Yearly totals: IP pledge financing, CN (CNY)'."""
    metric, geography, unit = key
    t = Table(title=f"{title}: {metric_label(metric)}, {geography} ({unit})",
              title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
              collapse_padding=True)
    for col in columns:
        # figures never wrap; the few text columns take what width is left
        t.add_column(col, justify="right", no_wrap=True)
    return t


def yearly_tables(conn: Connection) -> list[Table]:
    """Yearly totals, one table per series."""
    out = []
    for key, rows in _by_series(queries.yearly_totals(conn)).items():
        t = _series_table("Yearly totals", key, ("year", "official", "year to date", "gap"))
        t.add_column("covered", overflow="fold")
        unit = key[2]
        for y in rows:
            through = f" (to M{y.ytd_through_month})" if y.ytd_value else ""
            t.add_row(str(y.year), _scaled(y.official_value, unit),
                      _scaled(y.ytd_value, unit) + through, _scaled(y.gap, unit),
                      y.covered_periods or "—")
        out.append(t)
    return out


def _change_unit(kind: str | None) -> str:
    return "%" if kind in ("percent", None) else (" pp" if kind == "percentage_points" else "")


def growth_tables(conn: Connection, tolerance: float) -> list[Table]:
    """Reported against computed growth, one table per series."""
    out = []
    cols = ("period", "value", "reported", "computed", "diff", "implied\nprior", "")
    for key, rows in _by_series(queries.growth_rates(conn)).items():
        t = _series_table("Growth, reported vs computed", key, cols)
        unit = key[2]
        for g in rows:
            u = _change_unit(g.change_kind)
            t.add_row(
                g.period_key, _scaled(g.value, unit),
                f"{g.reported_change:+}{u}" if g.reported_change is not None else "—",
                f"{g.computed_change:+.2f}{u}" if g.computed_change is not None else "—",
                f"{g.difference:+.2f}" if g.difference is not None else "—",
                _scaled(g.implied_prior_value, unit),
                "[bold red]MISMATCH[/]" if g.mismatch(tolerance) else "",
            )
        out.append(t)
    return out


def _text_table(title: str, columns: Sequence[str]) -> Table:
    t = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
              collapse_padding=True)
    for col in columns:
        t.add_column(col, overflow="fold")
    return t


def other_tables(conn: Connection) -> list[Table]:
    """City pilots, policy notices and alerts."""
    pt = _text_table("City pilots", ("program", "city", "level", "status", "since", "previous"))
    for p in queries.pilots(conn):
        pt.add_row(p.program, p.city, p.admin_level or "—", p.status, str(p.since),
                   p.previous_status or "—")
    nt = _text_table("Policy notices", ("first seen", "type", "title", "issuers", "number"))
    for n in queries.notices(conn):
        nt.add_row(str(n.first_published_at), n.type, n.title or f"({n.description})",
                   (n.issuer_ids or "—").replace(",", ", "), n.doc_number or "—")
    at = _text_table("Alerts", ("state", "severity", "rule", "message"))
    for a in queries.alerts(conn):
        at.add_row(a.state, a.severity, a.rule, a.message)
    return [pt, nt, at]


def documents_table(conn: Connection) -> Table:
    """The documents read, with the language each was read in."""
    t = _text_table("Documents", ("published", "lang", "publisher", "title"))
    for d in _documents(conn):
        name = d.title or (d.origin or d.document_id).rsplit("/", 1)[-1]
        t.add_row(str(d.published_at), d.language, d.publisher or "—", name)
    return t


def render(conn: Connection, tolerance: float) -> Group:
    """The report as rich tables: totals, growth, pilots, notices, alerts, documents."""
    parts: list[Any] = [*yearly_tables(conn), *growth_tables(conn, tolerance), *other_tables(conn),
                        documents_table(conn)]
    unresolved = unresolved_table(conn)
    if unresolved is not None:
        parts.append(unresolved)
    unclassified = queries.unclassified_count(conn)
    if unclassified:
        parts.append(
            f"{unclassified} statistic(s) matched no catalogue metric (metric 'unclassified')"
        )
    return Group(*parts)


def print_report(console: Console, conn: Connection, tolerance: float) -> None:
    """Print the full report."""
    console.print(render(conn, tolerance))
