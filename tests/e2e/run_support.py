"""`ipmon run` as a user starts it: a real process in a working folder, relative paths."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# the console script pip installed beside the interpreter, as the README runs it
IPMON = str(Path(sys.executable).parent / "ipmon")
FEED_HEADER = "record,metric,geography,period,value,unit,published\n"


def feed_row(period: str, value: str, metric: str = "ip_pledge_financing_amount") -> str:
    """One statistic row of a CSV feed."""
    return f"statistic,{metric},CN,{period},{value},CNY,2021-05-01\n"


class Running:
    """An `ipmon` subprocess whose combined output is collected as it runs."""

    def __init__(self, cwd: Path, *args: str) -> None:
        env = {**os.environ, "COLUMNS": "200"}
        env = {k: v for k, v in env.items() if not k.startswith("IPMON_")}
        self.proc = subprocess.Popen(
            [IPMON, *args],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def output(self) -> str:
        """Everything the process printed so far."""
        return "".join(self.lines)

    def wait_for(self, text: str, timeout: float = 60) -> bool:
        """Whether `text` appears in the output before the timeout (or the process ends)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in self.output:
                return True
            if self.proc.poll() is not None:
                self._reader.join(5)
                return text in self.output
            time.sleep(0.1)
        return False

    def exit_code(self, timeout: float = 60) -> int:
        """The process's exit code, waiting for it to end."""
        code = self.proc.wait(timeout)
        self._reader.join(5)
        return code

    def stop(self, sig: int = signal.SIGINT) -> None:
        """Signal the process and wait for it to end (SIGKILL if it lingers)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(20)
        self._reader.join(5)


def run_job(cwd: Path, *extra: str) -> Running:
    """`ipmon run --inbox inbox --data data --no-serve` in `cwd`, watching until stopped."""
    return Running(cwd, "run", "--inbox", "inbox", "--data", "data", "--no-serve", *extra)
