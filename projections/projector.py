"""The projector: applies a batch of log records and commits state and positions together."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any
from urllib.parse import urlsplit

import orjson
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from events import codec
from events import sources as source_catalogue
from events.log.port import Record
from projections import derive, schema, tables
from projections.rows import BUILDERS, Row, normalise
from projections.store import store_of
from projections.store.port import ProjectionStore
from projections.vintages import held_slips, latest_decisions, usable

SeriesKey = tuple[str, str]
PeriodKey = tuple[str, str, str]
YearKey = tuple[str, str, int]
PilotKey = tuple[str, str]
AlertKey = tuple[str, str]

_TABLES = {t.name: t for t in tables.BASE_TABLES}


@dataclass
class Changes:
    """What one applied batch touched, for alert rules, sinks and reports."""

    series: set[SeriesKey] = field(default_factory=set)
    periods: set[PeriodKey] = field(default_factory=set)
    years: set[YearKey] = field(default_factory=set)
    notices: set[str] = field(default_factory=set)
    pilots: set[PilotKey] = field(default_factory=set)
    alerts: set[AlertKey] = field(default_factory=set)
    new_alert_events: list[Row] = field(default_factory=list)
    rejected: list[tuple[Record, str]] = field(default_factory=list)
    applied: int = 0
    skipped: int = 0

    def merge(self, other: Changes) -> None:
        """Add another batch's changes to these."""
        self.series |= other.series
        self.periods |= other.periods
        self.years |= other.years
        self.notices |= other.notices
        self.pilots |= other.pilots
        self.alerts |= other.alerts
        self.new_alert_events += other.new_alert_events
        self.rejected += other.rejected
        self.applied += other.applied
        self.skipped += other.skipped


@dataclass
class Decoded:
    """A batch split into base-table rows, with the records that could not be read."""

    rows: dict[str, list[Row]] = field(default_factory=lambda: defaultdict(list))
    rejected: list[tuple[Record, str]] = field(default_factory=list)


Attribution = tuple[int, str | None]


def _attribution(
    catalogue: source_catalogue.Sources, publisher: str | None, url: str | None
) -> Attribution:
    """An observation's authority and source, as the sources catalogue knows its document."""
    found = catalogue.match(publisher, url)
    source = found.source if found.level != "unknown" else (
        publisher or (urlsplit(url).hostname if url else None)
    )
    return found.authority, source


def decode_records(
    records: Iterable[Record], sources: source_catalogue.Sources | None = None
) -> Decoded:
    """Parse records into base rows; unreadable ones are set aside with the reason.

    A statistic's authority comes from the sources catalogue (`sources`, by default the
    one shipped with ipmon), matched on its document's URL and publisher, once per
    publisher and URL of the batch (a document yields many statistics).
    """
    out = Decoded()
    catalogue = sources or source_catalogue.default()
    seen: dict[tuple[Any, Any], Attribution] = {}
    tables_rows = out.rows
    for r in records:
        try:
            raw = normalise(orjson.loads(r.data))
            table, build = BUILDERS[raw["event_type"]]
            row = build(raw)
            if table == "observations":
                key = (row["publisher"], row.pop("url"))
                found = seen.get(key)
                if found is None:
                    found = seen[key] = _attribution(catalogue, *key)
                row["authority"], row["source"] = found
            tables_rows[table].append(row)
        except Exception as exc:
            out.rejected.append((r, _reason(r.data, exc)))
    return out


def _reason(data: bytes, exc: Exception) -> str:
    """Why a record could not be read: the full validation's words where it has some.

    The hot path reads plain dicts and fails on the first missing key; only for the rare
    record that fails is the event validated whole, to name what is wrong with it.
    """
    try:
        codec.decode(data)
    except codec.DecodeError as invalid:
        return str(invalid)
    return f"{type(exc).__name__}: {exc}"


