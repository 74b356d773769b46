"""What a Teleavis process does first, so that what it holds stays this user's.

- Every file it creates is readable by this user only (umask 077): the database and its journals,
  the logs, the locks, the training platform's files. The data folder is closed to others too
  (``Store.open``), but a folder copied elsewhere keeps its files' own permissions.
- Its memory is never written to a core dump: it holds decrypted cases, images and the data key,
  and a crash (a camera driver's, OpenCV's) would otherwise leave them in clear in ``core`` or
  ``/var/lib/systemd/coredump``. On Linux the process is also made not dumpable, which keeps other
  programs of the same user from reading its memory through ptrace.

Called by the program's entry points (``app.main.run``), not by ``main``, which tests call in their
own process.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys

_PR_SET_DUMPABLE = 4


def keep_private() -> None:
    os.umask(0o077)
    with contextlib.suppress(ImportError, ValueError, OSError):
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0)
