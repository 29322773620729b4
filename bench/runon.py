"""Run-on documents: extraction time of one paragraph of N figures, for growing N.

Usage: python bench/runon.py [--figures 1000]

A flattened table or a page without stops puts thousands of figures in one paragraph.
For N, 2N and 4N figures, in English and Chinese, prints the CPU time of extracting the
document beside the baseline of splitting it into sentences in the same run, the time
per figure, and how the time grew when the document doubled: about 2x is linear, 4x is
quadratic. Target: about 2x at every step.
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable
from datetime import date

from services.ingest.extract import Document, extract_facts
from services.ingest.extract.sentences import split_sentences

SHAPES: dict[str, Callable[[int], str]] = {
    "en, one sentence": lambda n: "In 2021, " + ", ".join(
        f"Suzhou had {1000 + i} invention patents granted" for i in range(n)) + ".",
    "en, many sentences": lambda n: " ".join(
        f"In 2021 Suzhou had {1000 + i} invention patents granted." for i in range(n)),
    "zh, one sentence": lambda n: "2021年，" + "，".join(
        f"苏州授权发明专利{1000 + i}件" for i in range(n)) + "。",
}


def timed(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--figures", type=int, default=1000)
    args = ap.parse_args()
    extract_facts(Document("In 2021, Suzhou had 1 patent.", date(2022, 1, 1)))  # warm up
    print(f"{'':20}{'figures':>9}{'KB':>7}{'baseline s':>12}{'extract s':>11}"
          f"{'ms/figure':>11}{'growth':>8}")
    for shape, make in SHAPES.items():
        before = None
        for n in (args.figures, 2 * args.figures, 4 * args.figures):
            text = make(n)
            base = timed(lambda t=text: split_sentences(t))  # type: ignore[misc]
            took = timed(lambda t=text: extract_facts(Document(t, date(2022, 1, 1))))  # type: ignore[misc]
            grew = f"{took / before:.1f}x" if before else "-"
            print(f"{shape:20}{n:>9,}{len(text.encode()) / 1e3:>7,.0f}{base:>12.3f}"
                  f"{took:>11.3f}{took / n * 1e3:>11.3f}{grew:>8}")
            before = took
    print("target: about 2x growth when the figures double (linear); 4x is quadratic")


if __name__ == "__main__":
    main()
