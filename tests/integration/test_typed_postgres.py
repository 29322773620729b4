"""On PostgreSQL the read models are typed: NUMERIC decimals, timestamptz instants."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa
from api_support import NOW, events
from infra import fresh_database

from projections import queries
from services.bootstrap import App, bootstrap
from services.settings import Settings

pytestmark = pytest.mark.postgres


def projected(settings: Settings) -> App:
    app = bootstrap(settings, sinks=[])
    # alerts raised at one instant with microseconds, so both databases must keep them
    app.runner.clock = lambda: NOW.replace(microsecond=123456)
    app.log.append(events())
    app.runner.catch_up()
    app.runner.catch_up()
    return app


def test_columns_are_numeric_and_timestamptz_and_read_the_same(
    postgres_url: str, tmp_path: Path,
) -> None:
    with fresh_database(postgres_url) as url:
        pg = projected(Settings(data_dir=tmp_path / "pg", database_url=url))
        lite = projected(Settings(data_dir=tmp_path / "lite"))
        try:
            with pg.engine.connect() as conn:
                kinds = dict(conn.execute(sa.text(
                    "SELECT table_name || '.' || column_name, data_type "
                    "FROM information_schema.columns WHERE table_schema = 'ipmon'")).all())
                value, recorded = conn.execute(sa.text(
                    "SELECT value, recorded_at FROM observations LIMIT 1")).one()
                on_pg = (queries.current(conn), queries.alerts(conn), queries.growth_rates(conn))
            with lite.engine.connect() as conn:
                on_lite = (queries.current(conn), queries.alerts(conn),
                           queries.growth_rates(conn))
        finally:
            pg.close()
            lite.close()
    assert kinds["observations.value"] == "numeric"
    assert kinds["growth_rates.computed_change"] == "numeric"
    assert kinds["observations.recorded_at"] == "timestamp with time zone"
    assert kinds["alerts.raised_at"] == "timestamp with time zone"
    assert kinds["observations.published_at"] == "date"
    # what pandas.read_sql or any driver-level reader gets
    assert isinstance(value, Decimal) and isinstance(recorded, dt.datetime)
    assert recorded.tzinfo is not None
    # the read models (and so the API) are the same on both databases
    strip = [[r.model_dump(exclude={"event_id", "previous_event_id", "prior_event_id"})
              for r in rows] for rows in on_pg]
    assert strip == [[r.model_dump(exclude={"event_id", "previous_event_id", "prior_event_id"})
                      for r in rows] for rows in on_lite]
