"""Files and pages in UTF-8 (with or without BOM), GB18030/GBK and declared charsets are read;
undecodable bytes are refused with their offset and line, and the other files go on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from events import DocumentReceived
from events.log.memory import MemoryEventLog
from services.ingest.encodings import UndecodableText, decode_bytes
from services.ingest.pages import PageError, decode_body, page_text
from services.ingest.service import IngestService

# full-width digits on purpose: stored text keeps them, only width-folded views change them
RELEASE = (
    "---\ntitle: 2023年知识产权质押融资数据\npublished: 2024-01-18\n---\n"
    "２０２３年，全国专利商标质押融资金额达8539.9亿元，同比增长75.4%。\n"
    "惠及企业3.7万家。\n"
)
BODY = RELEASE.split("---\n", 2)[2]


def _received(log: MemoryEventLog) -> list[DocumentReceived]:
    payloads = [r.event().payload for r in log.read("documents")]
    return [p for p in payloads if isinstance(p, DocumentReceived)]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "gb2312"])
def test_a_chinese_release_reads_the_same_in_every_encoding(
    tmp_path: Path, encoding: str
) -> None:
    path = tmp_path / "release.txt"
    path.write_bytes(RELEASE.encode(encoding))
    log = MemoryEventLog()
    result = IngestService(log).ingest_paths([path])
    assert result.errors == []
    [doc] = _received(log)
    assert doc.text == BODY  # not NFKC-folded: offsets into it stay those of the file
    assert (doc.language, doc.title) == ("zh", "2023年知识产权质押融资数据")


def test_gb18030_characters_beyond_gbk_and_its_own_byte_order_mark() -> None:
    text = "𠀾专利（€）"  # a supplementary-plane Han character and the euro sign
    assert decode_bytes(text.encode("gb18030")).text == text
    marked = decode_bytes("\ufeff专利".encode("gb18030"))
    assert (marked.text, marked.encoding) == ("专利", "gb18030")


def test_a_page_declared_gb2312_may_use_characters_only_gbk_has() -> None:
    # 镕 is in GBK but not in GB2312; pages labelled gb2312 use such characters
    html = '<html><head><meta charset="gb2312"></head><body><p>朱镕基</p></body></html>'
    assert "朱镕基" in decode_body(html.encode("gbk"), "text/html")


def test_an_xml_declaration_is_consulted_before_the_gb18030_guess() -> None:
    xml = '<?xml version="1.0" encoding="big5"?><p>專利質押融資</p>'
    data = xml.encode("big5")
    assert data.decode("gb18030") != xml  # the guess would read other characters
    assert decode_bytes(data, markup=True) == decode_bytes(data, ["big5"])
    assert decode_bytes(data, markup=True).text == xml


def test_a_header_charset_that_does_not_fit_the_bytes_is_passed_over() -> None:
    body = "<p>质押融资</p>".encode("gbk")
    assert decode_body(body, "text/html; charset=ascii") == "<p>质押融资</p>"


def test_undecodable_bytes_name_offset_and_line_and_the_other_files_go_on(
    tmp_path: Path,
) -> None:
    good = tmp_path / "a-good.txt"
    good.write_bytes(RELEASE.encode("gbk"))
    bad = tmp_path / "b-bad.txt"
    # é then a space is neither a GB18030 nor a UTF-8 character
    bad.write_bytes("第一行\n".encode("gbk") + b"caf\xe9 line\n")
    log = MemoryEventLog()
    result = IngestService(log).ingest_paths([bad, good])
    [err] = result.errors
    assert err.origin == str(bad) and err.line == 2
    assert "offset 10" in err.problem and "UTF-8" in err.problem and "GB18030" in err.problem
    assert [d.title for d in _received(log)] == ["2023年知识产权质押融资数据"]
    again = IngestService(log).ingest_paths([bad])
    assert len(again.errors) == 1 and len(_received(log)) == 1  # nothing stored changed


def test_a_damaged_utf8_file_is_refused_not_read_as_gb18030(tmp_path: Path) -> None:
    data = BODY.encode("utf-8")
    cut = data.index("亿".encode()) + 1  # the middle of a three-byte character
    damaged = data[:cut] + b"\x41" + data[cut + 1 :]
    with pytest.raises(UndecodableText) as info:
        decode_bytes(damaged)
    assert info.value.offset == cut - 1 and info.value.line == 1  # where the character starts
    assert "rest of the text is UTF-8" in info.value.problem


def test_a_western_single_byte_file_is_refused_not_read_as_gb18030(tmp_path: Path) -> None:
    text = "First line.\nThe office’s figures: pledge financing reached 853.99 billion yuan.\n"
    data = text.encode("cp1252")
    data.decode("gb18030")  # GB18030 alone would take it: ’ then s reads as one Han character
    path = tmp_path / "cp1252.txt"
    path.write_bytes(data)
    log = MemoryEventLog()
    [err] = IngestService(log).ingest_paths([path]).errors
    quote = data.index("’".encode("cp1252"))
    assert err.line == 2 and f"offset {quote} " in err.problem
    assert "Western encoding" in err.problem and _received(log) == []


def test_an_english_gbk_file_quoting_a_chinese_title_is_read() -> None:
    text = "CNIPA issued the 《知识产权强国建设纲要》 in September 2021.\n"
    assert decode_bytes(text.encode("gbk")) == decode_bytes(text.encode("gb18030"))
    assert decode_bytes(text.encode("gbk")).text == text


def test_a_gb18030_feed_keeps_its_chinese_city_names(tmp_path: Path) -> None:
    feed = tmp_path / "pilots.csv"
    feed.write_bytes((
        "record,program,city,admin_level,role,status,year,reason,published,publisher,title\n"
        "pilot,知识产权强市建设试点城市,宁波市,city,pilot,selected,2022,,2022-08-11,CNIPA,"
        "试点城市名单\n"
    ).encode("gb18030"))
    log = MemoryEventLog()
    assert IngestService(log).ingest_paths([feed]).errors == []
    [designated] = [r.event().payload for r in log.read("pilots")]
    assert (getattr(designated, "city", None), getattr(designated, "program", None)) == (
        "宁波市", "知识产权强市建设试点城市")


def test_a_page_with_undecodable_bytes_is_a_page_error() -> None:
    with pytest.raises(PageError, match=r"byte 0xff at offset 3 is not valid GB18030.*\(line 1\)"):
        page_text(b"<p>\xff\xfe\xfd</p>", "text/html")


def test_an_english_file_in_utf8_is_untouched(tmp_path: Path) -> None:
    text = "Pledge financing reached 853.99 billion yuan — up 75.4%.\n"
    log = MemoryEventLog()
    path = tmp_path / "en.txt"
    path.write_text(text, encoding="utf-8")
    IngestService(log).ingest_file(path, date(2024, 1, 18))
    [doc] = _received(log)
    assert (doc.text, doc.language) == (text, "en")
