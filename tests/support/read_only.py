"""A folder made read-only for real, for the tests of what Teleavis says and does where it cannot write."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    """``folder`` that this user cannot write to: its mode, or as root (who ignores modes) bind-mounted
    read-only over itself, unmounted after; skipped where root cannot mount."""
    if os.geteuid() != 0:
        with _unwritable_mode(folder):
            yield
        return
    if not shutil.which("mount"):
        pytest.skip("no mount(8) to make a read-only folder as root")
    if subprocess.run(["mount", "--bind", str(folder), str(folder)], capture_output=True).returncode != 0:
        pytest.skip("cannot mount here")
    try:
        subprocess.run(["mount", "-o", "remount,ro,bind", str(folder)], check=True, capture_output=True)
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True, capture_output=True)


@contextlib.contextmanager
def names_kept(folder: Path) -> Iterator[None]:
    """``folder`` whose files this user may write but not remove (a share giving « modify » without « delete »,
    a sticky folder another account owns): its mode, or as root (who ignores modes) append-only (``chattr +a``),
    taken off after; skipped where the file system has no such flag."""
    if os.geteuid() != 0:
        with _unwritable_mode(folder):
            yield
        return
    if subprocess.run(["chattr", "+a", str(folder)], capture_output=True).returncode != 0:
        pytest.skip("no append-only folder here (chattr)")
    try:
        yield
    finally:
        subprocess.run(["chattr", "-a", str(folder)], check=True, capture_output=True)


@contextlib.contextmanager
def _unwritable_mode(folder: Path) -> Iterator[None]:
    folder.chmod(0o555)
    try:
        yield
    finally:
        folder.chmod(0o700)
