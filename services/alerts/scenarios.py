"""Alert quality over written scenarios: does ipmon raise the alerts a person would want?

A scenario is a folder with an `inbox/` of documents and feeds and an `expected.toml`
listing the alerts (rule and key; the key may be a glob) that should be firing once the
inbox is processed. Each scenario runs in a fresh embedded data folder; precision and
recall count firing alerts against expected ones over every scenario.
"""

from __future__ import annotations

import tempfile
import tomllib
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from projections import queries
from services.settings import Settings


@dataclass(frozen=True)
class Outcome:
    """What one scenario expected, what fired, and which of each matched."""

    name: str
    expected: tuple[tuple[str, str], ...]
    fired: tuple[tuple[str, str], ...]
    found: tuple[tuple[str, str], ...] = ()  # expected alerts that fired
    extra: tuple[tuple[str, str], ...] = ()  # fired alerts nobody expected


@dataclass
class Quality:
    """Alert precision and recall over a set of scenarios."""

    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def precision(self) -> float:
        """Share of firing alerts that a scenario expected."""
        fired = sum(len(o.fired) for o in self.outcomes)
        return 1.0 if fired == 0 else 1 - sum(len(o.extra) for o in self.outcomes) / fired

    @property
    def recall(self) -> float:
        """Share of expected alerts that fired."""
        expected = sum(len(o.expected) for o in self.outcomes)
        return 1.0 if expected == 0 else sum(len(o.found) for o in self.outcomes) / expected


def expected_alerts(path: Path) -> tuple[tuple[str, str], ...]:
    """The (rule, key glob) pairs a scenario's expected.toml lists; errors name the file."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        return tuple((str(a["rule"]), str(a["key"])) for a in raw.get("alerts", []))
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: {exc}") from exc


def firing_alerts(inbox: Path, data: Path) -> tuple[tuple[str, str], ...]:
    """The (rule, key) of every alert firing after an embedded run over `inbox`."""
    from services.bootstrap import bootstrap

    app = bootstrap(Settings(data_dir=data), sinks=[], exclusive=True)
    try:
        app.ingest.ingest_paths(sorted(p for p in inbox.rglob("*") if p.is_file()), None)
        app.runner.catch_up()
        app.runner.catch_up()  # the alert events the first pass raised
        with app.engine.connect() as conn:
            alerts = queries.alerts(conn)
    finally:
        app.close()
    return tuple(sorted((a.rule, a.key) for a in alerts if a.state != "resolved"))


def run_scenario(folder: Path) -> Outcome:
    """Process one scenario in a fresh data folder and match its alerts."""
    expected = expected_alerts(folder / "expected.toml")
    with tempfile.TemporaryDirectory() as tmp:
        fired = firing_alerts(folder / "inbox", Path(tmp))
    found = tuple(e for e in expected if any(_match(f, e) for f in fired))
    extra = tuple(f for f in fired if not any(_match(f, e) for e in expected))
    return Outcome(folder.name, expected, fired, found, extra)


def _match(fired: tuple[str, str], expected: tuple[str, str]) -> bool:
    return fired[0] == expected[0] and fnmatchcase(fired[1].casefold(), expected[1].casefold())


def evaluate_scenarios(root: Path) -> Quality:
    """Alert quality over every scenario folder below `root`."""
    folders = sorted(p.parent for p in root.glob("*/expected.toml"))
    return Quality([run_scenario(f) for f in folders])
