"""SQLAlchemy tables of every projection, plus the log positions they reflect.

Each projection has a *base* table keyed by event id (inserted once, never updated) and
*derived* tables recomputed from the base rows of the keys a batch touched. That is what
makes the result independent of order and duplicates: derived rows are a function of the
set of events, not of the sequence in which they arrived.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect

from events.types import plain_decimal


class DecimalText(sa.types.TypeDecorator[Decimal]):
    """Exact decimals: NUMERIC on PostgreSQL, plain text on SQLite (whose NUMERIC rounds)."""

    impl = sa.String(64)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.Numeric(asdecimal=True))
        return dialect.type_descriptor(sa.String(64))

    def process_bind_param(self, value: Decimal | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return Decimal(value) if dialect.name == "postgresql" else plain_decimal(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        return None if value is None else Decimal(value)


class IsoTime(sa.types.TypeDecorator[str]):
    """ISO-8601 instants: `timestamptz` on PostgreSQL, text on SQLite; Python sees text.

    Read back, an instant is written the way events write it (UTC, `Z`, microseconds only
    when there are some), so both databases give the same strings to the projector.
    """

    impl = sa.String(40)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> sa.types.TypeEngine[Any]:
        if dialect.name == "postgresql":
            return dialect.type_descriptor(sa.DateTime(timezone=True))
        return dialect.type_descriptor(sa.String(40))

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if value is None or dialect.name != "postgresql":
            return None if value is None else str(value)
        return parse_instant(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            return value
        return instant_text(value)


def parse_instant(value: Any) -> datetime:
    """An aware datetime of an ISO text (naive means UTC) or of a datetime."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def recorded_order(row: Mapping[str, Any]) -> tuple[datetime, str]:
    """The order events happened in: by the instant recorded, then by id."""
    # as text an instant on a whole second ("12:00:00Z") sorts after the ones with a
    # fraction in that second ("12:00:00.5Z"): compare the instants
    return parse_instant(row["recorded_at"]), str(row["event_id"])


def instant_text(value: datetime) -> str:
    """The ISO text of an instant as events write it: UTC with `Z`."""
    return parse_instant(value).astimezone(UTC).replace(tzinfo=None).isoformat() + "Z"


metadata = sa.MetaData()
S = sa.String
ID = sa.String(36)

positions = sa.Table(
    "projection_positions",
    metadata,
    sa.Column("projector", S(64), primary_key=True),
    sa.Column("partition", S(255), primary_key=True),
    sa.Column("offset", sa.BigInteger, nullable=False),
)

documents = sa.Table(
    "documents",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("document_id", S(64), nullable=False, index=True),
    sa.Column("title", sa.Text),
    sa.Column("url", sa.Text),
    sa.Column("publisher", S(255)),
    sa.Column("origin", sa.Text),
    sa.Column("published_at", sa.Date, nullable=False),
    sa.Column("recorded_at", IsoTime, nullable=False),
    sa.Column("chars", sa.Integer, nullable=False),
    sa.Column("language", S(8), nullable=False),
)

document_changes = sa.Table(
    "document_changes",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("previous_document_id", S(64), nullable=False),
    sa.Column("document_id", S(64), nullable=False),
    sa.Column("published_at", sa.Date, nullable=False),
)

