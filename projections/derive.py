"""Pure derivations: base rows of one key in, derived rows out. No I/O, no clock.

Every function sorts its input by a total order of the events' own fields, so the
output depends only on the *set* of rows given, never on the order they arrived in.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import Any

from projections.slips import hold_out_implied_priors, hold_out_impossible_parts
from projections.tables import recorded_order
from projections.vintages import Choice, Suspect, choose, held_slips, usable, vintage_key

Row = dict[str, Any]

# The observation columns a series' derivation reads: its rows are read back with these
# alone, leaving the sentence and its spans (most of a row's bytes) in the table.
SERIES_COLUMNS = (
    "event_id", "metric", "geography", "period_key", "period_kind", "year", "month_first",
    "month_last", "value", "unit", "qualifier", "change_kind", "change_amount",
    "change_basis", "published_at", "recorded_at", "publisher", "source", "authority",
    "equivalent_value", "equivalent_unit",
)
FLOW_UNITS = frozenset({"CNY", "USD", "count"})
SUMMABLE_KINDS = frozenset({"quarter", "half", "months"})
_Q = Decimal("0.000001")


def _q(value: Decimal) -> Decimal:
    return value.quantize(_Q).normalize() if value.adjusted() < 20 else value


# --- statistics -------------------------------------------------------------------


def current_values(
    observations: Iterable[Row],
    decisions: Mapping[str, str] | None = None,
    slips: Mapping[str, Sequence[Suspect]] | None = None,
) -> list[Row]:
    """The current vintage of each period of one series (see `projections.vintages`).

    `slips` are the series' `held_slips` when the caller has them already.
    """
    decided = decisions or {}
    by_period: dict[str, list[Row]] = defaultdict(list)
    for o in observations:
        by_period[o["period_key"]].append(o)
    found = slips if slips is not None else held_slips(by_period_rows(by_period), decided)
    rows = [
        _current_row(
            period_key, choose(by_period[period_key], decided, found.get(period_key, ())),
            by_period,
        )
        for period_key in sorted(by_period)
    ]
    return hold_out_implied_priors(
        hold_out_impossible_parts(rows, decided), list(by_period_rows(by_period)), decided,
        found,
    )


def by_period_rows(by_period: Mapping[str, list[Row]]) -> Iterable[Row]:
    """Every row of a by-period grouping."""
    return (r for rows in by_period.values() for r in rows)


def _current_row(period_key: str, c: Choice, by_period: dict[str, list[Row]]) -> Row:
    latest, previous, suspect = c.current, c.previous, c.suspect
    return {
        "metric": latest["metric"],
        "geography": latest["geography"],
        "period_key": period_key,
        "period_kind": latest["period_kind"],
        "year": latest["year"],
        "month_first": latest["month_first"],
        "month_last": latest["month_last"],
        "value": None if c.held_out else latest["value"],
        "unit": latest["unit"],
        "qualifier": latest["qualifier"],
        "event_id": latest["event_id"],
        "published_at": latest["published_at"],
        "vintages": len(by_period[period_key]),
        "previous_value": previous["value"] if previous else None,
        "previous_event_id": previous["event_id"] if previous else None,
        "authority": int(latest.get("authority") or 1),
        "confirmations": c.confirmations,
        "dissent_event_id": c.dissent["event_id"] if c.dissent else None,
        "dissent_value": c.dissent["value"] if c.dissent else None,
        "suspect_event_id": suspect.row["event_id"] if suspect else None,
        "suspect_factor": suspect.factor if suspect else None,
        "suspect_basis_event_id": suspect.basis["event_id"] if suspect else None,
    }


def _ytd_chain(parts: Sequence[Row]) -> list[Row]:
    """The longest run of non-overlapping sub-year periods from January, fewest pieces.

    Published cumulative figures (January to N) therefore win over sums of quarters that
    reach the same month, because they are one piece.
    """
    best: dict[int, list[Row]] = {0: []}
    for end in range(1, 12):
        options = [
            best[p["month_first"] - 1] + [p]
            for p in parts
            if p["month_last"] == end and (p["month_first"] - 1) in best
        ]
        if options:
            best[end] = min(options, key=lambda c: (len(c), [r["period_key"] for r in c]))
    return best[max(best)]


def yearly_totals(current: Iterable[Row]) -> list[Row]:
    """Per year of a flow series: the official annual figure, the year-to-date sum, the gap."""
    by_year: dict[int, list[Row]] = defaultdict(list)
    for row in current:
        if row["unit"] in FLOW_UNITS and row["value"] is not None:
            by_year[row["year"]].append(row)
    out: list[Row] = []
    for year in sorted(by_year):
        rows = by_year[year]
        annual = [
            r
            for r in rows
            if r["period_kind"] == "year"
            or (r["period_kind"] == "months" and (r["month_first"], r["month_last"]) == (1, 12))
        ]
        official = max(annual, key=lambda r: (r["published_at"], r["event_id"])) if annual else None
        unit = official["unit"] if official else rows[0]["unit"]
        parts = [
            r
            for r in rows
            if r["period_kind"] in SUMMABLE_KINDS
            and r["unit"] == unit
            and (r["month_first"], r["month_last"]) != (1, 12)
        ]
        chain = _ytd_chain(parts)
        if not chain and official is None:
            continue
        ytd = sum((r["value"] for r in chain), Decimal(0)) if chain else None
        through = chain[-1]["month_last"] if chain else None
        out.append(
            {
                "metric": rows[0]["metric"],
                "geography": rows[0]["geography"],
                "year": year,
                "unit": unit,
                "official_value": official["value"] if official else None,
                "official_event_id": official["event_id"] if official else None,
                "ytd_value": ytd,
                "ytd_through_month": through,
                "covered_periods": ",".join(r["period_key"] for r in chain),
                "ytd_event_ids": ",".join(r["event_id"] for r in chain),
                "gap": official["value"] - ytd if official and ytd is not None else None,
                "complete": through == 12,
            }
        )
    return out


def _prior_key(row: Row) -> str:
    kind, year = row["period_kind"], row["year"] - 1
    key: str = row["period_key"]
    return f"{year}{key[4:]}" if kind != "year" else f"{year}"


def growth_rates(current: Sequence[Row], observations: Iterable[Row]) -> list[Row]:
    """Reported versus computed change for each period that has either."""
    by_key = {r["period_key"]: r for r in current}
    changes: dict[str, Row] = {}
    for o in sorted(observations, key=lambda o: (int(o.get("authority") or 1), vintage_key(o))):
        if o["change_kind"] is not None:
            # the most authoritative vintage that reported a change wins, the latest of equals
            changes[o["period_key"]] = o
    out: list[Row] = []
    for row in current:
        prior = by_key.get(_prior_key(row))
        if prior is not None and (prior["value"] is None or prior["unit"] != row["unit"]):
            prior = None
        reported = changes.get(row["period_key"])
        if reported is None and prior is None:
            continue
        kind = reported["change_kind"] if reported else "percent"
        amount: Decimal | None = reported["change_amount"] if reported else None
        value: Decimal | None = row["value"]
        computed = difference = implied = None
        if value is not None and prior is not None:
            base: Decimal = prior["value"]
            if kind == "percent":
                computed = _q((value / base - 1) * 100) if base != 0 else None
            else:
                computed = value - base
        if amount is not None and computed is not None:
            difference = _q(amount - computed)
        if amount is not None and value is not None:
            if kind == "percent":
                implied = _q(value / (1 + amount / 100)) if amount != -100 else None
            else:
                implied = value - amount
        out.append(
            {
                "metric": row["metric"],
                "geography": row["geography"],
                "period_key": row["period_key"],
                "year": row["year"],
                "unit": row["unit"],
                "value": value,
                "event_id": row["event_id"],
                "change_kind": kind if reported else None,
                "reported_change": amount,
                "reported_basis": reported["change_basis"] if reported else None,
                "prior_value": prior["value"] if prior else None,
                "prior_event_id": prior["event_id"] if prior else None,
                "computed_change": computed,
                "difference": difference,
                "implied_prior_value": implied,
            }
        )
    return out


def derive_series(
    observations: Sequence[Row], decisions: Mapping[str, str] | None = None
) -> tuple[list[Row], list[Row], list[Row]]:
    """Current values, yearly totals and growth rates of one series (metric, geography)."""
    decided = decisions or {}
    # the scale slips of each period: found once, used by the vintage choice and growth
    slips = held_slips(observations, decided)
    current = current_values(observations, decided, slips)
    held = {r["suspect_event_id"] for r in current if r["suspect_event_id"]}
    trusted = [o for o in usable(observations, decided, slips) if o["event_id"] not in held]
    return current, yearly_totals(current), growth_rates(current, trusted)


# --- notices, pilots, alerts --------------------------------------------------------


def derive_notice(mentions: Sequence[Row]) -> Row:
    """The registry entry of one notice from every mention of it."""
    ordered = sorted(mentions, key=vintage_key)

    def first(field: str) -> Any:
        return next((m[field] for m in ordered if m[field]), None)

    richest = max(ordered, key=lambda m: (len(m["issuers"]), [-ord(c) for c in m["event_id"]]))
    return {
        "notice_key": ordered[0]["notice_key"],
        "title": first("title"),
        "description": first("description"),
        "issuers": richest["issuers"],
        "issuer_ids": ",".join(i["id"] for i in richest["issuers"]),
        "date": first("date"),
        "doc_number": first("doc_number"),
        "type": ordered[0]["type"],
        "first_published_at": ordered[0]["published_at"],
        "mentions": len(ordered),
        "event_ids": [m["event_id"] for m in ordered],
    }


def derive_pilot(events: Sequence[Row]) -> Row:
    """Status of one (program, city) pilot: the latest status and since when it holds."""
    ordered = sorted(events, key=vintage_key)
    last = ordered[-1]
    since = last["published_at"]
    previous = None
    for e in reversed(ordered):
        if e["status"] != last["status"]:
            previous = e["status"]
            break
        since = e["published_at"]
    designations = [e for e in ordered if e["event_type"] == "CityPilotDesignated"]
    latest_designation = designations[-1] if designations else None
    docs = list(dict.fromkeys(e["document_id"] for e in ordered if e["document_id"]))
    return {
        "program": last["program"],
        "city": last["city"],
        "status": last["status"],
        "previous_status": previous,
        "admin_level": latest_designation["admin_level"] if latest_designation else None,
        "role": latest_designation["role"] if latest_designation else None,
        "batch": latest_designation["batch"] if latest_designation else None,
        "designated_at": designations[0]["published_at"] if designations else None,
        "since": since,
        "event_ids": [e["event_id"] for e in ordered],
        "document_ids": docs,
    }


def derive_alert(events: Sequence[Row]) -> Row | None:
    """State of one alert key from its raised, resolved, acknowledged and silenced events."""
    ordered = sorted(events, key=recorded_order)
    state: Row | None = None
    raised: set[str] = set()
    for e in ordered:
        kind = e["event_type"]
        if kind == "AlertRaised":
            raised.add(e["fingerprint"])
            new = (
                state is None
                or state["fingerprint"] != e["fingerprint"]
                or (state["state"] == "resolved")
            )
            state = {
                "rule": e["rule"],
                "key": e["key"],
                "state": "firing",
                "severity": e["severity"],
                "message": e["message"],
                "evidence": e["evidence"],
                "fingerprint": e["fingerprint"],
                "raised_at": e["recorded_at"] if new or state is None else state["raised_at"],
                "resolved_at": None,
                "acknowledged_by": None if new or state is None else state["acknowledged_by"],
                "acknowledged_at": None if new or state is None else state["acknowledged_at"],
                "silenced_until": state["silenced_until"] if state else None,
                "times_raised": 0,
            }
        elif state is None:
            continue  # an acknowledgement or resolution of an alert never raised
        elif kind == "AlertResolved":
            state = {**state, "state": "resolved", "resolved_at": e["recorded_at"]}
        elif kind == "AlertAcknowledged":
            state = {**state, "acknowledged_by": e["by"], "acknowledged_at": e["recorded_at"]}
            if state["state"] == "firing":
                state["state"] = "acknowledged"
        elif kind == "AlertSilenced":
            state = {**state, "silenced_until": e["until"]}
    if state is not None:
        state["times_raised"] = len(raised)
    return state
