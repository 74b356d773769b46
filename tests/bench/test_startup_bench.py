"""Cold start: from process launch to the window ready, against a bare PySide6 window with one label.

Both are started the same way (a fresh ``python`` process, offscreen Qt), interleaved, several
times; the best of each is compared (noise only adds time). "Ready" is the line ``TELEAVIS_READY``
on stdout, printed after the window is shown and the event loop has turned once, then the process
quits.

The window prints it itself when ``TELEAVIS_READY_MARKER=1``. Until ui/ does, a small driver
stands in: it runs ``app.main.main([])`` with ``QApplication.exec`` wrapped to print the marker
on its first turn, and the bare window is run through the same driver so both pay the same.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.cli import ROOT, SITE, run_process, write_json
from tests.support.keyring import file_keyring_env

pytestmark = pytest.mark.bench
MARKER = "TELEAVIS_READY"
RUNS = 31  # the best of short runs on a shared machine needs enough samples
# A guard against a slower start, not issue 18.2's bound (1.3, not reached). Measured as the main thread's CPU
# time to the marker, best of 25-30 interleaved starts. 2026-12-05, fourth pass: 1.3 is out of reach (the floor
# below). The bare window 96-102 ms, Teleavis 147-153 ms (1.48-1.53) at load 2-3; then the host ran others' tests
# (load 6-10) and the best of 25-31 pairs of one tree moved by up to 9 ms from run to run, so parts were weighed by the
# instructions valgrind counts (callgrind, to the process's exit, within 1 % between identical runs): the bare
# window 634 M, Teleavis 1,119-1,131 M. Of the ~490 M it adds: PySide6 making a Python enum (enum's functional API,
# slow on Python 3.11) of each enumeration of each Qt class first named, 152 M against the bare window's 74 M
# (~78 M, ~8 ms: most of the Qt types' cost below); the application's style sheet ~29 M (~3 ms); the menus'
# actions 8-19 M; the window's icon 3-14 M (an SVG: Qt loads its SVG icon engine, a plugin and libQt6Svg, which
# the tray's icon loads anyway on a desktop with a tray). Kept: the worklist's page and its parts made in their
# parents (a widget put in its parent afterwards went through the style sheet again with all its children;
# tests/ui/test_start_build.py): 1,130.4-1,131.3 -> 1,121.4-1,122.1 M (~1 ms), the window grabbed offscreen the same
# pixel for pixel (first frame, a narrower window, another filter, a menu), the focus chain the same. Timed once the
# load fell to 4-6, three runs of 31 pairs: the bare window 98.5-99.9 ms, Teleavis 145.5-147.3 ms before (medians
# 153.4-155.6), 142.1-147.3 after (152.1-156.1): 1.46-1.48 -> 1.43-1.47, ~1 ms within the noise. This test that
# hour: 1.46 (medians' ratio 1.48). Tried: the style sheet set once the window is built, just before it shows, saved
# as much, but the filter buttons drew 2 px wider, so it was not kept.
# 2026-12-05, third pass (load 3-4): the bare window
# 102 ms, Teleavis 155-156 ms before it, 151-153 ms after (1.52 -> 1.48-1.50; medians 158.5-159 -> 156-157.5), this
# test's ratio 1.51-1.52 before, 1.47-1.53 after (wall time, noisier): PySide6's import hook looks for its name
# in each module's bytes (ui.quicken_pyside_imports, ~10 -> ~3 ms in isolation), getpass and termios no longer
# imported (~0.6 ms). 2026-12-05, second pass (host load 3-6, others' tests
# running), the bare window 101-103 ms and Teleavis 170-174 ms before it (1.66-1.72), 153-154 ms after (1.50-1.51;
# medians 178-180 -> 160-163 ms): Qt's namespace no longer built before the window shows (~15 ms), the case's
# record no longer defined (~4 ms), the language loaded once. This test's ratio the same hour 1.71-1.72 before,
# 1.52-1.53 after (two runs each). Until that pass this test measured the window starting locked (``init`` took
# the suite's passphrase from this process's environment): 1.73 before, 1.66-1.70 after, the lock screen naming
# ``Qt``. First pass that day (load 2-3): 177 -> 171 ms (1.75 -> 1.68). Earlier: 1.63-1.65 alone on 2026-12-03,
# 1.79 -> 1.71 on 2026-12-04 (load 3-6). What Teleavis adds, ~52 ms (~49 since the third pass), measured part by part:
# - no longer: the Qt namespace's enumerations, ~14.5 ms, built whole the first time Python names ``Qt`` or is
#   handed one of its values (a Python headerData gets a Qt.Orientation; QColor(QColor) and QAction.setShortcut
#   check overloads taking them). The worklist's header shows its titles from a model of its own, labels cut
#   their words by Qt's rule (ui.elided_label.elided), and the start sets Qt's enumerations by their names
#   (ui.widgets.set_qt); tests/ui/test_start_imports.py fails if ``Qt`` is built again before the window shows.
#   A window that starts locked still builds it (its lock screen names it).
# - the other Qt types the window's classes need, ~9 ms (QEvent 1.4, QIcon 1.2, QFont 0.9, QAbstractItemView 0.8,
#   QKeySequence 0.6, QPainter 0.6, ...).
# - the core's 10 dataclasses left at start, ~4.5 ms (app.audit's three 1.3, Setting, OutboxRow, Attempt,
#   KeyStore, NewImage, CaseSummary, Patient); the case's record (app/case_record.py, ten, ~4 ms) is defined
#   once a case is read.
# - PySide6 looking for its name in each module an import statement names once PySide6 is loaded (its
#   __feature__ hook: shibokensupport/feature.py, _mod_uses_pyside): ~90 names (the standard library's, ours,
#   those imported inside functions on the start's way). Through inspect.getsource ~10 ms; reading the file's
#   bytes instead (ui.quicken_pyside_imports, same answers, tests/ui/test_start_imports.py) ~3 ms.
# - sqlite3, datetime and ctypes, ~6 ms. ctypes (~2 ms) is the process's hardening (app/hardening.py: not
#   dumpable), which must come before the first read of the data: the worklist's rows (their initials) are read
#   before the window shows. The language as stored, read before the store opens so that what opening it says
#   is in that language, costs a second read-only connection (~1 ms).
# - the application's style sheet, 3-5 ms: any application-wide sheet puts every widget through Qt's style sheet
#   style (its 1.7 kB are not the cost).
# - building the window ~20 ms (the worklist ~10, the menus' actions 1.6, the status bar 1.1; the first text
#   measured pays Qt's font database, 5.7 ms, which the bare window pays too, at its show), showing it ~3 ms.
# A home of a few hundred cases (this bench's has none) adds the worklist's first page: ~5 ms to show it.
# 1.3 would be some 133 ms, ~18 ms below today's. Measured in the third pass, what is left: our modules' own code
# ~29 ms of import (ui.main_window 5.1 and ui.application 3.0 with the Qt types they name, ui.worklist 2.5,
# app.model 2.3 with its four StrEnums, ui.elided_label 2.1, app.audit 1.9 with three dataclasses), of which
# the Qt types the bare window does not build ~12.6 ms (QPainter 1.7 for the labels' paintEvent, QEvent 1.5,
# QIcon 1.3 for the window's icon, QFont 0.9, QAbstractItemView 0.9, QKeySequence 0.7: each used before the
# window shows); the core before Qt ~16 ms net of what PySide6 imports anyway. Building the window ~18 ms. The
# floor, fourth pass: without the application's style sheet (~3 ms; no palette draws the checked filter's rounded
# background, the sheet's border-radius), the core's records as plain classes (the ten dataclasses the start
# defines, 0.29-0.63 ms each, ~3.7 ms; their equality, hashing and frozenness then written by hand in six
# modules) and the menus' actions built after the first frame (~1-2 ms), the start would still be ~1.40-1.44 (a
# copy with neither style sheet nor menus' actions, timed beside this one: 1.44-1.45 against 1.48-1.49): the
# rest is the store the worklist reads (sqlite3, json, datetime and the core's modules before Qt, ~16 ms), the Qt
# types of the widgets on screen (~12.6 ms, mostly PySide6's enums) and building them (~10 ms besides Qt's font
# database, which the bare window pays too).
# Earlier code measured 1.65-1.81 alone and 1.78-2.05 in whole-suite runs (the best of 21 starts; a host busy
# elsewhere slows the larger start more), so 2.0 failed unchanged code one run in four. 2.2 still fails what the
# guard is for: numpy and OpenCV loaded before the window (+~90 ms, 2.6), the key fetched before it shows
# (2.5-3.1). What may not load before the window is checked exactly, without timing, by
# tests/ui/test_start_imports.py.
# 2026-12-05, fifth pass, the start unchanged: at load 1.5 this test 1.51 (bare 100 ms, Teleavis 152; the pairs'
# median 1.48); an hour later at load 10-15 (others' tests) 2.08, 1.81, 1.45 best to best (bare 120-138 ms, Teleavis
# 200-271), the pairs' median 1.54 each time, CPU 1.53-1.64: under such load best to best is the noisiest figure
# and came near this guard. Weighed by instructions to the marker (callgrind, the process ending at the marker):
# bare window 609 M, Teleavis 850 M (1.40). Of the 241 M: the core's modules before Qt 71 M net of what PySide6
# imports anyway (sqlite3, json, datetime, dataclasses, ctypes ~2 ms each alone, all used before the window shows);
# importing our ui modules 89 M (ui.widgets 26, ui.application 17, ui.elided_label 16, ui.worklist 13,
# ui.main_window 8, ui.lock 5: mostly the Qt types each names first, built with their enums); the application, the
# language, the store's open, building and showing the window 132 M against the bare window's 52 M (QApplication,
# its label, show, Qt's font database). By library, libpython +172 M, Qt's libraries +18 M, fontconfig and freetype
# the same: the gap is Python running. Before the window shows nothing is loaded that it does not use (no requests,
# cryptography, PIL, numpy, cv2, fhir.resources, reportlab, pydicom, keyring; QtNetwork and the signal socket once
# it shows); no change found this pass was worth its cost.
# 2026-12-06, sixth pass, by instructions to the marker (callgrind, the process ending at it; pyc used): bare 611 M,
# Teleavis 846 -> 822 M (1.38 -> 1.34). Kept: seven dataclasses the start defined and never used before the window
# shows (a patient, the audit's head, witness and check, an image to store, an outbox row, a lock's try), ~3.3 M
# each (a dataclass compiles the code it generates: ~70 % of it parsing and compiling), now defined apart and
# imported where used; tests/ui/test_start_imports.py says which three the start defines. Weighed, not kept: the
# menus' actions ~5.6 M (QKeySequence's StandardKey is built by the worklist's shortcut anyway), the status bar's
# figures ~4 M and the window's icon ~2.8 M (both on the first frame), the tray ~1.6 M (QSystemTrayIcon's type is
# built to ask whether there is a tray). What is left is mostly PySide6's enums (~80 k instructions a member:
# QEvent's Type, 179, ~14 M, built by any Python event handler; QIcon's ThemeIcon, 151, ~11 M, for the icon) and
# Python's startup of the venv (its editable install's .pth imports pathlib, re, urllib.parse), which both pay.
# 2026-12-06, seventh pass, by instructions to the marker (the same way, 2-3 runs each): bare 611.1-611.5 M,
# Teleavis 818.9-819.5 -> 801.9-803.0 M (1.34 -> 1.31). Kept: the window's icon and the tray's set once the window
# has drawn its first frame (MainWindow.paintEvent; a window shown before it sets the icon first), with the
# parent of a button and of the menus' actions given by name (by position, their overload taking an icon was
# checked first and built QIcon): ~15 M; the shortcuts given by their setters, not as properties (a value not a
# string built QByteArray's type): ~2.6 M. Wall time at load 5.5-7, two runs each: 1.59, 1.53 before, 1.59, 1.38
# after (pairs' medians 1.47-1.56 and 1.45-1.52): within this host's noise. Weighed and left: QKeySequence's
# StandardKey (~6 M), which the shortcuts need from the first key pressed; QFont (~8 M) and QPainter (~4 M),
# which the labels need to draw the first frame (moving them after the marker would only hide them: the marker
# comes before the first paint, Qt's update request being posted at low priority, in the bare window too); the
# scroll bars' type (~2.5 M), asked by the table's width cache during show (asking the viewport instead built
# some fifty widget types: +49 M); shutil with bz2 and lzma (~2.7 ms), which tempfile imports for the start's
# purge of private files. Also seen: the "once it shows" work posted with singleShot(0) (the second start's
# socket with QtNetwork, the end-of-session watch) runs before the first paint, for the same reason; and
# QLockFile's claim of the data folder calls fdatasync (0.5-16 ms by the host's disk load), which the
# instructions do not count.
# 2026-12-06, eighth pass, the same way (PYTHONHASHSEED 0-2, which makes a run repeat to the instruction; a run in
# five or so counts ~10 M more): bare 610.1 M, Teleavis 802.0-803.3 -> 800.0-800.4 M (1.315 -> 1.312): app.main
# takes the signal numbers from _signal, not signal's three enums. Weighed part by part (a dump at each import and
# step): the Qt types the window's modules name first ~45 M (QEvent 12.9, the elided labels' QFont, QPainter,
# QPalette, QTextLayout 13.6, the worklist's 12.5), the core's modules before Qt ~70 M (app.model 11.7 with its
# StrEnums and CaseSummary, datetime 6.3, app.settings 4.9, app.store 4.4, dataclasses and copy 5.7, json 5,
# sqlite3 4.4), the application 6.7 (the bare one's 2), the menus' actions 5.7, the status bar 7.2, showing 12
# (the bare window's show, 40, pays Qt's font database, which Teleavis pays making the search box, 39). Timed at
# load 8-10, two runs: 1.50, 1.55 (pairs' medians 1.41, 1.45).
# 2026-12-06, ninth pass, the same way (PYTHONHASHSEED=0, pyc used, the process ending at the marker, app.main run by
# runpy as -m does, 2 runs each, within 0.02 %): bare 610.3-610.4 M, Teleavis 798.9-799.0 -> 794.3-794.4 M (1.309 ->
# 1.3015; 1.3 would be 793.5 M, ~1 M away). Kept: the sync engine's service (ui.sync_service, QThread's type, its four
# signals) built when the sync starts 300 ms after the window shows, or when first asked (MainWindow.sync), -3.4 M;
# the status bar's « ● n dossier(s) à lire », hidden while nothing waits to be read (a button with a style sheet of its
# own), made when a case waits (MainWindow.news_button), -1.2 M. The window grabbed at the marker the same pixel for
# pixel (796 and 784 px wide); under Xvfb the sync ran on its own. tests/ui/test_start_build.py and
# test_start_imports.py say neither is made before the window shows. Weighed, not kept: the worklist's search box placed
# only once the page has its width (-0.3 M); the elided label's one line without QTextLayout when it fits, its type
# imported where used (-0.1 M, within noise). Weighed by dumps at each step (callgrind --dump-before=getppid): importing
# ui.main_window 65 M (the Qt names of QtCore 14.7, with QEvent; ui.status_bar with ui.elided_label 15, ui.worklist
# 12.7, ui.lock with ui.tasks and ui.widgets 6.5), the worklist 55.5 (its search box pays Qt's font database, 39),
# the menus' actions 6, the status bar 3.4, its first figures 1.6, showing 14.6: of it the two wrapped labels on the
# first frame (the training banner, the empty list's notice) 6.6 M laying out their words (QLabel's size hints, three
# layouts each, and 14 heights for widths) and a font loaded 3.7 M (fontconfig, FreeType: the banner's bold, it
# seems); the Python run during the show is small (~1,200 calls, cProfile).
# 2026-12-06, tenth pass, the same way (2 runs each, bare and before measured beside): bare 610.0 M (609.96-610.04),
# Teleavis 794.0-794.2 -> 792.2-792.3 M (1.302 -> 1.2987): 1.3 (793.0 M) is reached by instructions, ~0.7 M under
# it. Kept: app.outbox no longer loaded before the window (-1.4 M): the worklist asked it at every load which cases
# the platform holds back, even with no case waiting to leave; that query is now Store.held_by_platform, run only
# when a row shown is queued or sending (-0.2 M of the 1.6); the training banner's words made once as the window is
# built, not by apply_settings and again by refresh_status just after (-0.35 M). The window grabbed at the marker
# the same pixel for pixel (796 and 784 px wide), the Xvfb screenshot the same. tests/ui/test_start_imports.py
# says app.outbox is not loaded before the window, tests/ui/test_start_build.py that the banner's count is asked
# once. Seen, left: the settings read ~20 times before the window (training and platform.url six times each, one
# cached statement); the SQL compiled at start ~1.2 M besides the schema's read (1.7 M).
# Timed once at load 5 (this test): 1.20 best to best, the pairs' median 1.37, CPU 1.46: this host's noise.
# 2026-12-07, eleventh pass, by instructions to the marker (callgrind, the process ending at it, PYTHONHASHSEED=0, pyc
# used; main measured beside): bare 608.6-608.8 M, Teleavis 795.7-796.7 -> 782.3-782.4 M (1.307-1.309 -> 1.285).
# Kept: the start defines no dataclass (dataclasses with copy ~3 M, each definition ~3.3 M, the ~60 frozen
# Settings made field by field): the settings' declarations and the worklist's rows are named tuples, the key store a
# plain class; tests/ui/test_start_imports.py says dataclasses is not loaded before the window. This test that hour
# at load 15-17 (others' suites and a fresh-clone run), main and this interleaved: main 1.69 and 3.10 best to best
# (bare 1796 and 334 ms), pairs' medians 1.40 and 1.41, CPU 1.62 and 2.01; this 1.51 (bare 1032 ms), pairs' median
# 1.39, CPU 1.53: noise far above the ~2 % the instructions show; no light-load run was possible.
# 2026-12-07, twelfth pass (load 2-6, others' suites): app.search_words, app.folding and unicodedata no longer loaded
# before the window (the store imports them where it searches or writes a patient): 1,013.0 -> 1,011.7 M to the
# process's exit (callgrind, PYTHONHASHSEED=0). This test beside main, interleaved: main 1.91 and 1.52, this 1.37 and
# 1.47 (pairs' medians 1.58, 1.38 / 1.37, 1.45): the host's noise. Seen, not counted by instructions: the claim's
# QLockFile flushes its file (fdatasync) before anything is read, 1-7 ms wall at this load (138 ms once while others
# wrote), which the bare window never pays. Tried and not kept: taking it on a thread while the QApplication is made
# (the thread needs Python's lock to reach tryLock, which the QApplication's C++ making holds; waiting for the thread
# to get there cost 2.7-18.7 ms at load 4-5, more than the flush).
LIMIT = 2.2

BARE = """
import sys
from PySide6.QtWidgets import QApplication, QLabel

