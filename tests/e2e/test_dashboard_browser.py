"""The dashboard in a real headless Chromium: pages, acknowledge, escaping, screenshots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from api_support import TOKEN, XSS_TITLE

from services.api.server import BackgroundServer
from services.bootstrap import App

PNG = b"\x89PNG\r\n\x1a\n"


def test_overview_renders_series_and_mismatch_badge(
    page: Any, served: tuple[App, BackgroundServer], tmp_path: Path,
) -> None:
    _, server = served
    page.goto(server.url + "/")
    rows = page.locator("#overview tbody tr")
    assert rows.count() == 2
    first = rows.filter(has_text="ip_pledge_financing_amount")
    assert "130" in first.locator("td.num").first.inner_text()
    assert first.locator(".badge.mismatch").is_visible()
    shot = tmp_path / "overview.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.read_bytes()[:8] == PNG


def test_number_links_to_its_sentence(page: Any, served: tuple[App, BackgroundServer]) -> None:
    _, server = served
    page.goto(server.url + "/metrics/ip_pledge_financing_amount")
    assert page.locator("svg.chart circle.vintage").count() == 1
    page.locator("#points a.fact").first.click()
    page.wait_for_load_state()
    assert "/documents/" in page.url
    target = page.url.split("#", 1)[1]
    assert page.locator(f"#{target}").is_visible()


def test_sign_in_and_acknowledge_an_alert(
    page: Any, served: tuple[App, BackgroundServer], tmp_path: Path,
) -> None:
    app, server = served
    page.goto(server.url + "/alerts?state=firing")
    assert page.locator("button.ack").count() == 0  # not signed in yet
    page.goto(server.url + "/login")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url("**/alerts")
    row = page.locator('tr.alert[data-rule="growth_mismatch"]').first
    key = row.get_attribute("data-key")
    row.locator("button.ack").click()
    page.wait_for_url("**/alerts?done=acknowledged")
    assert page.locator(".flash").inner_text() == "Alert acknowledged."
    acked = page.locator(f'tr.alert[data-rule="growth_mismatch"][data-key="{key}"]')
    assert acked.locator(".status").inner_text() == "acknowledged"
    assert "acknowledged by dashboard" in acked.inner_text()
    assert acked.locator("button.ack").count() == 0
    shot = tmp_path / "alerts.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == PNG
    with app.engine.connect() as conn:
        from projections import queries

        assert queries.alerts(conn, [("growth_mismatch", key)])[0].state == "acknowledged"


def test_silence_button(page: Any, served: tuple[App, BackgroundServer]) -> None:
    _, server = served
    page.goto(server.url + "/login")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url("**/alerts")
    row = page.locator('tr.alert[data-rule="growth_mismatch"]').first
    key = row.get_attribute("data-key")
    row.locator("select[name=hours]").select_option("1")
    row.locator("button.silence").click()
    page.wait_for_url("**/alerts?done=silenced")
    silenced = page.locator(f'tr.alert[data-rule="growth_mismatch"][data-key="{key}"]')
    assert silenced.locator(".badge.silenced").is_visible()


def test_script_in_a_notice_title_renders_inert(
    page: Any, served: tuple[App, BackgroundServer],
) -> None:
    _, server = served
    for path in ("/notices", "/alerts"):
        page.goto(server.url + path)
        page.wait_for_load_state("load")
        assert page.dialogs == []
        assert page.get_by_text(XSS_TITLE, exact=False).first.is_visible()
    page.goto(server.url + "/notices")
    assert page.locator("td.title", has_text="alert(1)").inner_text() == XSS_TITLE
    assert page.locator("script").count() == 0
    assert page.dialogs == []
