"""Turn decoded event objects (JSON dicts, current schema) into base-table rows.

This is the hot path of every replay, so it reads plain dicts parsed by orjson rather
than validating pydantic models again: events were validated when they were appended,
and anything that fails here is dead-lettered by the projector.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from events import programmes
from events.codec import PAYLOADS
from events.upcasters import upcast

Row = dict[str, Any]
_d = date.fromisoformat

_MONTHS = {"year": None, "quarter": 3, "half": 6}


def period_fields(p: dict[str, Any]) -> tuple[str, str, int, int, int]:
    """(key, kind, year, first month, last month) of a period object."""
    kind, year = p["kind"], int(p["year"])
    if kind == "year":
        return f"{year}", kind, year, 1, 12
    if kind == "quarter":
        q = int(p["quarter"])
        if not 1 <= q <= 4:
            raise ValueError(f"quarter {q} is not 1..4")
        return f"{year}-Q{q}", kind, year, 3 * q - 2, 3 * q
    if kind == "half":
        h = int(p["half"])
        if h not in (1, 2):
            raise ValueError(f"half {h} is not 1 or 2")
        return f"{year}-H{h}", kind, year, 6 * h - 5, 6 * h
    if kind == "months":
        a, b = (int(x) for x in p["months"])
        if not 1 <= a <= b <= 12:
            raise ValueError(f"months {a}..{b} are not within 1..12 in order")
        return f"{year}-M{a:02d}-M{b:02d}", kind, year, a, b
    if kind == "as_of":
        m = int(p["as_of_month"])
        if not 1 <= m <= 12:
            raise ValueError(f"as_of_month {m} is not 1..12")
        return f"{year}-E{m:02d}", kind, year, m, m
    raise ValueError(f"unknown period kind {kind!r}")


def normalise(raw: dict[str, Any]) -> dict[str, Any]:
    """Upcast an event object's payload to the current schema version in place."""
    cls = PAYLOADS.get(raw["event_type"])
    if cls is None:
        raise ValueError(f"unknown event_type {raw['event_type']!r}")
    version = raw["schema_version"]
    if version != cls.SCHEMA_VERSION:
        raw["payload"] = upcast(raw["event_type"], version, raw["payload"], cls.SCHEMA_VERSION)
        raw["schema_version"] = cls.SCHEMA_VERSION
    # the payload is held to its contract (a unit, period or direction it does not allow
    # makes the record a dead letter, never a row); the rows read the plain dict
    cls.__pydantic_validator__.validate_python(raw["payload"])
    return raw


def _source(e: dict[str, Any]) -> dict[str, Any]:
    return e.get("source") or {}


_NOTHING: dict[str, Any] = {}  # read only: stands for an absent object
_CHANGE_KINDS = ("percent", "percentage_points", "absolute")


def observation(e: dict[str, Any]) -> Row:
    """A StatisticPublished event as an observations row."""
    # every statistic of a replay comes through here: lookups are done once, inline
    p, s = e["payload"], e.get("source") or _NOTHING
    key, kind, year, first, last = period_fields(p["period"])
    change = p.get("reported_change")
    change_kind = amount = basis = None
    if change:
        basis = change.get("basis")
        for k in _CHANGE_KINDS:
            given = change.get(k)
            if given is not None:
                change_kind, amount = k, Decimal(str(given))
                if change["direction"] == "down":
                    amount = -amount
                break
    value, equivalent = p.get("value"), p.get("equivalent") or _NOTHING
    sspan, vspan = s.get("sentence_span") or _NOTHING, s.get("value_span") or _NOTHING
    equivalent_value = equivalent.get("value")
    return {
        "event_id": e["event_id"],
        "metric": p["metric"],
        "geography": p["geography"],
        "period_key": key,
        "period_kind": kind,
        "year": year,
        "month_first": first,
        "month_last": last,
        "value": None if value is None else Decimal(str(value)),
        "unit": p["unit"],
        "qualifier": p.get("qualifier") or "exact",
        "change_kind": change_kind,
        "change_amount": amount,
        "change_basis": basis,
        "description": p.get("description"),
        "published_at": _d(e["published_at"]),
        "recorded_at": e["recorded_at"],
        "document_id": s.get("document_id"),
        "sentence": s.get("sentence"),
        "sentence_start": sspan.get("start"),
        "sentence_end": sspan.get("end"),
        "value_start": vspan.get("start"),
        "value_end": vspan.get("end"),
        "extractor_version": s.get("extractor_version"),
        "publisher": s.get("publisher"),
        "url": s.get("url"),  # for the sources catalogue; not a column
        "authority": None,  # source and authority: set by the projector from the catalogue
        "source": None,
        "equivalent_value": None if equivalent_value is None else Decimal(str(equivalent_value)),
        "equivalent_unit": equivalent.get("unit"),
    }


def retraction(e: dict[str, Any]) -> Row:
    """A FactRetracted event as a retractions row."""
    p = e["payload"]
    return {
        "event_id": e["event_id"],
        "retracted_event_id": p["retracted_event_id"],
        "retracted_subject": p["retracted_subject"],
        "reason": p["reason"],
    }


