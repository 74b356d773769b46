"""A file held open for reading, to see what its blocks hold once its name is gone (unlinked, renamed over)."""

from __future__ import annotations

import os
from pathlib import Path


class HeldOpen:
    """What a file's blocks hold, read through a descriptor opened while it had its name: not through a
    second name (a hard link), which the writing over leaves alone, as it must (a ``cp -al`` copy)."""

    def __init__(self, path: Path) -> None:
        self.name = path.name
        self._fd = os.open(path, os.O_RDONLY)

    def stat(self) -> os.stat_result:
        return os.fstat(self._fd)

    def read_bytes(self) -> bytes:
        return os.pread(self._fd, os.fstat(self._fd).st_size, 0)

    def __del__(self) -> None:
        os.close(self._fd)
