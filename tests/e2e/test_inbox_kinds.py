"""`ipmon run --once` on an inbox of mixed files, run as a user runs it: a fresh process,
relative paths. Every bad row is named, saved web pages are read, other kinds are named."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from run_support import run_job

IPMON = Path(sys.executable).with_name("ipmon")
HEADER = "record,metric,geography,period,value,unit,change,published\n"
ROW = "statistic,ip_pledge_financing_amount,CN,{period},{value},CNY,,2021-01-28\n"
PAGE = """<!doctype html>
<html><head><title>Pledge financing in 2022</title>
<meta name="date" content="2023-01-16"></head>
<body><nav>Home | News</nav><article><p>In 2022, patent and trademark pledge financing
in China reached 486.88 billion yuan, up 57.1% year on year.</p></article></body></html>
"""


def ipmon(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IPMON_")}
    return subprocess.run(
        [str(IPMON), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def report(cwd: Path) -> dict[str, object]:
    out = ipmon(cwd, "report", "--json")
    assert out.returncode == 0, out.stderr
    loaded: dict[str, object] = json.loads(out.stdout)
    return loaded


def test_every_bad_row_of_a_feed_is_named_and_none_of_its_rows_stored(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    rows = [ROW.format(period="2019", value="151500000000"), ROW.format(period="2020-Q9",
            value="1"), ROW.format(period="2020", value="lots")]
    (tmp_path / "inbox" / "feed.csv").write_text(HEADER + "".join(rows), encoding="utf-8")
    run = ipmon(tmp_path, "run", "--inbox", "inbox", "--once", "--no-serve")
    assert run.returncode == 1
    said = " ".join(run.stderr.split())
    assert "inbox/feed.csv:3:" in said and "inbox/feed.csv:4:" in said
    assert "'lots' is not a number" in said
    assert report(tmp_path)["yearly_totals"] == []  # the good row went with the file


def test_a_saved_web_page_is_read_with_its_title_and_date(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "cnipa-2022.html").write_text(PAGE, encoding="utf-8")
    run = ipmon(tmp_path, "run", "--inbox", "inbox", "--once", "--no-serve")
    assert run.returncode == 0, run.stderr
    r = report(tmp_path)
    docs = r["documents"]
    assert isinstance(docs, list) and [d["title"] for d in docs] == ["Pledge financing in 2022"]
    assert docs[0]["published_at"] == "2023-01-16"  # the date its markup declares
    totals = r["yearly_totals"]
    assert isinstance(totals, list)
    assert [(t["year"], t["official_value"]) for t in totals] == [(2022, "486880000000")]


def test_a_file_of_another_kind_is_named_not_silently_passed_over(tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "annual-report.pdf").write_bytes(b"%PDF-1.7\n")
    (inbox / "next.csv.part").write_text(HEADER, encoding="utf-8")
    run = ipmon(tmp_path, "run", "--inbox", "inbox", "--once", "--no-serve")
    assert run.returncode == 0, run.stderr
    said = " ".join(run.stderr.split())
    assert "skipped inbox/annual-report.pdf: not a kind of file ipmon reads" in said
    assert "next.csv.part" not in said  # still being written: read once renamed


def test_a_file_of_another_kind_dropped_while_watching_is_named_once(tmp_path: Path) -> None:
    (tmp_path / "inbox").mkdir()
    job = run_job(tmp_path)
    try:
        assert job.wait_for("watching"), job.output
        pdf = tmp_path / "inbox" / "later.pdf"
        pdf.write_bytes(b"%PDF-1.7\n")
        assert job.wait_for("later.pdf"), job.output
        pdf.write_bytes(b"%PDF-1.7\n%%EOF\n")  # changed again: not named again
        (tmp_path / "inbox" / "after.txt").write_text(
            "In 2021, patent and trademark pledge financing reached 309.8 billion yuan.\n"
        )
        assert job.wait_for("1 file(s):"), job.output  # the next file was read after it
        assert " ".join(job.output.split()).count("later.pdf") == 1
    finally:
        job.stop()
