"""`ipmon report` shows Chinese titles, city names and documents whole, in columns that line
up by display width (a Han character takes two cells)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from factories import notice, pilot
from rich.cells import cell_len
from rich.console import Console

from services.alerts.sinks import MemorySink
from services.bootstrap import App, bootstrap
from services.report import collect, documents_table, other_tables
from services.settings import Settings

TITLE = "关于进一步加强知识产权质押融资工作促进实体经济高质量发展的通知"
CITY = "宁波市"
RELEASE = "2023年，全国专利商标质押融资金额达8539.9亿元，同比增长75.4%。"
HAN = re.compile(r"[\u4e00-\u9fff]")
WIDTH = 60


@pytest.fixture
def app(tmp_path: Path) -> Iterator[App]:
    app = bootstrap(Settings(data_dir=tmp_path / "data"), sinks=[MemorySink()])
    app.log.append([notice(TITLE, doc=21, issuers=("CNIPA", "CBIRC")),
                    pilot(CITY, doc=22, program="知识产权强市建设试点城市")])
    assert app.ingest is not None
    app.ingest.ingest_text(RELEASE, published=date(2024, 1, 18), title="2023年质押融资数据",
                           publisher="国家知识产权局")
    app.runner.catch_up()
    app.runner.catch_up()
    yield app
    app.close()


def _lines(*renderables: object) -> list[str]:
    console = Console(file=io.StringIO(), width=WIDTH, color_system=None, record=True)
    for r in renderables:
        console.print(r)
    return console.export_text().splitlines()


def _han(lines: list[str]) -> str:
    return "".join(HAN.findall("".join(lines)))


def test_a_long_chinese_title_folds_within_the_width_and_keeps_its_column(app: App) -> None:
    with app.engine.connect() as conn:
        _, notices, _ = other_tables(conn)
        lines = _lines(notices)
    assert max(cell_len(line) for line in lines) <= WIDTH
    assert len(TITLE) * 2 > WIDTH  # so it had to fold
    assert _han(lines) == TITLE  # every character, in order, none lost or replaced
    starts = {cell_len(line[: HAN.search(line).start()]) for line in lines if HAN.search(line)}
    assert len(starts) == 1  # each folded piece starts in the title's column
    assert "…" not in "".join(lines) and "\ufffd" not in "".join(lines)


def test_chinese_city_and_programme_names_are_shown_whole(app: App) -> None:
    with app.engine.connect() as conn:
        pilots, _, _ = other_tables(conn)
        lines = _lines(pilots)
    row = next(line for line in lines if CITY in line)  # a short name stays on one line
    assert cell_len(row) <= WIDTH and "—" in row
    # the programme's name folds in its own column: its pieces, read down, give it whole
    assert _han(lines).replace(CITY, "", 1) == "知识产权强市建设试点城市"


def test_the_documents_table_lists_each_document_with_its_language(app: App) -> None:
    with app.engine.connect() as conn:
        lines = _lines(documents_table(conn))
        data = collect(conn, 0.5)
    row = next(line for line in lines if "2024-01-18" in line)
    assert " zh " in row and "国家知识产权局" in row and "2023年质押融资数据" in row
    [doc] = data["documents"]
    assert (doc["language"], doc["title"], doc["publisher"]) == (
        "zh", "2023年质押融资数据", "国家知识产权局")
