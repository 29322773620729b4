"""Regenerate docs/dashboard.png: the dashboard over examples/inbox in headless Chromium.

Uses the same browser setup as the end-to-end tests: Debian's chromium (installed by
deploy/test-host.sh) driven by Playwright's Python client. Run from the repository root:

    python scripts/screenshot.py [--page /metrics/ip_pledge_financing_amount] [--out FILE]
"""

from __future__ import annotations

import argparse
import subprocess
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from services.api.server import start_background
from services.bootstrap import bootstrap
from services.ingest.service import inbox_files
from services.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
# without the background-networking flags Chromium keeps trying to reach Google's hosts,
# which a closed network refuses; Playwright's launch() gives each run a fresh profile
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def main() -> None:
    """Ingest the examples into a scratch folder, serve them and take the screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page", default="/", help="dashboard path to capture")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "dashboard.png")
    parser.add_argument("--inbox", type=Path, default=ROOT / "examples" / "inbox")
    args = parser.parse_args()
    subprocess.run(["bash", str(ROOT / "deploy" / "test-host.sh")], check=True)
    with tempfile.TemporaryDirectory(prefix="ipmon-shot-") as tmp:
        app = bootstrap(Settings(data_dir=Path(tmp) / "data", api_port=0), sinks=[])
        try:
            app.ingest.ingest_paths(inbox_files(args.inbox))
            app.runner.catch_up()
            server = start_background(app, "127.0.0.1", 0)
            try:
                with sync_playwright() as pw:
                    browser = pw.chromium.launch(
                        executable_path=CHROMIUM, args=CHROMIUM_ARGS
                    )
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    page.goto(server.url + args.page)
                    page.wait_for_load_state("networkidle")
                    args.out.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(args.out), full_page=True)
                    browser.close()
            finally:
                server.stop()
        finally:
            app.close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
