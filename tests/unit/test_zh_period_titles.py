"""Chinese period phrases inside a title's 《》 name the document, not a figure's period."""

from __future__ import annotations

from services.ingest.extract.zh.stat_period_marks import dates
from services.ingest.extract.zh.stat_periods import find_periods
from services.ingest.extract.zh.stat_subjects import last_mark


def _events(view: str) -> list[tuple[str, bool]]:
    return [(view[h.start : h.end], h.event) for h in find_periods(view, dates(view))]


def test_a_year_inside_a_title_is_no_period_and_one_after_it_is() -> None:
    view = "依据《专利工作规划(2021-2025年)》，2023年全省专利授权4万件"
    found = _events(view)
    assert ("2023年", False) in found
    assert all(event for text, event in found if "2021" in text or "2025" in text)


def test_a_title_closed_before_a_phrase_leaves_it_a_period() -> None:
    view = "《年报》显示，2022年商标注册量增长，《通知(2024年)》另行发布"
    found = dict(_events(view))
    assert found["2022年"] is False
    assert found["2024年"] is True


def test_a_sentence_without_titles_has_no_title_years() -> None:
    assert _events("2021年专利质押融资金额增长") == [("2021年", False)]


def test_last_mark_is_the_position_after_the_nearest_clause_mark() -> None:
    view = "全年，授权发明专利；其中企业为8万件"
    assert last_mark(view, len(view)) == view.index("；") + 1
    assert last_mark(view, 2) == 0
    assert last_mark(view, 0) == 0


def test_each_kind_of_phrase_is_found_where_it_starts() -> None:
    view = "去年上半年，1-6月，今年前5个月，2023年第一至三季度，前三季度和第四季度"
    kinds = [(view[h.start : h.end].strip(), h.kind) for h in find_periods(view, dates(view))]
    assert kinds == [
        ("去年上半年", "half"),
        ("1-6月", "months"),
        ("今年前5个月", "months"),
        ("2023年第一至三季度", "months"),
        ("前三季度", "months"),
        ("第四季度", "quarter"),
    ]
