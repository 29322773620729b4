"""A writer killed with SIGKILL mid-append leaves whole batches and a log that reopens."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from events.log.sqlite import SqliteEventLog

BATCH = 50

WRITER = textwrap.dedent(
    f"""
    import sys
    sys.path.insert(0, {str(Path(__file__).resolve().parents[1])!r})
    from factories import statistic
    from events.log.sqlite import SqliteEventLog
    log = SqliteEventLog(sys.argv[1])
    i = 0
    while True:
        log.append([statistic(period=f"{{2000 + (i + k) % 150}}-Q1", value=str(i + k + 1))
                    for k in range({BATCH})])
        i += {BATCH}
    """
)


def test_sigkill_mid_append_leaves_no_partial_batch(tmp_path: Path) -> None:
    path = tmp_path / "events.sqlite"
    SqliteEventLog(path).close()
    for round_ in range(3):
        proc = subprocess.Popen([sys.executable, "-c", WRITER, str(path)])
        deadline = time.monotonic() + 60
        check = SqliteEventLog(path)
        target = (round_ + 1) * 40 * BATCH
        while check.count() < target and time.monotonic() < deadline:
            assert proc.poll() is None, "writer died on its own"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
        check.close()
        assert proc.returncode == -signal.SIGKILL

        reopened = SqliteEventLog(path)
        records = reopened.read(limit=10_000_000)
        assert len(records) >= target
        # every append was one batch of BATCH events, so whole batches only
        assert len(records) % BATCH == 0
        assert [r.position.offset for r in records] == list(range(1, len(records) + 1))
        assert len({r.event_id for r in records}) == len(records)
        for r in records[-BATCH:]:
            r.event()  # the last batch decodes: no torn bytes
        reopened.close()
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # and the log takes new appends after the crashes
    log = SqliteEventLog(path)
    before = log.count()
    from factories import statistic

    assert log.append([statistic(period="1999", value="1")]).new == 1
    assert log.count() == before + 1
    log.close()
