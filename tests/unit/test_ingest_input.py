"""Bad input gets an error naming file, line and problem; nothing already stored changes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from events.log.sqlite import SqliteEventLog
from services.ingest.errors import IngestError
from services.ingest.service import IngestService

FEED_HEADER = "record,metric,geography,period,value,unit,change,published\n"
GOOD_ROW = "statistic,ip_pledge_financing_amount,CN,2020-Q1,33700000000,CNY,+15.5%,2020-04-25\n"


@pytest.fixture
def service(tmp_path: Path) -> Iterator[IngestService]:
    log = SqliteEventLog(tmp_path / "events.sqlite")
    svc = IngestService(log)
    seed = tmp_path / "seed.csv"
    seed.write_text(FEED_HEADER + GOOD_ROW)
    svc.ingest_file(seed)
    yield svc
    log.close()


def snapshot(svc: IngestService) -> list[str]:
    return [r.event_id for r in svc.log.read(limit=100_000)]


def refused(svc: IngestService, path: Path, *needles: str) -> IngestError:
    before = snapshot(svc)
    with pytest.raises(IngestError) as info:
        svc.ingest_file(path, date(2020, 1, 1))
    message = str(info.value)
    assert str(path) in message
    for needle in needles:
        assert needle in message
    assert snapshot(svc) == before
    return info.value


def test_empty_document(service: IngestService, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("  \n\n")
    refused(service, tmp_path / "empty.txt", "empty")


def test_binary_document(service: IngestService, tmp_path: Path) -> None:
    (tmp_path / "blob.txt").write_bytes(b"PK\x03\x04\x00\x00binary")
    refused(service, tmp_path / "blob.txt", "binary")


def test_non_utf8_document_names_the_line(service: IngestService, tmp_path: Path) -> None:
    (tmp_path / "latin.txt").write_bytes("first line\nsecond caf\xe9 line\n".encode("latin-1"))
    err = refused(service, tmp_path / "latin.txt", "UTF-8", "0xe9")
    assert err.line == 2


def test_oversized_document(service: IngestService, tmp_path: Path) -> None:
    (tmp_path / "big.txt").write_bytes(b"a" * (5 * 1024 * 1024 + 1))
    refused(service, tmp_path / "big.txt", "limit")


def test_malformed_feed_row_rejects_the_whole_file(service: IngestService, tmp_path: Path) -> None:
    feed = tmp_path / "bad.csv"
    other_good = GOOD_ROW.replace("2020-Q1", "2020-Q2")
    feed.write_text(FEED_HEADER + other_good + GOOD_ROW.replace("33700000000", "lots"))
    err = refused(service, feed, "value 'lots' is not a number")
    assert err.line == 3


@pytest.mark.parametrize(
    "row,problem",
    [
        (GOOD_ROW.replace("ip_pledge_financing_amount", "pledge_money"), "unknown metric id"),
        (GOOD_ROW.replace("2020-Q1", "2020-Q5"), "quarter"),
        (GOOD_ROW.replace("2020-Q1", "2020-M01-M13"), "months must lie in 1..12"),
        (GOOD_ROW.replace("2020-Q1", "2020-M00-M03"), "months must lie in 1..12"),
        (GOOD_ROW.replace("2020-Q1", "2020-Q0"), "quarter"),
        (GOOD_ROW.replace("2020-Q1", "2020-H3"), "half"),
        (GOOD_ROW.replace("2020-Q1", "2020-E13"), "as_of_month"),
        (GOOD_ROW.replace("CNY", "EUR"), "unit"),
        (GOOD_ROW.replace("+15.5%", "fifteen"), "change 'fifteen'"),
        (GOOD_ROW.replace("2020-04-25", "25/04/2020"), "Invalid isoformat"),
    ],
)
def test_bad_feed_values(service: IngestService, tmp_path: Path, row: str, problem: str) -> None:
    feed = tmp_path / "bad.csv"
    feed.write_text(FEED_HEADER + row)
    err = refused(service, feed, problem)
    assert err.line == 2


def test_json_feed_errors_name_the_row(service: IngestService, tmp_path: Path) -> None:
    feed = tmp_path / "bad.json"
    feed.write_text(json.dumps([{"record": "pilot", "city": "Ningbo", "published": "2020-01-01"}]))
    refused(service, feed, "program")
    (tmp_path / "broken.json").write_text('[{"record": ')
    refused(service, tmp_path / "broken.json", "not valid JSON")


def test_csv_and_json_feeds_give_the_same_facts(service: IngestService, tmp_path: Path) -> None:
    rows = [
        {
            "record": "statistic",
            "metric": "ip_pledge_financing_items",
            "geography": "CN",
            "period": "2020",
            "value": "12093",
            "unit": "count",
            "change": "+43.8%",
            "published": "2021-01-28",
        },
        {
            "record": "pilot",
            "program": "IP operation service system key cities",
            "city": "Quanzhou",
            "year": "2019",
            "published": "2019-08-14",
        },
        {
            "record": "pilot_status",
            "program": "IP operation service system key cities",
            "city": "Quanzhou",
            "status": "implementing",
            "published": "2020-03-01",
        },
    ]
    cols = sorted({k for r in rows for k in r})
    csv_path = tmp_path / "feed.csv"
    csv_path.write_text(
        ",".join(cols) + "\n" + "".join(",".join(r.get(c, "") for c in cols) + "\n" for r in rows)
    )
    json_path = tmp_path / "feed.json"
    json_path.write_text(json.dumps({"records": rows}))
    from_csv = service.ingest_file(csv_path)
    from_json = service.ingest_file(json_path)
    assert [e.payload for e in from_csv.events] == [e.payload for e in from_json.events]
    assert [e.event_type for e in from_csv.events] == [
        "StatisticPublished",
        "CityPilotDesignated",
        "CityPilotStatusChanged",
    ]
    assert from_csv.events[0].source is not None
    assert from_csv.events[0].source.sentence is not None
    assert "12093" in from_csv.events[0].source.sentence
    assert from_csv.new == 3 and from_json.new == 3


def test_ingesting_a_feed_twice_appends_nothing(service: IngestService, tmp_path: Path) -> None:
    feed = tmp_path / "again.csv"
    feed.write_text(FEED_HEADER + GOOD_ROW.replace("2020-Q1", "2020-Q3"))
    assert service.ingest_file(feed).new == 1
    before = snapshot(service)
    assert service.ingest_file(feed).new == 0
    assert snapshot(service) == before


def test_front_matter_and_sidecar_metadata(tmp_path: Path) -> None:
    from services.ingest.documents import read_document

    doc = tmp_path / "a.txt"
    doc.write_text("---\npublished: 2021-01-28\ntitle: Annual figures\n---\nBody text.\n")
    read = read_document(doc)
    assert (read.published, read.title, read.text) == (
        date(2021, 1, 28),
        "Annual figures",
        "Body text.\n",
    )
    plain = tmp_path / "b.txt"
    plain.write_text("Body.")
    (tmp_path / "b.txt.meta.json").write_text('{"published": "2020-04-25", "url": "https://x"}')
    read = read_document(plain)
    assert (read.published, read.url, read.published_from) == (
        date(2020, 4, 25),
        "https://x",
        "metadata",
    )
    assert read_document(plain, date(2019, 1, 1)).published == date(2019, 1, 1)
    bad = tmp_path / "c.txt"
    bad.write_text("---\npublished: yesterday\n---\nBody")
    with pytest.raises(IngestError, match="published 'yesterday' is not a date"):
        read_document(bad)


@pytest.mark.parametrize(
    "value", ["1e999999999", "-1e999", "NaN", "Infinity", "-inf", "1234567890123456789", "1e-11"]
)
def test_values_the_contract_cannot_carry(
    service: IngestService, tmp_path: Path, value: str
) -> None:
    feed = tmp_path / "huge.csv"
    feed.write_text(FEED_HEADER + GOOD_ROW.replace("33700000000", value))
    err = refused(service, feed, "value")
    assert err.line == 2


def test_one_bad_file_does_not_stop_the_others(service: IngestService, tmp_path: Path) -> None:
    files = [tmp_path / n for n in ("a.csv", "b-poison.csv", "c-long-number.txt", "d.csv")]
    files[0].write_text(FEED_HEADER + GOOD_ROW.replace("2020-Q1", "2021-Q1"))
    files[1].write_text(FEED_HEADER + GOOD_ROW.replace("33700000000", "1e999999999"))
    files[2].write_text(
        "In 2021 the patent pledge financing amount came to "
        "123456789012345678901234567890123 trillion yuan, up 3%.\n"
    )
    files[3].write_text(FEED_HEADER + GOOD_ROW.replace("2020-Q1", "2021-Q2"))
    result = service.ingest_paths(files, date(2022, 1, 5))
    assert [(e.origin, e.line) for e in result.errors] == [
        (str(files[1]), 2),
        (str(files[2]), 1),
    ]
    assert "1E+999999999" in result.errors[0].problem
    assert "trillion yuan' cannot be stored" in result.errors[1].problem
    assert result.new == 2
    assert {e.payload.period.key for e in result.events} == {"2021-Q1", "2021-Q2"}  # type: ignore[union-attr]


def test_a_vanished_file_is_that_files_error(service: IngestService, tmp_path: Path) -> None:
    result = service.ingest_paths([tmp_path / "gone.csv", tmp_path / "gone.txt"])
    assert [e.origin for e in result.errors] == [
        str(tmp_path / "gone.csv"),
        str(tmp_path / "gone.txt"),
    ]
    assert all("cannot read" in e.problem for e in result.errors)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-8-sig"])
def test_text_and_feeds_with_a_byte_order_mark(
    service: IngestService, tmp_path: Path, encoding: str
) -> None:
    bom = {"utf-16-le": "\ufeff", "utf-16-be": "\ufeff"}.get(encoding, "")
    doc = tmp_path / "bom.txt"
    doc.write_bytes(
        (bom + "In 2021 patent pledge financing reached 12.5 billion yuan, up 4%.\r\n").encode(
            encoding
        )
    )
    text = service.ingest_file(doc, date(2022, 1, 10))
    assert text.new >= 2, "the document and its statistic are stored"
    feed = tmp_path / "bom.csv"
    feed.write_bytes((bom + FEED_HEADER + GOOD_ROW.replace("2020-Q1", "2019-Q4")).encode(encoding))
    rows = service.ingest_file(feed)
    assert rows.new == 1
    assert rows.events[0].payload.period.key == "2019-Q4"  # type: ignore[union-attr]


def test_utf16_without_a_byte_order_mark_is_not_called_text(
    service: IngestService, tmp_path: Path
) -> None:
    (tmp_path / "nobom.txt").write_bytes("Some words.\n".encode("utf-16-le"))
    refused(service, tmp_path / "nobom.txt", "UTF-16 without a byte-order mark, not UTF-8")