def review(e: dict[str, Any]) -> Row:
    """A ValueReviewed event as a value_reviews row."""
    p = e["payload"]
    return {
        "event_id": e["event_id"],
        "reviewed_event_id": p["reviewed_event_id"],
        "decision": p["decision"],
        "by": p["by"],
        "note": p.get("note"),
        "recorded_at": e["recorded_at"],
    }


def document(e: dict[str, Any]) -> Row:
    """A DocumentReceived event as a documents row (the text itself stays in the log)."""
    p = e["payload"]
    return {
        "event_id": e["event_id"],
        "document_id": p["document_id"],
        "title": p.get("title"),
        "url": p.get("url"),
        "publisher": p.get("publisher"),
        "origin": p.get("origin"),
        "published_at": _d(e["published_at"]),
        "recorded_at": e["recorded_at"],
        "chars": len(p["text"]),
        "language": p["language"],
    }


def document_change(e: dict[str, Any]) -> Row:
    """A DocumentChanged event as a document_changes row."""
    p = e["payload"]
    return {
        "event_id": e["event_id"],
        "url": p["url"],
        "previous_document_id": p["previous_document_id"],
        "document_id": p["document_id"],
        "published_at": _d(e["published_at"]),
    }


def notice_mention(e: dict[str, Any]) -> Row:
    """A PolicyNoticeIssued event as a notice_mentions row."""
    p, s = e["payload"], _source(e)
    return {
        "event_id": e["event_id"],
        "notice_key": e["subject"].removeprefix("notice:"),
        "title": p.get("title"),
        "description": p.get("description"),
        "issuers": [{"id": i["id"], "name": i["name"]} for i in p.get("issuers") or ()],
        "date": p.get("date"),
        "doc_number": p.get("doc_number"),
        "type": p.get("type") or "notice",
        "mention": p.get("mention") or "issued",
        "published_at": _d(e["published_at"]),
        "recorded_at": e["recorded_at"],
        "document_id": s.get("document_id"),
        "sentence": s.get("sentence"),
    }


def pilot_event(e: dict[str, Any]) -> Row:
    """A CityPilotDesignated or CityPilotStatusChanged event as a pilot_events row.

    A catalogued programme is named by the catalogue, so one programme written two ways
    is one pilot; any other keeps the text it was written with.
    """
    p, s = e["payload"], _source(e)
    known = programmes.catalogue().get(p.get("program_id") or "")
    return {
        "event_id": e["event_id"],
        "event_type": e["event_type"],
        "program": known.name if known else p["program"],
        "city": p["city"],
        "status": p["status"],
        "admin_level": p.get("admin_level"),
        "role": p.get("role"),
        "batch": p.get("batch"),
        "year": p.get("year"),
        "reason": p.get("reason"),
        "published_at": _d(e["published_at"]),
        "recorded_at": e["recorded_at"],
        "document_id": s.get("document_id"),
    }


def alert_event(e: dict[str, Any]) -> Row:
    """An alert lifecycle event as an alert_events row."""
    p = e["payload"]
    return {
        "event_id": e["event_id"],
        "event_type": e["event_type"],
        "rule": p["rule"],
        "key": p["key"],
        "severity": p.get("severity"),
        "message": p.get("message"),
        "evidence": [str(x) for x in p.get("evidence") or ()],
        "fingerprint": p.get("fingerprint"),
        "by": p.get("by"),
        "until": p.get("until"),
        "published_at": _d(e["published_at"]),
        "recorded_at": e["recorded_at"],
    }


def deadletter(e: dict[str, Any]) -> Row:
    """An EventRejected event as a deadletters row."""
    p = e["payload"]
    return {
        "event_id": e["event_id"],
        "origin": p["origin"],
        "error": p["error"],
        "raw_sha256": p["raw_sha256"],
        "recorded_at": e["recorded_at"],
    }


def unresolved(e: dict[str, Any]) -> Row:
    """A StatisticUnresolved event as an unresolved_statistics row."""
    p = e["payload"]
    return {
        "event_id": e["event_id"],
        "document_id": p["document_id"],
        "metric": p["metric"],
        "period_kind": p["period_kind"],
        "value_text": p.get("value_text"),
        "sentence": p["sentence"],
        "sentence_start": p["sentence_start"],
        "reason": p["reason"],
        "published_at": _d(e["published_at"]),
        "recorded_at": e["recorded_at"],
    }


BUILDERS: dict[str, tuple[str, Callable[[dict[str, Any]], Row]]] = {
    "StatisticPublished": ("observations", observation),
    "FactRetracted": ("retractions", retraction),
    "ValueReviewed": ("value_reviews", review),
    "DocumentReceived": ("documents", document),
    "DocumentChanged": ("document_changes", document_change),
    "PolicyNoticeIssued": ("notice_mentions", notice_mention),
    "CityPilotDesignated": ("pilot_events", pilot_event),
    "CityPilotStatusChanged": ("pilot_events", pilot_event),
    "AlertRaised": ("alert_events", alert_event),
    "AlertResolved": ("alert_events", alert_event),
    "AlertAcknowledged": ("alert_events", alert_event),
    "AlertSilenced": ("alert_events", alert_event),
    "EventRejected": ("deadletters", deadletter),
    "StatisticUnresolved": ("unresolved_statistics", unresolved),
}