observations = sa.Table(
    "observations",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("metric", S(128), nullable=False),
    sa.Column("geography", S(128), nullable=False),
    sa.Column("period_key", S(16), nullable=False),
    sa.Column("period_kind", S(8), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("month_first", sa.Integer, nullable=False),
    sa.Column("month_last", sa.Integer, nullable=False),
    sa.Column("value", DecimalText),
    sa.Column("unit", S(16), nullable=False),
    sa.Column("qualifier", S(16), nullable=False),
    sa.Column("change_kind", S(20)),
    sa.Column("change_amount", DecimalText),
    sa.Column("change_basis", S(40)),
    sa.Column("description", sa.Text),
    sa.Column("published_at", sa.Date, nullable=False),
    sa.Column("recorded_at", IsoTime, nullable=False),
    sa.Column("document_id", S(64)),
    sa.Column("sentence", sa.Text),
    sa.Column("sentence_start", sa.Integer),
    sa.Column("sentence_end", sa.Integer),
    sa.Column("value_start", sa.Integer),
    sa.Column("value_end", sa.Integer),
    sa.Column("extractor_version", S(32)),
    sa.Column("publisher", S(255)),
    # who published it, as the sources catalogue knows them (else the name or URL host)
    sa.Column("source", S(255)),
    sa.Column("authority", sa.Integer, nullable=False),
    sa.Column("equivalent_value", DecimalText),
    sa.Column("equivalent_unit", S(16)),
    sa.Index("observations_series", "metric", "geography", "period_key"),
    sa.Index("observations_document", "document_id"),
    # covers the vintages of a series in publication order, so listing them reads the
    # index alone instead of one scattered table row per vintage
    sa.Index(
        "observations_vintages", "metric", "geography", "period_key", "published_at",
        "recorded_at", "event_id", "value", "period_kind", "year", "unit",
    ),
)

retractions = sa.Table(
    "retractions",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("retracted_event_id", ID, nullable=False, index=True),
    sa.Column("retracted_subject", S(300), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)

value_reviews = sa.Table(
    "value_reviews",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("reviewed_event_id", ID, nullable=False, index=True),
    sa.Column("decision", S(16), nullable=False),
    sa.Column("by", S(200), nullable=False),
    sa.Column("note", sa.Text),
    sa.Column("recorded_at", IsoTime, nullable=False),
)

current_values = sa.Table(
    "current_values",
    metadata,
    sa.Column("metric", S(128), primary_key=True),
    sa.Column("geography", S(128), primary_key=True),
    sa.Column("period_key", S(16), primary_key=True),
    sa.Column("period_kind", S(8), nullable=False),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("month_first", sa.Integer, nullable=False),
    sa.Column("month_last", sa.Integer, nullable=False),
    sa.Column("value", DecimalText),
    sa.Column("unit", S(16), nullable=False),
    sa.Column("qualifier", S(16), nullable=False),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("published_at", sa.Date, nullable=False),
    sa.Column("vintages", sa.Integer, nullable=False),
    sa.Column("previous_value", DecimalText),
    sa.Column("previous_event_id", ID),
    sa.Column("authority", sa.Integer, nullable=False),
    sa.Column("confirmations", sa.Integer, nullable=False),
    # a vintage of another source that disagrees beyond rounding (kept, never current)
    sa.Column("dissent_event_id", ID),
    sa.Column("dissent_value", DecimalText),
    # a vintage held out as a suspected scale error: value off by 10**factor
    sa.Column("suspect_event_id", ID),
    sa.Column("suspect_factor", sa.Integer),
    sa.Column("suspect_basis_event_id", ID),
    sa.Index("current_values_latest", "metric", "geography", "year"),
)

yearly_totals = sa.Table(
    "yearly_totals",
    metadata,
    sa.Column("metric", S(128), primary_key=True),
    sa.Column("geography", S(128), primary_key=True),
    sa.Column("year", sa.Integer, primary_key=True),
    sa.Column("unit", S(16), nullable=False),
    sa.Column("official_value", DecimalText),
    sa.Column("official_event_id", ID),
    sa.Column("ytd_value", DecimalText),
    sa.Column("ytd_through_month", sa.Integer),
    sa.Column("covered_periods", S(200), nullable=False),
    sa.Column("ytd_event_ids", sa.Text, nullable=False),
    sa.Column("gap", DecimalText),
    sa.Column("complete", sa.Boolean, nullable=False),
)

growth_rates = sa.Table(
    "growth_rates",
    metadata,
    sa.Column("metric", S(128), primary_key=True),
    sa.Column("geography", S(128), primary_key=True),
    sa.Column("period_key", S(16), primary_key=True),
    sa.Column("year", sa.Integer, nullable=False),
    sa.Column("unit", S(16), nullable=False),
    sa.Column("value", DecimalText),
    sa.Column("event_id", ID, nullable=False),
    sa.Column("change_kind", S(20)),
    sa.Column("reported_change", DecimalText),
    sa.Column("reported_basis", S(40)),
    sa.Column("prior_value", DecimalText),
    sa.Column("prior_event_id", ID),
    sa.Column("computed_change", DecimalText),
    sa.Column("difference", DecimalText),
    sa.Column("implied_prior_value", DecimalText),
)

notice_mentions = sa.Table(
    "notice_mentions",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("notice_key", S(300), nullable=False, index=True),
    sa.Column("title", sa.Text),
    sa.Column("description", sa.Text),
    sa.Column("issuers", sa.JSON, nullable=False),
    sa.Column("date", S(10)),
    sa.Column("doc_number", S(200)),
    sa.Column("type", S(16), nullable=False),
    sa.Column("mention", S(16), nullable=False),
    sa.Column("published_at", sa.Date, nullable=False),
    sa.Column("recorded_at", IsoTime, nullable=False),
    sa.Column("document_id", S(64)),
    sa.Column("sentence", sa.Text),
)

policy_notices = sa.Table(
    "policy_notices",
    metadata,
    sa.Column("notice_key", S(300), primary_key=True),
    sa.Column("title", sa.Text),
    sa.Column("description", sa.Text),
    sa.Column("issuers", sa.JSON, nullable=False),
    sa.Column("issuer_ids", S(500), nullable=False),
    sa.Column("date", S(10)),
    sa.Column("doc_number", S(200)),
    sa.Column("type", S(16), nullable=False),
    sa.Column("first_published_at", sa.Date, nullable=False),
    sa.Column("mentions", sa.Integer, nullable=False),
    sa.Column("event_ids", sa.JSON, nullable=False),
)

pilot_events = sa.Table(
    "pilot_events",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("event_type", S(32), nullable=False),
    sa.Column("program", S(300), nullable=False),
    sa.Column("city", S(128), nullable=False),
    sa.Column("status", S(16), nullable=False),
    sa.Column("admin_level", S(16)),
    sa.Column("role", S(16)),
    sa.Column("batch", sa.Integer),
    sa.Column("year", sa.Integer),
    sa.Column("reason", sa.Text),
    sa.Column("published_at", sa.Date, nullable=False),
    sa.Column("recorded_at", IsoTime, nullable=False),
    sa.Column("document_id", S(64)),
    sa.Index("pilot_events_key", "program", "city"),
)

city_pilots = sa.Table(
    "city_pilots",
    metadata,
    sa.Column("program", S(300), primary_key=True),
    sa.Column("city", S(128), primary_key=True),
    sa.Column("status", S(16), nullable=False),
    sa.Column("previous_status", S(16)),
    sa.Column("admin_level", S(16)),
    sa.Column("role", S(16)),
    sa.Column("batch", sa.Integer),
    sa.Column("designated_at", sa.Date),
    sa.Column("since", sa.Date, nullable=False),
    sa.Column("event_ids", sa.JSON, nullable=False),
    sa.Column("document_ids", sa.JSON, nullable=False),
)

alert_events = sa.Table(
    "alert_events",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("event_type", S(32), nullable=False),
    sa.Column("rule", S(64), nullable=False),
    sa.Column("key", S(400), nullable=False),
    sa.Column("severity", S(16)),
    sa.Column("message", sa.Text),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("fingerprint", S(200)),
    sa.Column("by", S(200)),
    sa.Column("until", IsoTime),
    sa.Column("published_at", sa.Date, nullable=False),
    sa.Column("recorded_at", IsoTime, nullable=False),
    sa.Index("alert_events_key", "rule", "key"),
)

alerts = sa.Table(
    "alerts",
    metadata,
    sa.Column("rule", S(64), primary_key=True),
    sa.Column("key", S(400), primary_key=True),
    sa.Column("state", S(16), nullable=False),
    sa.Column("severity", S(16), nullable=False),
    sa.Column("message", sa.Text, nullable=False),
    sa.Column("evidence", sa.JSON, nullable=False),
    sa.Column("fingerprint", S(200), nullable=False),
    sa.Column("raised_at", IsoTime, nullable=False),
    sa.Column("resolved_at", IsoTime),
    sa.Column("acknowledged_by", S(200)),
    sa.Column("acknowledged_at", IsoTime),
    sa.Column("silenced_until", IsoTime),
    sa.Column("times_raised", sa.Integer, nullable=False),
)

deadletters = sa.Table(
    "deadletters",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("origin", sa.Text, nullable=False),
    sa.Column("error", sa.Text, nullable=False),
    sa.Column("raw_sha256", S(64), nullable=False),
    sa.Column("recorded_at", IsoTime, nullable=False),
)

# figures whose year their document does not determine (not statistics; counted per document)
unresolved_statistics = sa.Table(
    "unresolved_statistics",
    metadata,
    sa.Column("event_id", ID, primary_key=True),
    sa.Column("document_id", S(64), nullable=False, index=True),
    sa.Column("metric", S(128), nullable=False),
    sa.Column("period_kind", S(8), nullable=False),
    sa.Column("value_text", sa.Text),
    sa.Column("sentence", sa.Text, nullable=False),
    sa.Column("sentence_start", sa.Integer, nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
    sa.Column("published_at", sa.Date, nullable=False),
    sa.Column("recorded_at", IsoTime, nullable=False),
)

BASE_TABLES = (
    documents,
    document_changes,
    observations,
    retractions,
    value_reviews,
    notice_mentions,
    pilot_events,
    alert_events,
    deadletters,
    unresolved_statistics,
)
DERIVED_TABLES = (current_values, yearly_totals, growth_rates, policy_notices, city_pilots, alerts)


def create_missing(meta: sa.MetaData, engine: sa.engine.Engine, attempts: int = 5) -> None:
    """Create the missing tables of `meta`, safe when processes start together."""
    for attempt in range(attempts):
        try:
            meta.create_all(engine)
            return
        except (sa.exc.IntegrityError, sa.exc.ProgrammingError, sa.exc.OperationalError):
            # another process created a table between our check and our CREATE; the next
            # pass sees it and creates only what is still missing
            if attempt == attempts - 1:
                raise
