"""DocumentReceived records its text's language; v1 events get it from their stored text."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import orjson
from hypothesis import example, given
from hypothesis import strategies as st

from events import DocumentReceived
from events.codec import decode
from events.log.memory import MemoryEventLog
from events.upcasters import script_language
from services.ingest.extract.language import detect_language
from services.ingest.service import IngestService

GOLDEN_V1 = Path(__file__).resolve().parents[1] / "golden" / "DocumentReceived.v1.json"
# Latin letters, Han characters, full-width forms, digits and punctuation in any mix
MIXED = st.text(
    alphabet=st.sampled_from("abcXYZ é中国专利质押融资亿元《》，。12３４ -")
    | st.characters(codec="utf-8"),
)


def _v1_with_text(text: str) -> bytes:
    stored = orjson.loads(GOLDEN_V1.read_bytes())
    stored["payload"]["text"] = text
    return orjson.dumps(stored)


def test_a_v1_chinese_document_is_read_as_chinese_and_an_english_one_as_english() -> None:
    zh = decode(_v1_with_text("2023年，全国专利商标质押融资金额达8539.9亿元。"))
    en = decode(_v1_with_text("Pledge financing reached 853.99 billion yuan in 2023."))
    assert isinstance(zh.payload, DocumentReceived) and isinstance(en.payload, DocumentReceived)
    assert (zh.schema_version, zh.payload.language) == (2, "zh")
    assert (en.schema_version, en.payload.language) == (2, "en")
    # the upcast event keeps its id: the language is read, not a new fact
    assert str(zh.event_id) == orjson.loads(GOLDEN_V1.read_bytes())["event_id"]


def test_a_v1_payload_without_text_is_english() -> None:
    from events.upcasters import UPCASTERS

    lifted = UPCASTERS[("DocumentReceived", 1)]({"document_id": "0" * 64})
    assert lifted["language"] == "en"


@given(MIXED)
@example("中××")  # signs in the Latin-1 block are no letters
@example("中αβ")  # nor are letters of other scripts
def test_the_contract_tells_the_language_as_ingestion_does(text: str) -> None:
    assert script_language(text) == detect_language(text)


def test_ingestion_records_the_language_of_each_document() -> None:
    log = MemoryEventLog()
    service = IngestService(log)
    day = date(2023, 1, 16)
    service.ingest_text("国家知识产权局发布2022年知识产权质押融资数据。", published=day)
    service.ingest_text("CNIPA released the 2022 pledge financing data.", published=day)
    received = [r.event().payload for r in log.read("documents")]
    assert [getattr(p, "language", None) for p in received] == ["zh", "en"]
