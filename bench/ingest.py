"""Ingestion benchmark: extraction + append of press releases into the SQLite log.

Usage: python bench/ingest.py [--documents N]

Prints documents/s and events/s for the whole ingestion (extract every fact, wrap it in
events, append), and, measured in the same run, the baseline of appending only the
DocumentReceived event of each document (no extraction), with the ratio between them.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import date
from pathlib import Path

from events import DocumentReceived, make_event
from events.log.sqlite import SqliteEventLog
from services.ingest.documents import decode_text
from services.ingest.extract.base import document_id
from services.ingest.extract.language import detect_language
from services.ingest.service import IngestService

EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "inbox"


def example_bodies(language: str) -> list[str]:
    """The texts (front matter dropped) of the example documents in one language."""
    texts = [decode_text(p.read_bytes(), p).split("---\n", 2)[-1]
             for p in sorted(EXAMPLES.glob("*.txt"))]
    return [t for t in texts if detect_language(t) == language]


def corpus(n: int, seed: int = 3) -> list[str]:
    """n distinct releases of 3-10 KB made from the example documents with varied figures."""
    rnd = random.Random(seed)
    bodies = example_bodies("en")
    out = []
    for i in range(n):
        parts = []
        while sum(len(p) for p in parts) < rnd.randrange(3000, 10000):
            body = rnd.choice(bodies)
            parts.append(body.replace("2020", str(2000 + (i + len(parts)) % 25)))
        out.append(f"Release {i}\n\n" + "\n".join(parts))
    return out


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--documents", type=int, default=2000)
    args = ap.parse_args()
    docs = corpus(args.documents)
    mb = sum(len(d.encode()) for d in docs) / 1e6
    with tempfile.TemporaryDirectory() as tmp:
        base_log = SqliteEventLog(Path(tmp) / "base.sqlite")
        start = time.perf_counter()
        for text in docs:
            doc = document_id(text)
            received = DocumentReceived(document_id=doc, text=text, language="en")
            base_log.append([make_event(received, published_at=date(2024, 1, 1),
                                        document_id=doc)])
        base_s = time.perf_counter() - start
        base_log.close()

        log = SqliteEventLog(Path(tmp) / "events.sqlite")
        service = IngestService(log)
        events = 0
        start = time.perf_counter()
        for text in docs:
            events += len(service.ingest_text(text, published=date(2024, 1, 1)).events)
        took = time.perf_counter() - start
        log.close()
    n = len(docs)
    print(f"{n} documents, {mb:.1f} MB, {events} events")
    print(f"baseline (append DocumentReceived only): {n / base_s:,.0f} documents/s")
    print(f"extraction + append: {n / took:,.0f} documents/s, {events / took:,.0f} events/s, "
          f"{mb / took:.2f} MB/s")
    print(f"ratio ingestion / baseline time: {took / base_s:.1f}x")


if __name__ == "__main__":
    main()
