"""Print alert precision and recall over the written scenarios in tests/scenarios/.

Run from the repository root: python scripts/alert_quality.py [SCENARIOS_DIR]
"""

from __future__ import annotations

import sys
from pathlib import Path

from services.alerts.scenarios import evaluate_scenarios

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    """Score every scenario, print one line each and the totals; 1 if below 0.95."""
    root = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "scenarios"
    quality = evaluate_scenarios(root)
    for o in quality.outcomes:
        missed = [e for e in o.expected if e not in o.found]
        print(f"{o.name:20} expected {len(o.expected)} fired {len(o.fired)}"
              + (f"  missed {missed}" if missed else "")
              + (f"  unexpected {list(o.extra)}" if o.extra else ""))
    print(f"alert precision {quality.precision:.3f}  recall {quality.recall:.3f}"
          f"  over {len(quality.outcomes)} scenarios")
    return 0 if min(quality.precision, quality.recall) >= 0.95 else 1


if __name__ == "__main__":
    raise SystemExit(main())