def _load(
    store: ProjectionStore,
    conn: Connection,
    table: sa.Table,
    cols: tuple[str, ...],
    keys: Sequence[Any],
    *,
    unretracted: bool = True,
    columns: Sequence[str] | None = None,
) -> list[Row]:
    """Rows whose key columns match any of `keys`, by default without retracted events."""
    out = store.read(conn, table, cols, list(keys), columns) if keys else []
    if not unretracted or not out:
        return out
    ids = [r["event_id"] for r in out]
    gone = store.present(conn, tables.retractions, "retracted_event_id", ids)
    return [r for r in out if r["event_id"] not in gone]


def _decisions(
    store: ProjectionStore, conn: Connection, event_ids: Sequence[str]
) -> dict[str, str]:
    """The decisions people recorded on these observations (the last one of each)."""
    if not event_ids:
        return {}
    ids = sorted(set(event_ids))
    rows = store.read(conn, tables.value_reviews, ("reviewed_event_id",), ids)
    return latest_decisions(rows)


def _replace(
    store: ProjectionStore,
    conn: Connection,
    table: sa.Table,
    cols: tuple[str, ...],
    keys: Sequence[Any],
    rows: Sequence[Row],
) -> None:
    if keys:
        store.delete(conn, table, cols, keys)
    store.insert(conn, table, rows, ignore_existing=False)


def _group(rows: Iterable[Row], cols: tuple[str, ...]) -> dict[Any, list[Row]]:
    out: dict[Any, list[Row]] = defaultdict(list)
    key = itemgetter(*cols)  # a scalar for one column, a tuple for several
    for r in rows:
        out[key(r)].append(r)
    return out


SERIES = ("metric", "geography")
PERIOD = ("metric", "geography", "period_key")
YEAR = ("metric", "geography", "year")


def shift_key(period_key: str, years: int) -> str:
    """The same period `years` later: `2020-Q1` shifted by -1 is `2019-Q1`."""
    return f"{int(period_key[:4]) + years}{period_key[4:]}"


def series_work(periods: Iterable[PeriodKey]) -> tuple[set[YearKey], set[PeriodKey]]:
    """The years and growth keys that depend on a set of touched periods.

    A period's yearly total depends on the periods of its year; its growth row depends on
    it and on the same period a year before, so the period a year later changes too.
    """
    years = {(m, g, int(pk[:4])) for m, g, pk in periods}
    growth = set(periods) | {(m, g, shift_key(pk, 1)) for m, g, pk in periods}
    return years, growth


def _by_series(rows: Iterable[Row]) -> dict[Any, list[Row]]:
    return _group(rows, SERIES)


PILOT = ("program", "city")
ALERT = ("rule", "key")


def derive_all(
    observations: Iterable[Row],
    mentions: Iterable[Row],
    pilot_events: Iterable[Row],
    alert_events: Iterable[Row],
    reviews: Iterable[Row] = (),
) -> dict[str, list[Row]]:
    """Derived rows of every key present in the given (unretracted) base rows."""
    out: dict[str, list[Row]] = {t.name: [] for t in tables.DERIVED_TABLES}
    decisions = latest_decisions(reviews)
    for obs in _group(observations, SERIES).values():
        current, yearly, growth = derive.derive_series(obs, decisions)
        out["current_values"] += current
        out["yearly_totals"] += yearly
        out["growth_rates"] += growth
    out["policy_notices"] = [
        derive.derive_notice(m) for m in _group(mentions, ("notice_key",)).values()
    ]
    out["city_pilots"] = [derive.derive_pilot(p) for p in _group(pilot_events, PILOT).values()]
    for evs in _group(alert_events, ALERT).values():
        state = derive.derive_alert(evs)
        if state is not None:
            out["alerts"].append(state)
    return out


