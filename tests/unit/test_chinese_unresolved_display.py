"""A Chinese figure left unstored because its province is unnamed is listed on its
document page in Chinese glyphs and explained as a missing place, not a missing year; a
held-out value's Chinese publisher is marked Chinese too."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from fastapi.testclient import TestClient

from services import report
from services.bootstrap import App
from services.ingest.extract import Document

# 我省 on a page that never names the province: the year is known, the place is not
PROVINCE = "2022年，我省专利商标质押融资金额达315.6亿元，同比增长21.4%。"
OFFICIAL = "In 2022, patent and trademark pledge financing reached 486.88 billion yuan."
REPRINT = "2022年，全国专利商标质押融资金额达48688亿元。"  # ten times the official total


def test_an_unnamed_province_is_shown_as_a_missing_place_in_chinese(
    client: TestClient, app: App
) -> None:
    assert app.ingest is not None
    app.ingest.ingest_text(PROVINCE, published=date(2023, 2, 1), title="质押融资情况")
    app.runner.catch_up()
    html = client.get(f"/documents/{Document(PROVINCE).id}").text
    assert "Figures without a year or place" in html and "which place" in html
    quote = re.search(r'<blockquote class="sentence" lang="([^"]+)">([^<]*)我省', html)
    assert quote is not None and quote.group(1) == "zh-Hans"
    assert '<span class="value" lang="zh-Hans">315.6亿元</span>' in html
    with app.projector.engine.connect() as conn:
        table = report.unresolved_table(conn)
    assert table is not None and "province or city" in str(table.caption)


def test_a_held_out_value_of_a_chinese_publisher_is_marked_chinese(
    client: TestClient, app: App
) -> None:
    assert app.ingest is not None
    app.ingest.ingest_text(OFFICIAL, published=date(2023, 1, 16), publisher="CNIPA")
    app.ingest.ingest_text(REPRINT, published=date(2023, 3, 1), publisher="某省知识产权简报")
    app.runner.catch_up()
    html = client.get("/alerts").text
    assert 'id="held-out"' in html
    assert '<td lang="zh-Hans">某省知识产权简报</td>' in html


def test_the_readme_names_every_status_code_the_api_answers_with(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    codes = {
        code
        for operations in spec["paths"].values()
        for op in operations.values()
        for code in op.get("responses", {})
        if code[0] in "45"
    }
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    sentence = r"Every status code an operation can answer with \(([^)]*)\)"
    listed = re.search(sentence, " ".join(readme.split()))
    assert listed is not None
    assert codes - set(re.findall(r"\b[45]\d\d\b", listed.group(1))) == set()
