"""The dashboard in a real headless Chromium: pages, acknowledge, escaping, screenshots."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
    first = rows.filter(has_text="IP pledge financing")
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
    row = page.locator('tr.alert[data-rule="value_revised"]').first
    key = row.get_attribute("data-key")
    row.locator("button.ack").click()
    page.wait_for_url("**/alerts?done=acknowledged")
    assert page.locator(".flash").inner_text() == "Alert acknowledged."
    acked = page.locator(f'tr.alert[data-rule="value_revised"][data-key="{key}"]')
    assert acked.locator(".status").inner_text() == "acknowledged"
    assert "acknowledged by dashboard" in acked.inner_text()
    assert acked.locator("button.ack").count() == 0
    shot = tmp_path / "alerts.png"
    page.screenshot(path=str(shot))
    assert shot.read_bytes()[:8] == PNG
    with app.engine.connect() as conn:
        from projections import queries

        assert queries.alerts(conn, [("value_revised", key)])[0].state == "acknowledged"


def test_silence_button(page: Any, served: tuple[App, BackgroundServer]) -> None:
    _, server = served
    page.goto(server.url + "/login")
    page.fill("input[name=token]", TOKEN)
    page.click("button[type=submit]")
    page.wait_for_url("**/alerts")
    row = page.locator('tr.alert[data-rule="value_revised"]').first
    key = row.get_attribute("data-key")
    row.locator("select[name=hours]").select_option("1")
    row.locator("button.silence").click()
    page.wait_for_url("**/alerts?done=silenced")
    silenced = page.locator(f'tr.alert[data-rule="value_revised"][data-key="{key}"]')
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


def _alert_state(app: App, key: str) -> str:
    from projections import queries

    with app.engine.connect() as conn:
        return queries.alerts(conn, [("value_revised", key)])[0].state


@contextmanager
def _other_site(html: str) -> Iterator[str]:
    """Serve one page from another origin and site (localhost, not 127.0.0.1)."""
    body = html.encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_a_page_of_another_site_cannot_acknowledge(
    page: Any, served_open: tuple[App, BackgroundServer],
) -> None:
    app, server = served_open
    page.goto(server.url + "/alerts")
    key = page.locator('tr.alert[data-rule="value_revised"]').first.get_attribute("data-key")
    attack = (
        f'<form method="post" action="{server.url}/alerts/acknowledge">'
        f'<input name="rule" value="value_revised"><input name="key" value="{key}"></form>'
        "<script>document.forms[0].submit()</script>"
    )
    with _other_site(attack) as evil, page.expect_response(
        lambda r: r.url.endswith("/alerts/acknowledge")
    ) as answer:
        page.goto(evil)
    assert answer.value.status == 403
    assert _alert_state(app, key) == "firing"
    # the same button on the dashboard itself still works
    page.goto(server.url + "/alerts")
    page.locator(f'tr.alert[data-rule="value_revised"][data-key="{key}"] button.ack').click()
    page.wait_for_url("**/alerts?done=acknowledged")
    assert _alert_state(app, key) == "acknowledged"


def test_a_stored_javascript_url_is_not_a_link(
    page: Any, served: tuple[App, BackgroundServer],
) -> None:
    app, server = served
    assert app.ingest is not None  # stored before URLs were checked: straight to the service
    result = app.ingest.ingest_text("An old release.", published=date(2021, 5, 1),
                                    url="javascript:alert(1)")
    app.runner.catch_up()
    doc_id = result.events[0].payload.document_id  # type: ignore[attr-defined]
    page.goto(f"{server.url}/documents/{doc_id}")
    assert page.locator("a[href^='javascript' i]").count() == 0
    assert page.locator("a.original").count() == 0
    shown = page.locator("code.unsafe-url")
    assert shown.inner_text() == "javascript:alert(1)"
    shown.click()
    page.wait_for_load_state("load")
    assert page.dialogs == []


def test_pages_render_without_policy_violations(
    page: Any, served: tuple[App, BackgroundServer],
) -> None:
    _, server = served
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"{r.url}: {r.failure}"))
    page.on("response", lambda r: problems.append(r.url) if r.status == 404 else None)
    for path in ("/", "/metrics/ip_pledge_financing_amount", "/pilots", "/notices",
                 "/alerts", "/documents", "/login"):
        response = page.goto(server.url + path)
        assert response is not None and "default-src 'none'" in response.headers[
            "content-security-policy"]
        page.wait_for_load_state("load")
    page.goto(server.url + "/metrics/ip_pledge_financing_amount")
    assert page.locator("svg.chart").is_visible()  # the inline SVG chart is allowed
    # the stylesheet applied: the header is not the default white
    header = page.evaluate("getComputedStyle(document.querySelector('header')).backgroundColor")
    assert header == "rgb(18, 35, 63)"
    assert problems == []
