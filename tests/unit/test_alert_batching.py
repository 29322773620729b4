"""Firing alerts as a function of the events, whatever batches the log was projected in."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "integration"))
from pipeline_support import embedded_projections, firing


def _firing(tmp_path: Path, batch_size: int) -> list[tuple[object, ...]]:
    return firing(embedded_projections(tmp_path, batch_size)["alerts"])


@pytest.mark.xfail(
    strict=True,
    reason="growth alerts raised on a batch's intermediate state (a prior period arriving "
    "before its revisions) are not always judged again when later batches change the "
    "series, so small batches leave growth_mismatch and growth_unusual alerts firing that "
    "one batch over the same events does not raise",
)
def test_firing_alerts_do_not_depend_on_batch_size(tmp_path: Path) -> None:
    (tmp_path / "one").mkdir()
    (tmp_path / "small").mkdir()
    assert _firing(tmp_path / "small", 7) == _firing(tmp_path / "one", 5000)
