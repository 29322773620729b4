"""On PostgreSQL, projection tables of another layout are refused until `ipmon rebuild`."""

from __future__ import annotations

from pathlib import Path

import pytest
from drift_support import (
    REPO,
    as_if_made_before_fingerprints,
    as_if_made_by_another_release,
    ipmon,
    said,
)

from projections import schema
from projections.projector import Projector
from services.bootstrap import bootstrap, projection_engine
from services.settings import Settings

pytestmark = pytest.mark.postgres


def test_a_fresh_database_is_stamped_once_and_accepted(database: str) -> None:
    engine = projection_engine(database)
    Projector(engine).create()
    Projector(engine).create()
    with engine.connect() as conn:
        assert schema.stored(conn) == schema.current()
    engine.dispose()


@pytest.mark.parametrize("age", [as_if_made_by_another_release, as_if_made_before_fingerprints])
def test_drift_is_refused_and_never_rebuilt_unasked(database: str, tmp_path: Path, age) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(data_dir=tmp_path / "data", database_url=database)
    bootstrap(settings).close()
    engine = projection_engine(database)
    age(engine)
    engine.dispose()
    with pytest.raises(schema.SchemaDrift, match="run `ipmon rebuild`"):
        bootstrap(settings)


def test_run_worker_and_api_refuse_until_ipmon_rebuild(database: str, tmp_path: Path) -> None:
    common = ("--data", str(tmp_path / "data"), "--database", database)
    first = ipmon("run", "--once", "--inbox", str(REPO / "examples" / "inbox"), *common)
    assert first.returncode == 0, first.stderr
    engine = projection_engine(database)
    as_if_made_by_another_release(engine)
    engine.dispose()
    # the worker refuses before it reaches any broker, so none is needed here
    commands = (["run", "--once", "--inbox", str(tmp_path / "empty"), *common],
                ["api", *common],
                ["worker", "--event-log", "kafka://127.0.0.1:9", "--database", database])
    for command in commands:
        refused = ipmon(*command)
        assert refused.returncode == 1, (command, refused.stderr)
        assert "run `ipmon rebuild`" in said(refused), (command, said(refused))
    rebuilt = ipmon("rebuild", *common)
    assert rebuilt.returncode == 0, rebuilt.stderr
    report = ipmon("report", "--json", *common)
    assert report.returncode == 0, report.stderr
    assert '"ip_pledge_financing_amount"' in report.stdout
    engine = projection_engine(database)
    with engine.connect() as conn:
        assert schema.stored(conn) == schema.current()
    engine.dispose()
