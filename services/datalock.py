"""The data folder's lock: one process at a time writes its embedded projections."""

from __future__ import annotations

import fcntl
import os
import time
from dataclasses import dataclass
from pathlib import Path


class DataFolderBusy(RuntimeError):
    """Another live process projects into the same data folder."""

    def __init__(self, folder: Path, pid: int | None) -> None:
        self.folder, self.pid = folder, pid
        who = f"process {pid}" if pid else "another process"
        super().__init__(
            f"data folder {folder} is in use by ipmon {who}; stop it or use another --data"
        )


@dataclass
class DataLock:
    """An exclusive OS lock on a data folder, released on close or when the process dies."""

    path: Path
    fd: int

    def release(self) -> None:
        """Give the lock up."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def _holder_pid(fd: int) -> int | None:
    # the holder writes its pid just after locking; give it a moment to do so
    for _ in range(20):
        text = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
        if text.isdigit():
            return int(text)
        time.sleep(0.05)
    return None


def lock_data_folder(folder: Path) -> DataLock:
    """Hold `folder/.lock` (containing this pid); raise DataFolderBusy if another holds it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ".lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        pid = _holder_pid(fd)
        os.close(fd)
        raise DataFolderBusy(folder, pid) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
    return DataLock(path, fd)
