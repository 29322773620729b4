"""A real headless Chromium (Debian's, installed by deploy/test-host.sh) driven by Playwright.

Without a browser the tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from api_support import make_app

from services.api.server import BackgroundServer, start_background
from services.bootstrap import App

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
# without the background-networking flags Chromium keeps calling Google's hosts, which a
# closed network refuses; Playwright's launch() gives each run a fresh profile
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"true", "1", "yes"}


def _unavailable(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"{reason} (CI=true: the browser tests must run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """A launched headless Chromium."""
    if not CHROMIUM.exists():
        done = subprocess.run(["bash", str(ROOT / "deploy" / "test-host.sh")],
                              capture_output=True, text=True, check=False)
        if done.returncode != 0 or not CHROMIUM.exists():
            _unavailable(f"no {CHROMIUM}: deploy/test-host.sh said {done.stderr.strip()[-300:]}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright Python package is not installed")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[App, BackgroundServer]]:
    """The test data served on a free loopback port, with an API token set."""
    app = make_app(tmp_path)
    server = start_background(app, "127.0.0.1", 0)
    yield app, server
    server.stop()
    app.close()


@pytest.fixture
def served_open(tmp_path: Path) -> Iterator[tuple[App, BackgroundServer]]:
    """The default set-up served: no API token, loopback, so the buttons need no sign-in."""
    app = make_app(tmp_path, token=None)
    server = start_background(app, "127.0.0.1", 0)
    yield app, server
    server.stop()
    app.close()


@pytest.fixture
def page(chromium: Any) -> Iterator[Any]:
    """A fresh browser page (own cookies); dialogs are recorded and dismissed."""
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    p = context.new_page()
    p.dialogs = []

    def on_dialog(dialog: Any) -> None:
        p.dialogs.append(dialog.message)
        dialog.dismiss()

    p.on("dialog", on_dialog)
    yield p
    context.close()
