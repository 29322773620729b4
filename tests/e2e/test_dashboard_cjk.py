"""Chinese notices, cities and documents on the dashboard in a real headless Chromium: the
screenshots show real Han glyphs, neither blank nor the boxes a missing font gives."""

from __future__ import annotations

from datetime import date
from typing import Any

from factories import notice, pilot
from pixels import Image, difference, inked, read_png

from services.api.server import BackgroundServer
from services.bootstrap import App

TITLE = "关于开展知识产权质押融资入园惠企行动的通知"
CITY = "宁波市"
PROGRAMME = "知识产权强市建设试点城市"
RELEASE = "2022年，全国专利商标质押融资金额达4868.8亿元，同比增长57.1%。"
# unassigned code points: every font draws them as the same box (its .notdef glyph)
UNASSIGNED = ("\u0378", "\u0379")
# a fixed box inside the title cell, so the character is drawn with that cell's lang and fonts
PROBE = """(cell, text) => {
  const s = document.createElement('span');
  s.id = 'probe'; s.textContent = text; s.style.display = 'inline-block';
  s.style.width = '40px'; s.style.height = '40px';
  s.style.fontSize = '32px'; s.style.lineHeight = '40px';
  s.style.background = '#fff'; s.style.color = '#000';
  cell.appendChild(s);
}"""


def _with_chinese_facts(app: App) -> None:
    app.log.append([notice(TITLE, doc=31, issuers=("CNIPA", "CBIRC")),
                    pilot(CITY, doc=32, program=PROGRAMME)])
    assert app.ingest is not None
    app.ingest.ingest_text(RELEASE, published=date(2023, 1, 16), title="2022年质押融资数据",
                           publisher="国家知识产权局")
    app.runner.catch_up()


def _glyph(cell: Any, text: str) -> Image:
    """The character drawn large inside the notice's title cell, with that cell's fonts."""
    cell.evaluate(PROBE, text)
    probe = cell.locator("#probe")
    shot = read_png(probe.screenshot())
    probe.evaluate("s => s.remove()")
    return shot


def test_a_chinese_notice_title_is_drawn_in_han_glyphs(
    page: Any, served: tuple[App, BackgroundServer],
) -> None:
    app, server = served
    _with_chinese_facts(app)
    page.goto(server.url + "/notices")
    cell = page.locator("td.title", has_text=TITLE)
    assert cell.inner_text() == TITLE  # the characters arrived whole, no mojibake
    assert cell.get_attribute("lang") == "zh-Hans"
    drawn = read_png(cell.screenshot())
    cell.evaluate("td => { td.style.color = 'transparent'; }")
    blank = read_png(cell.screenshot())
    cell.evaluate("td => { td.style.color = ''; }")
    # the text's box holds ink where the blanked one holds none
    assert difference(drawn, blank) > 0.05 and inked(blank) < 0.01
    box = [_glyph(cell, ch) for ch in UNASSIGNED]
    assert difference(*box) == 0  # the reference really is one box for every missing glyph
    glyphs = [_glyph(cell, ch) for ch in "知识产权"]
    for i, g in enumerate(glyphs):
        assert inked(g) > 0.03, f"{'知识产权'[i]} left no ink"
        assert difference(g, box[0]) > 0.1, f"{'知识产权'[i]} is drawn as a box"
        for other in glyphs[i + 1 :]:
            assert difference(g, other) > 0.1  # distinct characters, distinct shapes


def test_chinese_cities_and_documents_are_listed_with_their_language(
    page: Any, served: tuple[App, BackgroundServer],
) -> None:
    app, server = served
    _with_chinese_facts(app)
    page.goto(server.url + "/pilots")
    city = page.locator("td.city", has_text=CITY)
    assert city.inner_text() == CITY and city.get_attribute("lang") == "zh-Hans"
    assert page.locator(f"h2[lang='zh-Hans']:has-text('{PROGRAMME}')").is_visible()
    page.goto(server.url + "/documents")
    row = page.locator("#documents tbody tr", has_text="2022年质押融资数据")
    assert row.locator("td.language").inner_text() == "zh"
    row.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "2022年质押融资数据"
    assert "Chinese" in page.locator("p.summary").inner_text()
    assert "国家知识产权局" in page.locator("p.summary").inner_text()
