"""One window per data folder (ui/single_instance.py), with real processes: a nurse double-clicks the icon
again because nothing seemed to happen, or an hour later with the window in the tray. Two windows on one
folder each autosaved their own copy of the case over the other's, each ran its sync engine and its lock."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.cli import ROOT, SITE, run_process, write_json
from tests.support.keyring import file_keyring_env

ENV: dict[str, str] = {}


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "QT_QPA_PLATFORM": "offscreen", **ENV}


def _first_window(how: str, *more: str) -> subprocess.Popen[str]:
    first = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.single_window_child", how, *more],
        env=_env(),
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert first.stdout is not None
    line = first.stdout.readline()
    if line.strip() != "READY":
        first.kill()
        pytest.fail(f"the first window did not start: {line}{first.communicate()[1][-2000:]}")
    return first


def _second_start(*argv: str) -> tuple[subprocess.CompletedProcess[str] | None, float]:
    """``teleavis`` again, as the icon starts it; None when it was still running after 30 s (a second window)."""
    began = time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "app.main", *argv],
            env=_env(),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=30,
        )
    except subprocess.TimeoutExpired:
        return None, time.monotonic() - began
    return done, time.monotonic() - began


@pytest.fixture(params=["keyring", "passphrase"])
def set_up(request: pytest.FixtureRequest, teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The key in the OS keyring (the window opens unlocked), or under the passphrase given by the
    environment (the window starts locked: nobody typed it)."""
    if request.param == "keyring":
        monkeypatch.delenv("TELEAVIS_PASSPHRASE")
        monkeypatch.setattr(sys.modules[__name__], "ENV", file_keyring_env(tmp_path))
    done = run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE)), env=ENV)
    assert done.code == 0
    return str(request.param)


@pytest.mark.parametrize("how", ["hidden", "minimised"])
def test_a_second_start_brings_the_open_window_back_and_ends(set_up: str, how: str) -> None:
    first = _first_window(how)
    try:
        second, took = _second_start()
        assert second is not None, "a second window opened on the same data folder"
        assert second.returncode == 0, second.stderr[-2000:]
        assert took < 15
        out, err = first.communicate(timeout=30)
    finally:
        first.kill()
    assert first.returncode == 0, err[-2000:]
    shown = json.loads(out.strip().splitlines()[-1])
    # Back as it was left (a maximised window minimised comes back maximised), on its lock screen when it
    # was locked: a second start shows no patient the lock hides.
    assert shown == {"back": True, "locked": set_up == "passphrase", "maximised": how == "minimised"}


def test_the_window_opens_again_once_the_first_one_died(set_up: str) -> None:
    """A window killed (a crash, a power cut of the session) leaves its lock: the next start takes it over."""
    import tempfile

    from app.paths import data_dir
    from ui.single_instance import server_name

    first = _first_window("hidden")
    first.kill()
    first.communicate(timeout=30)
    name = server_name(data_dir())
    assert name is not None
    left = Path(name) if os.path.isabs(name) else Path(tempfile.gettempdir()) / name
    assert left.exists(), "the dead window's socket"
    again = _first_window("hidden")  # READY: it opened
    again.kill()
    again.communicate(timeout=30)
    # Each window listens under a new name: the socket a dead one left is taken away, not left to pile up.
    assert not left.exists()


def test_started_again_while_the_window_closes_it_opens_once_the_first_one_ended(set_up: str) -> None:
    """Quit, then the icon again at once: the first window is still closing (saving what was typed, freeing
    the camera), no longer listening. The start waits for it and opens, instead of saying it is open."""
    from PySide6.QtCore import QLockFile

    from app.paths import data_dir
    from ui.single_instance import lock_path

    closing = QLockFile(str(lock_path(data_dir())))  # held as by a window whose event loop has ended
    assert closing.tryLock(0)
    second = subprocess.Popen(
        [sys.executable, "-m", "app.main"],
        env={**_env(), "TELEAVIS_READY_MARKER": "1"},  # prints TELEAVIS_READY once its window shows, and quits
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        time.sleep(1.5)
        closing.unlock()  # the first window's process ends
        out, err = second.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        second.kill()
        out, err = second.communicate()
        pytest.fail(f"the start did not open its window once the first one had ended:\n{out}\n{err[-2000:]}")
    assert second.returncode == 0, err[-2000:]
    assert "TELEAVIS_READY" in out


def test_teleavis_training_started_beside_a_real_window_says_it_is_not_in_training(set_up: str) -> None:
    """The training shortcut clicked while the real window sits in the tray: it comes to the front, and says
    that it is not in training mode (a trainee's fictitious patient would go to a real expert)."""
    url = run_process("config", "set", "platform.url", "https://plateforme.example.org/fhir", env=ENV)
    assert url.code == 0, url.err
    first = _first_window("hidden", "told")
    try:
        second, _took = _second_start("--training")
        assert second is not None and second.returncode == 0
        out, err = first.communicate(timeout=30)
    finally:
        first.kill()
    assert first.returncode == 0, err[-2000:]
    shown = json.loads(out.strip().splitlines()[-1])
    assert shown["back"] and len(shown["told"]) == 1 and "hors mode formation" in shown["told"][0]


def test_the_same_data_folder_by_another_path_is_the_same_window(tmp_path: Path) -> None:
    """Found in review: ``TELEAVIS_HOME`` given through a link to the data folder (a shortcut made by the
    IT department, a mounted share reached by two paths) claimed another lock, and a second window opened
    on the same cases: two autosaves over each other, and the decrypted reports of the first window emptied
    by the start of the second. The folder is known by its real path."""
    from ui.single_instance import WindowClaim, new_server_name, server_name

    data = tmp_path / "data" / "teleavis"
    data.mkdir(parents=True)
    link = tmp_path / "raccourci"
    link.symlink_to(data, target_is_directory=True)
    first = WindowClaim(data)
    assert first.take()
    try:
        assert not WindowClaim(data).take(), "the same path: already claimed"
        assert not WindowClaim(link).take(), "the same folder through a link: already claimed"
        assert not WindowClaim(tmp_path / "autre" / ".." / "raccourci").take()
        name = new_server_name(first.root)  # as the window writes it once it shows
        assert server_name(link) == server_name(data) == name
    finally:
        first.release()
    again = WindowClaim(link)
    assert again.take(), "released: the next start takes it, by whichever path"
    again.release()