app = QApplication(sys.argv[:1])
label = QLabel("Teleavis")
label.show()
sys.exit(app.exec())
"""

# Wraps QApplication.exec so the first turn of the event loop prints the marker and quits.
DRIVER = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

_exec = QApplication.exec

def _ready_exec(*args):
    def ready():
        print("TELEAVIS_READY", flush=True)
        QApplication.quit()
    QTimer.singleShot(0, ready)
    return _exec()

QApplication.exec = _ready_exec
target = sys.argv[1]
if target == "app":
    from app.main import main
    sys.exit(main([]))
exec(compile(open(target).read(), target, "exec"))
"""


def ui_prints_the_marker() -> bool:
    return "TELEAVIS_READY_MARKER" in (ROOT / "ui" / "application.py").read_text("utf-8")


def _children_cpu_s() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def time_to_ready(command: list[str], env: dict[str, str], cwd: Path, cpu: list[float] | None = None) -> float:
    # From a quiet disk (not timed): a start writes a little (the database's WAL and shared memory, its
    # log), and writes wait while the kernel flushes what earlier tests wrote (the backup benchmark,
    # hundreds of MB just before). The bare window writes nothing: without this, the ratio measured
    # the previous test's disk traffic (1.9-2.05 in whole-suite runs, 1.7-1.8 alone).
    os.sync()
    cpu_before = _children_cpu_s()
    started = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    for line in proc.stdout:
        if line.strip() == MARKER:
            elapsed = time.perf_counter() - started
            break
    else:
        proc.wait(timeout=60)
        err = proc.stderr.read() if proc.stderr else ""
        raise AssertionError(f"no {MARKER} from {command}: exit {proc.returncode}\n{err}")
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    if cpu is not None:  # the whole process's CPU time (to its exit): what a busy host cannot inflate much
        cpu.append(_children_cpu_s() - cpu_before)
    return elapsed


