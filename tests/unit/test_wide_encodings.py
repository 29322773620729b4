"""Files marked as UTF-32 are read as UTF-32, not as UTF-16 whose byte-order mark begins
the same way; a wide encoding's NUL characters are refused like NUL bytes; a page's own
Chinese charset is not outvoted by a server's Western default."""

from __future__ import annotations

import codecs
from datetime import date
from pathlib import Path

import pytest

from events import DocumentReceived, StatisticPublished
from events.log.memory import MemoryEventLog
from services.ingest.encodings import UndecodableText, decode_bytes
from services.ingest.pages import decode_body
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


PAGE = (
    '<html><head><meta charset="gb2312"><title>质押融资</title></head>'
    "<body><p>2022年，全国专利商标质押融资金额达4868.8亿元。</p></body></html>"
)


def test_a_server_default_of_iso_8859_1_does_not_outvote_the_page_own_gb2312() -> None:
    # ISO-8859-1 reads any bytes, so it would turn every Han character into two accents
    body = decode_body(PAGE.encode("gb2312"), "text/html; charset=ISO-8859-1")
    assert body == PAGE


def test_a_latin1_page_declared_as_such_is_still_read_as_latin1() -> None:
    page = '<meta charset="gbk"><p>Café Müller: 5 patents</p>'
    assert decode_body(page.encode("latin-1"), "text/html; charset=ISO-8859-1") == page
    assert decode_body("<p>Straße</p>".encode("cp1252"), "text/html; charset=windows-1252") == (
        "<p>Straße</p>"
    )


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_a_metadata_file_is_read_in_the_encodings_of_documents(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "release.txt"
    path.write_bytes(RELEASE.encode("gbk"))
    meta = '{"title": "2023年知识产权质押融资情况", "published": "2024-01-18"}'
    (tmp_path / "release.txt.meta.json").write_bytes(meta.encode(encoding))
    log = MemoryEventLog()
    assert IngestService(log).ingest_paths([path]).errors == []
    [doc] = [r.event().payload for r in log.read("documents")]
    assert isinstance(doc, DocumentReceived) and doc.title == "2023年知识产权质押融资情况"


def test_an_unreadable_metadata_file_is_named_once(tmp_path: Path) -> None:
    path = tmp_path / "release.txt"
    path.write_text(RELEASE, encoding="utf-8")
    sidecar = tmp_path / "release.txt.meta.json"
    sidecar.write_bytes(b"\xff\xfe\xfd{}")
    [err] = IngestService(MemoryEventLog()).ingest_paths([path]).errors
    assert err.origin == str(sidecar) and str(err).count(str(sidecar)) == 1


def test_a_bad_utf32_unit_is_placed_on_its_line() -> None:
    # 上 is U+4E0A: its first byte in UTF-32-LE is the newline byte 0x0a
    text = "上半年\n专利\n"
    data = codecs.BOM_UTF32_LE + text.encode("utf-32-le") + b"\x00\x00\x11\x00"
    with pytest.raises(UndecodableText) as caught:
        decode_bytes(data)
    assert caught.value.line == 3 and caught.value.offset == len(data) - 4


@pytest.mark.parametrize("name", ["知识产权", "青岛", "武汉", "石家庄", "商标法"])
def test_an_english_gbk_file_quoting_a_short_chinese_name_is_read(name: str) -> None:
    # some of these bytes read as UTF-8 by chance (Hebrew, IPA, one 人), which looked
    # like a damaged UTF-8 file and refused it
    text = f"The office in {name} reported its pledge financing for 2022.\n"
    assert decode_bytes(text.encode("gbk")).text == text


def test_a_damaged_utf8_file_with_accents_is_still_refused_as_utf8() -> None:
    data = "Café figures — the office’s report".encode() + b"\xff"
    with pytest.raises(UndecodableText, match="rest of the text is UTF-8"):
        decode_bytes(data)


@pytest.mark.xfail(
    strict=True,
    reason="services/ingest/encodings.py takes any valid UTF-8 as UTF-8; about 1.5 % of "
    "two-character Chinese names in GBK are valid UTF-8 by chance (太原 is CC AB D4 AD, "
    "U+032B U+052D), so an English GBK file quoting only such a name is misread",
)
def test_an_english_gbk_file_whose_chinese_bytes_are_valid_utf8_is_read_as_gbk() -> None:
    text = "The office in 太原 reported its pledge financing for 2022.\n"
    assert decode_bytes(text.encode("gbk")).text == text
