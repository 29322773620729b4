"""Extraction benchmark: documents/s and MB/s for 3-10 KB press releases on one core.

Usage: python bench/extract.py [--documents N]

Prints the extractor's throughput and, measured in the same run, the baseline of only
splitting the same documents into sentences, with the ratio between the two.
Target: >= 200 documents/s.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import corpus

from services.ingest.extract import Document, extract_facts
from services.ingest.extract.sentences import split_sentences


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=1000)
    args = ap.parse_args()
    docs = [Document(t, date(2024, 1, 1)) for t in corpus(args.documents)]
    mb = sum(len(d.text.encode()) for d in docs) / 1e6
    extract_facts(docs[0])  # compile patterns and load catalogues outside the timing
    start = time.perf_counter()
    for d in docs:
        split_sentences(d.text)
    base = time.perf_counter() - start
    start = time.perf_counter()
    facts = sum(len(extract_facts(d)) for d in docs)
    took = time.perf_counter() - start
    n = len(docs)
    print(f"{n} documents, {mb:.1f} MB, {facts} facts")
    print(f"baseline (sentence splitting only): {n / base:,.0f} documents/s")
    print(f"extraction: {n / took:,.0f} documents/s, {mb / took:.2f} MB/s, "
          f"{facts / took:,.0f} facts/s (target >= 200 documents/s)")
    print(f"ratio extraction / baseline time: {took / base:.1f}x")


if __name__ == "__main__":
    main()
