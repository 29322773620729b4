"""Shared set-up of API, dashboard and browser tests: a bootstrapped app with known data."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from factories import notice, pilot, statistic

from events import Event
from services.alerts.sinks import MemorySink
from services.bootstrap import App, bootstrap
from services.settings import Settings

TOKEN = "s3cret-token-for-tests"
XSS_TITLE = "<script>alert(1)</script>"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def events() -> list[Event]:
    """Two years of a series with a mismatching growth, a revision, a notice, pilots."""
    return [
        statistic(period="2019-Q1", value="100", doc=1, published=date(2019, 4, 20)),
        statistic(period="2019", value="500", doc=1, published=date(2019, 4, 20)),
        statistic(period="2020-Q1", value="120", change="+10%", doc=2),
        # a later vintage revises 2020-Q1
        statistic(period="2020-Q1", value="130", doc=3, published=date(2020, 7, 10)),
        statistic("pct_applications", "2020", "68720", unit="count", change="+16.1%", doc=4,
                  published=date(2021, 1, 20)),
        notice(XSS_TITLE, doc=5),
        notice("Measures on IP Pledge Financing", doc=6, issuers=("CNIPA", "MOF")),
        pilot("Wuhan", doc=7, published=date(2020, 4, 20)),
        pilot("Wuhan", "suspended", doc=8, published=date(2021, 4, 20), changed=True),
        pilot("Ningbo", doc=7, published=date(2020, 4, 20)),
    ]


def make_app(tmp_path: Path, token: str | None = TOKEN, **settings: object) -> App:
    """An embedded app in a temp folder with the test events projected and alerts raised."""
    app = bootstrap(
        Settings(data_dir=tmp_path / "data", api_token=token, **settings),  # type: ignore[arg-type]
        sinks=[MemorySink()],
    )
    app.log.append(events())
    app.runner.catch_up()
    app.runner.catch_up()  # the alert events the first pass raised
    return app


CSRF_INPUT = re.compile(r'name="csrf" value="([0-9a-f]+)"')


def form_token(client: Any, page: str = "/alerts") -> str:
    """The CSRF token of a dashboard page's forms (loading it sets the matching cookie)."""
    found = CSRF_INPUT.search(client.get(page).text)
    assert found, f"{page} has no form token"
    return found.group(1)


def post_form(client: Any, path: str, data: dict[str, str], page: str = "/alerts") -> Any:
    """Submit a dashboard form as the browser would after loading `page`."""
    return client.post(path, data={**data, "csrf": form_token(client, page)})

