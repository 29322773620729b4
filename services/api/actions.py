"""Write actions shared by the JSON API and the dashboard's forms.

Acknowledgements and silences are appended to the event log like every other fact, so
they are auditable and survive a rebuild; the projector turns them into alert state.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, timedelta

from events import AlertAcknowledged, AlertSilenced, Event, make_event
from projections import queries
from services.api.context import ApiContext
from services.api.models import SILENCE_MAX_DAYS, AlertOut, IngestOut
from services.reviews import ReviewRefused, review_event


class ActionError(Exception):
    """An action that cannot be carried out, with the HTTP status that says why."""

    def __init__(self, status: int, detail: str, field: str | None = None) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.field = field  # the request field at fault, when there is one


def alert_out(alert: queries.Alert, now: datetime) -> AlertOut:
    """An alert DTO with whether its silence is in force at `now`."""
    return AlertOut(**alert.model_dump(), silenced=silence_active(alert.silenced_until, now))


def silence_active(until: str | None, now: datetime) -> bool:
    """Whether a silence that ends at `until` (ISO text) still holds at `now`."""
    if not until:
        return False
    try:
        end = datetime.fromisoformat(until)
    except ValueError:
        return False
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    return end > now


def _existing(ctx: ApiContext, rule: str, key: str) -> queries.Alert:
    with ctx.engine.connect() as conn:
        found = queries.alerts(conn, [(rule, key)])
    if not found:
        raise ActionError(404, f"no alert {rule}/{key}")
    return found[0]


def _append_and_apply(ctx: ApiContext, event: Event) -> AlertOut | None:
    ctx.log.append([event])
    if ctx.catch_up is None:
        return None
    ctx.catch_up()
    payload = event.payload
    rule, key = payload.rule, payload.key  # type: ignore[attr-defined]
    with ctx.engine.connect() as conn:
        found = queries.alerts(conn, [(rule, key)])
    return alert_out(found[0], ctx.clock()) if found else None


def acknowledge(
    ctx: ApiContext, rule: str, key: str, by: str, note: str | None = None
) -> tuple[Event, AlertOut | None]:
    """Append an AlertAcknowledged event for an existing alert."""
    _existing(ctx, rule, key)
    now = ctx.clock()
    event = make_event(
        AlertAcknowledged(rule=rule, key=key, by=by, note=note, at=now.isoformat()),
        published_at=now.date(), recorded_at=now,
    )
    return event, _append_and_apply(ctx, event)


def silence(
    ctx: ApiContext, rule: str, key: str, by: str, *, until: datetime | None = None,
    minutes: int | None = None, note: str | None = None,
) -> tuple[Event, AlertOut | None]:
    """Append an AlertSilenced event that ends at `until` or after `minutes`."""
    now = ctx.clock()
    end = silence_end(now, until, minutes)
    _existing(ctx, rule, key)
    event = make_event(
        AlertSilenced(rule=rule, key=key, by=by, until=end.astimezone(UTC).isoformat(), note=note),
        published_at=now.date(), recorded_at=now,
    )
    return event, _append_and_apply(ctx, event)


def silence_end(now: datetime, until: datetime | None, minutes: int | None) -> datetime:
    """When a silence ends; refused (422, naming the field) unless within the next year."""
    if (until is None) == (minutes is None):
        raise ActionError(422, "give exactly one of until and minutes", field="until")
    field, longest = "until", timedelta(days=SILENCE_MAX_DAYS)
    if until is not None:
        end = until if until.tzinfo is not None else until.replace(tzinfo=UTC)
    else:
        field = "minutes"
        # clamp before building the timedelta, which overflows on absurd values
        capped = min(max(minutes or 0, 0), SILENCE_MAX_DAYS * 24 * 60 + 1)
        end = now + timedelta(minutes=capped)
    if end <= now:
        raise ActionError(422, "a silence must end in the future", field=field)
    if end > now + longest:
        raise ActionError(422, f"a silence may last at most {SILENCE_MAX_DAYS} days",
                          field=field)
    return end


def review_value(
    ctx: ApiContext, event_id: str, decision: str, by: str, note: str | None = None
) -> tuple[Event, None]:
    """Append a ValueReviewed event accepting or rejecting a held-out statistic."""
    if decision not in ("accepted", "rejected"):
        raise ActionError(422, "decision must be accepted or rejected", field="decision")
    now = ctx.clock()
    with ctx.engine.connect() as conn:
        try:
            event = review_event(conn, event_id, decision, by, note, now)  # type: ignore[arg-type]
        except ReviewRefused as exc:
            raise ActionError(exc.status, str(exc), field=exc.field) from None
    ctx.log.append([event])
    if ctx.catch_up is not None:
        ctx.catch_up()
    return event, None


def ingest_document(
    ctx: ApiContext, text: str, published: date, *, title: str | None,
    url: str | None, publisher: str | None,
) -> IngestOut:
    """Ingest one document through the ingestion service and catch up when embedded."""
    if ctx.ingest is None:
        raise ActionError(503, "this API has no ingestion service")
    try:
        result = ctx.ingest.ingest_text(
            text, published=published, title=title, url=url, publisher=publisher, origin="api"
        )
    except ValueError as exc:
        raise ActionError(422, str(exc), field="text") from None
    applied = False
    if ctx.catch_up is not None:
        ctx.catch_up()
        applied = True
    received = result.events[0]
    return IngestOut(
        document_id=received.payload.document_id,  # type: ignore[attr-defined]
        events=len(result.events), new=result.new,
        event_types=dict(Counter(e.event_type for e in result.events)), applied=applied,
    )
