"""Files marked as UTF-32 are read as UTF-32, not as UTF-16 whose byte-order mark begins
the same way, and a wide encoding's NUL characters are refused like NUL bytes."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from events import DocumentReceived, StatisticPublished
from events.log.memory import MemoryEventLog
from services.ingest.encodings import decode_bytes
from services.ingest.service import IngestService

RELEASE = "2023年，全国专利商标质押融资金额达8539.9亿元，同比增长75.4%。\n"


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_a_utf32_file_with_its_mark_is_read_as_utf32(tmp_path: Path, encoding: str) -> None:
    bom = codecs.BOM_UTF32_LE if encoding.endswith("le") else codecs.BOM_UTF32_BE
    path = tmp_path / "release.txt"
    path.write_bytes(bom + RELEASE.encode(encoding))
    log = MemoryEventLog()
    result = IngestService(log).ingest_paths([path], date(2024, 1, 18))
    assert result.errors == []
    [doc] = [r.event().payload for r in log.read("documents")]
    assert isinstance(doc, DocumentReceived) and (doc.text, doc.language) == (RELEASE, "zh")
    [stat] = [r.event().payload for r in log.read("statistics")]
    assert isinstance(stat, StatisticPublished) and str(stat.value) == "853990000000"


def test_a_page_with_a_utf32_mark_is_read_as_utf32() -> None:
    decoded = decode_bytes(codecs.BOM_UTF32_LE + "专利".encode("utf-32-le"))
    assert (decoded.text, decoded.encoding) == ("专利", "utf-32-le")


def test_nul_characters_from_utf16_are_refused_with_their_line(tmp_path: Path) -> None:
    path = tmp_path / "dump.txt"
    path.write_bytes(codecs.BOM_UTF16_LE + "first line\nsecond\x00line\n".encode("utf-16-le"))
    log = MemoryEventLog()
    [err] = IngestService(log).ingest_paths([path], date(2024, 1, 18)).errors
    assert err.line == 2 and "NUL" in err.problem
    assert list(log.read("documents")) == []
