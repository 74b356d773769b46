"""Child of the kill-point tests (tests/app/test_kill_points.py): runs one step on the data folder named by
TELEAVIS_HOME and kills itself (SIGKILL: nothing cleaned up, as a power cut) at its Nth file operation or
SQL statement, counted from the step's start. Prints « done N » when the step ended before (N: how many).

    python -m tests.support.kill_points_child STEP CASE_ID N
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

import app.keystore

app.keystore.SCRYPT_N = 2**14  # as the parent made the key (tests/conftest.py): no re-wrapping written here

STEP, CASE_ID, KILL_AT = sys.argv[1], sys.argv[2], int(sys.argv[3])
_count = 0
_armed = False


def _tick() -> None:
    global _count
    if _armed:
        _count += 1
        if _count == KILL_AT:
            os.kill(os.getpid(), signal.SIGKILL)


def _counted(name: str) -> None:
    real = getattr(os, name)

    def counted(*args: Any, **kwargs: Any) -> Any:
        _tick()
        return real(*args, **kwargs)

    setattr(os, name, counted)


for _name in ("replace", "rename", "link", "unlink", "fsync", "write", "mkdir"):
    _counted(_name)

from app import db, reply_drafts, store  # noqa: E402 - after the counting is in place
from app.store import Store  # noqa: E402

_connect = db.connect


def _traced(*args: Any, **kwargs: Any) -> Any:
    conn = _connect(*args, **kwargs)
    conn.set_trace_callback(lambda _statement: _tick())
    return conn


store.connect = _traced  # (Store.open connects through the name app.store imported)

opened = Store.open()
_armed = True
if STEP == "reply":  # as the window sends a reply begun with its photos, then clears its box
    from sync.follow import queue_reply

    photos = [image for _name, image in reply_drafts.load_photos(opened, CASE_ID)]
    queue_reply(opened, CASE_ID, reply_drafts.load(opened, CASE_ID), photos)
    reply_drafts.save(opened, CASE_ID, "")
else:
    raise SystemExit(f"unknown step {STEP}")
_armed = False
print("done", _count, flush=True)