def test_cold_start_stays_within_its_guard_against_a_bare_pyside6_window(
    teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = dict(
        os.environ,
        **file_keyring_env(tmp_path),
        QT_QPA_PLATFORM="offscreen",
        TELEAVIS_READY_MARKER="1",
        # Compiled once, like an installed program (the test run itself writes no bytecode).
        PYTHONPYCACHEPREFIX=str(tmp_path / "pycache"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    # The key in the keyring only, as on most desks: the window opens on the worklist. (With a passphrase
    # too, the suite's default, it opens on its lock screen: tests/ui/test_start_imports.py covers both.)
    # Out of this process's environment too: ``init`` (run_process) starts from it, and a passphrase there
    # wrapped the key with it as well, so that until 2026-12-05 this bench measured the locked start.
    monkeypatch.delenv("TELEAVIS_PASSPHRASE")
    env.pop("TELEAVIS_PASSPHRASE", None)
    site = write_json(tmp_path / "site.json", SITE)
    # So that the main window, not the first-start wizard, opens; the key goes to the keyring.
    assert run_process("init", "--site", str(site), env=env).code == 0
    key_file = json.loads((teleavis_home / "key.json").read_text())
    assert key_file["keyring"] and not key_file.get("passphrase"), "the key went to the keyring only"
    bare = tmp_path / "bare_window.py"
    bare.write_text(BARE)
    if ui_prints_the_marker():
        mode = "python -m app.main (the window prints the marker)"
        (tmp_path / "bare_window_marker.py").write_text(
            BARE.replace(
                "sys.exit(app.exec())",
                "from PySide6.QtCore import QTimer\n"
                "QTimer.singleShot(0, lambda: (print('TELEAVIS_READY', flush=True), app.quit()))\n"
                "sys.exit(app.exec())",
            )
        )
        app_cmd = [sys.executable, "-m", "app.main"]
        bare_cmd = [sys.executable, str(tmp_path / "bare_window_marker.py")]
    else:
        mode = "driver wrapping QApplication.exec (ui/ does not print the marker yet)"
        app_cmd = [sys.executable, "-c", DRIVER, "app"]
        bare_cmd = [sys.executable, "-c", DRIVER, str(bare)]
    # One warm-up of each (disk cache, font cache), then interleaved so noise hurts both alike.
    time_to_ready(bare_cmd, env, tmp_path)
    time_to_ready(app_cmd, env, tmp_path)
    bare_times, app_times, bare_cpu, app_cpu = [], [], [], []
    for _ in range(RUNS):
        bare_times.append(time_to_ready(bare_cmd, env, tmp_path, bare_cpu))
        app_times.append(time_to_ready(app_cmd, env, tmp_path, app_cpu))
    # Noise only ever adds time: the best start of each is its intrinsic cost (medians printed too).
    bare_s, app_s = min(bare_times), min(app_times)
    pair_median = statistics.median(a / b for a, b in zip(app_times, bare_times, strict=True))
    print(
        f"\n[bench] cold start to window ready ({mode}): bare PySide6 window {bare_s * 1000:.0f} ms "
        f"(median {statistics.median(bare_times) * 1000:.0f}), Teleavis {app_s * 1000:.0f} ms (median "
        f"{statistics.median(app_times) * 1000:.0f}), best-to-best ratio {app_s / bare_s:.2f} (limit {LIMIT}, "
        f"issue 18.2 aims at 1.3); CPU time of the whole process, best: bare {min(bare_cpu) * 1000:.0f} ms, "
        f"Teleavis {min(app_cpu) * 1000:.0f} ms, ratio {min(app_cpu) / min(bare_cpu):.2f}; median of the "
        f"{RUNS} interleaved pairs' ratios {pair_median:.2f}"
    )
    assert app_s <= LIMIT * bare_s
