"""Statistics extraction cases kept as data: each case file lists texts, their publication
dates and the facts (and unresolved figures) expected from them, compared as sets. Chinese
texts (zh_*.toml) go through the Chinese stages, as `extract_facts` sends them."""

from __future__ import annotations

import tomllib
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from events import Span, StatisticPublished
from services.ingest.extract import language_parts, zh
from services.ingest.extract.base import Document, Fact
from services.ingest.extract.language import CHINESE
from services.ingest.extract.statistics import extract_statistics, unresolved_statistics

CASES = Path(__file__).with_name("extraction_cases") / "statistics"


def _cases() -> list[Any]:
    out = []
    for path in sorted(CASES.glob("*.toml")):
        with path.open("rb") as f:
            for case in tomllib.load(f)["case"]:
                out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def _document(case: dict[str, Any]) -> Document:
    published = case.get("published")
    assert published is None or isinstance(published, date)
    return Document(
        case["text"].strip(),
        published,
        case.get("title"),
        case.get("url"),
        dated=case.get("dated", True),
    )


def _change(p: StatisticPublished) -> str:
    """A reported change as a case file writes it: "up 22.5 percent", "" for none."""
    c = p.reported_change
    if c is None:
        return ""
    for kind in ("percent", "percentage_points", "absolute"):
        amount = getattr(c, kind)
        if amount is not None:
            return f"{c.direction} {amount} {kind}"
    return c.direction


def _statistics(doc: Document) -> list[Fact]:
    """Each language part of the document read by its own stages, as `extract_facts` does."""
    out: list[Fact] = []
    for part in language_parts(doc):
        out += zh.extract_statistics(part) if part.language == CHINESE else extract_statistics(part)
    return out


def _unresolved(doc: Document) -> list[tuple[Span, str]]:
    out: list[tuple[Span, str]] = []
    for part in language_parts(doc):
        chinese = part.language == CHINESE
        out += zh.extraction_problems(part) if chinese else unresolved_statistics(part)
    return out


def _payloads(doc: Document) -> list[StatisticPublished]:
    out = []
    for fact in _statistics(doc):
        assert isinstance(fact.payload, StatisticPublished)
        out.append(fact.payload)
    return out


def _found(doc: Document) -> set[tuple[str, ...]]:
    return {
        (p.metric, p.period.key, str(p.value), p.unit, p.geography, _change(p))
        for p in _payloads(doc)
    }


@pytest.mark.parametrize("case", _cases())
def test_statistics_case(case: dict[str, Any]) -> None:
    doc = _document(case)
    expected = {
        (e["metric"], e["period"], e["value"], e["unit"], e["geography"], e.get("change", ""))
        for e in case.get("expect", [])
    }
    assert _found(doc) == expected
    bases = {str(p.value): p.reported_change.basis for p in _payloads(doc) if p.reported_change}
    for e in case.get("expect", []):
        if "basis" in e:  # the basis a change is measured against, where the case names it
            assert bases.get(e["value"]) == e["basis"], (e["value"], bases)
    hedges = {str(p.value): p.qualifier for p in _payloads(doc)}
    for e in case.get("expect", []):
        if "qualifier" in e:  # the hedge on the value, where the case names it
            assert hedges.get(e["value"]) == e["qualifier"], (e["value"], hedges)
    unresolved = [doc.text[span.start : span.end] for span, _ in _unresolved(doc)]
    assert unresolved == case.get("unresolved", [])


def test_cases_exist() -> None:
    assert len(_cases()) >= 10


def test_unresolved_figures_are_listed_with_file_line_and_sentence() -> None:
    from services.ingest.service import text_problems

    doc = Document("Patent figures\n\nIn the first half, China granted 432,000 invention patents.")
    (problem,) = text_problems(doc, "h1.txt")
    assert problem.line == 3
    assert "'432,000'" in str(problem) and "In the first half, China granted" in str(problem)
    assert "unresolved year" in str(problem) and str(problem).startswith("h1.txt")


def test_a_file_dated_only_by_its_modification_time_gives_no_year(tmp_path: Path) -> None:
    from services.ingest.documents import read_document

    text = "This year, China granted 798,000 invention patents.\n"
    plain, dated = tmp_path / "plain.txt", tmp_path / "dated.txt"
    plain.write_text(text)
    dated.write_text("---\npublished: 2023-01-16\n---\n" + text)
    f = read_document(plain)
    assert not f.dated
    assert extract_statistics(Document(f.text, f.published, dated=f.dated)) == []
    g = read_document(dated)
    assert g.dated
    (fact,) = extract_statistics(Document(g.text, g.published, dated=g.dated))
    assert isinstance(fact.payload, StatisticPublished) and fact.payload.period.key == "2023"


def test_unresolved_chinese_figures_name_file_line_and_why() -> None:
    from services.ingest.service import text_problems

    text = "专利统计\n\n上半年，全国授权发明专利43.2万件。\n2017年，我省申请发明专利93527件。"
    doc = Document(text)
    year, place = text_problems(doc, "zh.txt")
    assert (year.line, place.line) == (3, 4)
    assert "unresolved year" in str(year) and "'43.2万件'" in str(year)
    assert "unresolved place" in str(place) and "'93527件'" in str(place)
    assert str(year).startswith("zh.txt")


def test_unresolved_chinese_figures_are_recorded_as_events() -> None:
    from events import StatisticUnresolved
    from services.ingest.extract.unresolved import unresolved_facts

    doc = Document("上半年，全国授权发明专利43.2万件。")
    (fact,) = unresolved_facts(doc)
    assert isinstance(fact.payload, StatisticUnresolved)
    assert fact.payload.metric == "invention_patents_granted"
    assert (fact.payload.period_kind, fact.payload.value_text) == ("half", "43.2万件")


def test_a_chinese_amount_keeps_its_conversion_in_parentheses_and_its_rate() -> None:
    doc = Document("2022年，知识产权使用费进出口总额3872.5亿元（约合562.6亿美元），同比增长2.4%。")
    (p,) = _payloads(doc)
    assert (p.metric, p.value, p.unit) == ("ip_royalties_trade_total", 387250000000, "CNY")
    assert p.equivalent is not None and p.equivalent.unit == "USD"
    assert (p.equivalent.value, p.equivalent.qualifier) == (56260000000, "approx")
    assert p.reported_change is not None and p.reported_change.percent == Decimal("2.4")