def all_keys(conn: Connection) -> Changes:
    """Changes naming every series, notice, pilot and alert key the projections hold."""
    cv, pn, cp, al = tables.current_values, tables.policy_notices, tables.city_pilots, tables.alerts
    out = Changes()
    out.periods = {
        (m, g, pk)
        for m, g, pk in conn.execute(sa.select(cv.c.metric, cv.c.geography, cv.c.period_key))
    }
    out.years, _ = series_work(out.periods)
    out.series = {(m, g) for m, g, _ in out.periods}
    out.notices = set(conn.execute(sa.select(pn.c.notice_key)).scalars())
    out.pilots = {(p, c) for p, c in conn.execute(sa.select(cp.c.program, cp.c.city))}
    out.alerts = {(r, k) for r, k in conn.execute(sa.select(al.c.rule, al.c.key))}
    return out


class Projector:
    """Applies log records to the projection tables of one database.

    `apply` runs in a single transaction: base rows, the derived rows of every key the
    batch touched, and the new log positions commit together or not at all.
    """

    def __init__(
        self,
        store: ProjectionStore | Engine,
        name: str = "main",
        sources: source_catalogue.Sources | None = None,
    ) -> None:
        self.store = store_of(store)
        self.engine = self.store.engine
        self.name = name
        self.sources = sources

    def create(self) -> None:
        """Create the tables of a new database; SchemaDrift if they follow other definitions."""
        schema.ensure(self.engine)

    def cursor(self) -> dict[str, int]:
        """The log positions the projections reflect: partition -> last applied offset."""
        with self.engine.connect() as conn:
            return self.store.positions(conn, self.name)

    def apply(self, records: Sequence[Record]) -> Changes:
        """Apply records not yet reflected, in one transaction; return what changed."""
        with self.engine.begin() as conn:
            return self.apply_in(conn, records)

    def apply_in(self, conn: Connection, records: Sequence[Record]) -> Changes:
        """Apply records inside a transaction the caller owns (the faust worker does)."""
        store = self.store
        stored = store.positions(conn, self.name)
        fresh = [r for r in records if r.position.offset > stored.get(r.position.partition, -1)]
        changes = Changes(skipped=len(records) - len(fresh))
        decoded = decode_records(fresh, self.sources)
        changes.rejected = decoded.rejected
        rows = decoded.rows
        alert_rows = rows.get("alert_events", [])
        if alert_rows:
            ids = [r["event_id"] for r in alert_rows]
            known = store.present(conn, tables.alert_events, "event_id", ids)
            changes.new_alert_events = [r for r in alert_rows if r["event_id"] not in known]
        for name, table_rows in rows.items():
            store.insert(conn, _TABLES[name], table_rows, ignore_existing=True)
            changes.applied += len(table_rows)
        observed = rows.get("observations", ())
        changes.periods = {(r["metric"], r["geography"], r["period_key"]) for r in observed}
        changes.notices = {r["notice_key"] for r in rows.get("notice_mentions", ())}
        changes.pilots = {(r["program"], r["city"]) for r in rows.get("pilot_events", ())}
        changes.alerts = {(r["rule"], r["key"]) for r in alert_rows}
        retracted_ids = [r["retracted_event_id"] for r in rows.get("retractions", ())]
        retracted_ids += [r["reviewed_event_id"] for r in rows.get("value_reviews", ())]
        for r in _load(
            store, conn, tables.observations, ("event_id",), retracted_ids, unretracted=False
        ):
            changes.periods.add((r["metric"], r["geography"], r["period_key"]))
        for r in rows.get("retractions", ()):
            kind, _, rest = r["retracted_subject"].partition(":")
            if kind == "notice":
                changes.notices.add(rest)
            elif kind == "pilot":
                program, _, city = rest.rpartition(":")
                changes.pilots.add((program, city))
        changes.years, growth = series_work(changes.periods)
        changes.periods = growth
        changes.series = {(m, g) for m, g, _ in changes.periods}
        self.rederive(conn, changes)
        self._save_positions(conn, fresh)
        return changes

    def rederive(self, conn: Connection, changes: Changes) -> None:
        """Recompute the derived rows of every key in `changes` from the base tables."""
        if changes.periods:
            periods, years = self._rederive_periods(conn, changes.periods)
            changes.periods |= periods
            changes.years |= years
        if changes.notices:
            notices = sorted(changes.notices)
            mentions = _load(self.store, conn, tables.notice_mentions, ("notice_key",), notices)
            rows = derive_all((), mentions, (), ())["policy_notices"]
            _replace(self.store, conn, tables.policy_notices, ("notice_key",), notices, rows)
        if changes.pilots:
            pilots = sorted(changes.pilots)
            events = _load(self.store, conn, tables.pilot_events, PILOT, pilots)
            rows = derive_all((), (), events, ())["city_pilots"]
            _replace(self.store, conn, tables.city_pilots, PILOT, pilots, rows)
        if changes.alerts:
            alerts = sorted(changes.alerts)
            events = _load(self.store, conn, tables.alert_events, ALERT, alerts)
            rows = derive_all((), (), (), events)["alerts"]
            _replace(self.store, conn, tables.alerts, ALERT, alerts, rows)

    def _rederive_periods(
        self, conn: Connection, touched: set[PeriodKey]
    ) -> tuple[set[PeriodKey], set[YearKey]]:
        """Re-derive the rows that depend on the touched periods; return every period and
        year whose rows were re-derived (their alerts must be judged again)."""
        touched_years, _ = series_work(touched)
        # a period's current value depends on the other periods of its year (a part several
        # times its year's total is held out) and on the growth reported a year later (a
        # prior it puts 10**k away is held out): whole years are re-derived, with the year
        # before each touched one, reading the year after as context
        years = touched_years | {(m, g, y - 1) for m, g, y in touched_years}
        year_keys = sorted(years)
        context = sorted(years | {(m, g, y + 1) for m, g, y in years})
        store = self.store
        in_years = _load(
            store, conn, tables.observations, YEAR, context, columns=derive.SERIES_COLUMNS
        )
        decided = _decisions(store, conn, [o["event_id"] for o in in_years])
        series = _by_series(in_years)
        # each period's scale slips, found once for its vintage choice and for its growth
        slips = {key: held_slips(obs, decided) for key, obs in series.items()}
        current = [
            row
            for key, obs in series.items()
            for row in derive.current_values(obs, decided, slips[key])
            if (row["metric"], row["geography"], row["year"]) in years
        ]
        _replace(store, conn, tables.current_values, YEAR, year_keys, current)
        yearly = [r for rows in _by_series(current).values() for r in derive.yearly_totals(rows)]
        _replace(store, conn, tables.yearly_totals, YEAR, year_keys, yearly)
        periods = touched | {(r["metric"], r["geography"], r["period_key"]) for r in current}
        _, growth = series_work(periods)
        growth_keys = sorted(growth)
        priors = {(m, g, shift_key(pk, -1)) for m, g, pk in growth}
        needed = sorted(growth | priors)
        values = _load(store, conn, tables.current_values, PERIOD, needed, unretracted=False)
        # growth periods lie in the years read above (a year after one at most), so their
        # observations, decisions and slips are all known already
        held = {v["suspect_event_id"] for v in values if v["suspect_event_id"]}
        reported_by = {
            key: [
                o
                for o in usable(
                    [o for o in obs if (o["metric"], o["geography"], o["period_key"]) in growth],
                    decided, slips[key],
                )
                if o["change_kind"] is not None and o["event_id"] not in held
            ]
            for key, obs in series.items()
        }
        rates = [
            row
            for key, rows in _by_series(values).items()
            for row in derive.growth_rates(rows, reported_by.get(key, []))
            if (row["metric"], row["geography"], row["period_key"]) in growth
        ]
        _replace(store, conn, tables.growth_rates, PERIOD, growth_keys, rates)
        return growth, years

    def _save_positions(self, conn: Connection, records: Sequence[Record]) -> None:
        latest: dict[str, int] = {}
        for r in records:
            if r.position.offset > latest.get(r.position.partition, -1):
                latest[r.position.partition] = r.position.offset
        self.store.advance(conn, self.name, latest)
