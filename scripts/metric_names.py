"""Check that the metric catalogue reads its own names: each metric's name, put into two
plain sentences with a value in its unit and a period of its kind, must come back as that
metric. Prints the sentences that do not, and the count.

Run from the repository root: python scripts/metric_names.py [--quiet]
"""

from __future__ import annotations

import sys
from datetime import date

from events import StatisticPublished
from events.metrics import UNCLASSIFIED, Metric, catalogue
from services.ingest.extract import Document, extract_facts

PUBLISHED = date(2024, 1, 20)
VALUES = {
    "count": "12,345",
    "CNY": "12.3 billion yuan",
    "USD": "US$12.3 billion",
    "percent": "12.3 percent",
    "per_10k_people": "12.3 per 10,000 people",
    "months": "12.3 months",
}


def sentences(metric: Metric) -> list[str]:
    """Two sentences naming the metric with a value in its unit, for 2023 or its end."""
    name, value = metric.name, VALUES[metric.unit]
    if metric.unit == "count":
        if metric.as_of:
            return [f"By the end of 2023, {name.lower()} reached {value}.",
                    f"There were {value} {name.lower()} at the end of 2023."]  # fmt: skip
        return [f"A total of {value} {name.lower()} were recorded in 2023.",
                f"{name} reached {value} in 2023."]  # fmt: skip
    if metric.as_of:
        return [f"By the end of 2023, {name.lower()} reached {value}."]
    return [f"{name} reached {value} in 2023.", f"In 2023, {name.lower()} was {value}."]


def main() -> int:
    """Print each sentence read as another metric (or none), then the totals."""
    quiet = "--quiet" in sys.argv[1:]
    failed = total = 0
    for metric in catalogue().values():
        if metric.id == UNCLASSIFIED or not metric.name or metric.unit not in VALUES:
            continue  # a metric without a name of its own has nothing to read
        for text in sentences(metric):
            total += 1
            facts = extract_facts(Document(text, PUBLISHED))
            got = [f.payload.metric for f in facts if isinstance(f.payload, StatisticPublished)]
            if got != [metric.id]:
                failed += 1
                if not quiet:
                    print(f"{metric.id}: {got or 'nothing'} | {text}")
    print(f"{total - failed} of {total} sentences read as their own metric")
    return 0


if __name__ == "__main__":
    sys.exit(main())
