"""Extraction benchmark: documents/s and KB/s for 3-10 KB press releases on one core, English
and Chinese side by side.

Usage: python bench/extract.py [--documents N]

For each language, prints the extractor's throughput and, measured in the same run on the
same documents, the baseline of only splitting them into sentences, with the ratio between
the two. English releases are made from the English examples, Chinese ones from the Chinese
examples and bench/releases-zh.txt; both are 3-10 KB of UTF-8 (a Han character is 3 bytes,
so a Chinese release has fewer characters than an English one of the same size).
Times are the CPU time of this process (one core), so other work on a shared machine
weighs on them less than on wall-clock time; `--wall` measures wall-clock time instead.
Target: >= 250 documents/s in each language, Chinese at least as fast as English.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import corpus, example_bodies

from services.ingest.extract import Document, extract_facts
from services.ingest.extract.sentences import split_sentences

ZH_PASSAGES = Path(__file__).resolve().parent / "releases-zh.txt"


def chinese_corpus(n: int, seed: int = 3) -> list[str]:
    """n distinct Chinese releases of 3-10 KB of UTF-8, with varied years."""
    lines = [ln for ln in ZH_PASSAGES.read_text("utf-8").splitlines() if not ln.startswith("#")]
    passages = [p.strip() for p in "\n".join(lines).split("\n\n") if p.strip()]
    bodies = example_bodies("zh") + passages
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        target, parts, size = rnd.randrange(3000, 10000), [f"第{i}期通报"], 0
        while size < target:
            body = rnd.choice(bodies).replace("2020", str(2000 + (i + len(parts)) % 25))
            parts.append(body)
            size += len(body.encode())
        out.append("\n\n".join(parts))
    return out


def measure(texts: list[str], clock: Callable[[], float]) -> dict[str, float]:
    """Sentence-splitting and extraction times of the texts, with their size and facts."""
    docs = [Document(t, date(2024, 1, 1)) for t in texts]
    extract_facts(docs[0])  # compile patterns and load catalogues outside the timing
    start = clock()
    for d in docs:
        split_sentences(d.text)
    base = clock() - start
    start = clock()
    facts = sum(len(extract_facts(d)) for d in docs)
    took = clock() - start
    kb = sum(len(d.text.encode()) for d in docs) / 1e3
    return {"n": len(docs), "kb": kb, "facts": facts, "base": base, "took": took}


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=1000)
    ap.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    args = ap.parse_args()
    clock = time.perf_counter if args.wall else time.process_time
    runs = {
        "en": measure(corpus(args.documents), clock),
        "zh": measure(chinese_corpus(args.documents), clock),
    }
    print(f"{'':10}{'documents':>10}{'KB':>9}{'facts':>8}{'baseline doc/s':>16}"
          f"{'doc/s':>9}{'KB/s':>9}{'facts/s':>9}{'ratio':>7}")
    for lang, r in runs.items():
        n, took = r["n"], r["took"]
        print(f"{lang:10}{n:>10,.0f}{r['kb']:>9,.0f}{r['facts']:>8,.0f}{n / r['base']:>16,.0f}"
              f"{n / took:>9,.0f}{r['kb'] / took:>9,.0f}{r['facts'] / took:>9,.0f}"
              f"{took / r['base']:>6.1f}x")
    en, zh = (runs[k]["n"] / runs[k]["took"] for k in ("en", "zh"))
    print("target: >= 250 documents/s in each language; Chinese / English documents/s = "
          f"{zh / en:.2f} (>= 1 wanted)")


if __name__ == "__main__":
    main()
