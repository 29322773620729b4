"""Projection tables made from other definitions are refused, or rebuilt where ipmon owns them."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from drift_support import (
    REPO,
    as_if_made_before_fingerprints,
    as_if_made_by_another_release,
    ipmon,
    said,
)

from projections import schema, tables
from projections.projector import Projector
from services.bootstrap import bootstrap, projection_engine
from services.settings import Settings

INBOX = REPO / "examples" / "inbox"


def test_the_fingerprint_follows_the_table_definitions() -> None:
    changed = sa.MetaData()
    for t in tables.metadata.sorted_tables:
        t.to_metadata(changed)
    assert schema.fingerprint(changed) == schema.current()
    changed.tables["observations"].append_column(sa.Column("footnote", sa.Text))
    assert schema.fingerprint(changed) != schema.current()


def test_a_new_database_is_stamped_and_accepted_again(tmp_path: Path) -> None:
    engine = projection_engine(f"sqlite:///{tmp_path / 'p.sqlite'}")
    Projector(engine).create()
    Projector(engine).create()  # a second start finds its own stamp
    with engine.connect() as conn:
        assert schema.stored(conn) == schema.current()
    engine.dispose()


@pytest.mark.parametrize("age", [as_if_made_by_another_release, as_if_made_before_fingerprints])
def test_a_database_named_by_url_is_refused_naming_ipmon_rebuild(tmp_path: Path, age) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'p.sqlite'}"
    settings = Settings(data_dir=tmp_path / "data", database_url=url)
    bootstrap(settings).close()
    engine = projection_engine(url)
    age(engine)
    engine.dispose()
    with pytest.raises(schema.SchemaDrift, match="run `ipmon rebuild`"):
        bootstrap(settings)


def test_the_cli_refuses_then_runs_after_ipmon_rebuild(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'elsewhere' / 'p.sqlite'}"
    common = ("--data", str(tmp_path / "data"), "--database", url)
    first = ipmon("run", "--once", "--inbox", str(INBOX), *common)
    assert first.returncode == 0, first.stderr
    engine = projection_engine(url)
    as_if_made_by_another_release(engine)
    engine.dispose()
    for command in (["run", "--once", "--inbox", str(tmp_path / "empty")], ["api"], ["report"]):
        refused = ipmon(*command, *common)
        assert refused.returncode == 1, (command, refused.stderr)
        assert "run `ipmon rebuild`" in said(refused), said(refused)
        assert "schema 000000000000" in said(refused)
    rebuilt = ipmon("rebuild", *common)
    assert rebuilt.returncode == 0, rebuilt.stderr
    again = ipmon("report", "--json", *common)
    assert again.returncode == 0, again.stderr
    assert '"ip_pledge_financing_amount"' in again.stdout


def test_the_embedded_default_rebuilds_itself_and_says_so(tmp_path: Path) -> None:
    data = tmp_path / "data"
    first = ipmon("run", "--once", "--inbox", str(INBOX), "--data", str(data))
    assert first.returncode == 0, first.stderr
    before = ipmon("report", "--json", "--data", str(data)).stdout
    engine = projection_engine(f"sqlite:///{data / 'projections.sqlite'}")
    as_if_made_before_fingerprints(engine)
    engine.dispose()
    second = ipmon("run", "--once", "--inbox", str(tmp_path / "empty"), "--data", str(data))
    assert second.returncode == 0, second.stderr
    assert "rebuilding them from the event log" in said(second)
    assert "rebuilt the projections from" in said(second)
    after = ipmon("report", "--json", "--data", str(data)).stdout
    assert after == before
    engine = projection_engine(f"sqlite:///{data / 'projections.sqlite'}")
    with engine.connect() as conn:
        assert schema.stored(conn) == schema.current()
    engine.dispose()
