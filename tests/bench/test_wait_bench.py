"""Where a person waits in the window (issue 18.1): each figure against the irreducible work measured
in the same run, rounds interleaved, best of each side (noise on a shared machine only ever adds time).

- Opening a case with 8 images from the worklist: at most 2x reading and decrypting its record and
  decoding its 8 thumbnails. "Open" is until the editor shows the case, every tile holds its
  thumbnail and the page is painted so (the camera's preview starts once the thumbnails are shown, its
  threads started by a worker).
- Switching the case's specialty, opening Aide > Diagnostic: the window's thread never stalls more
  than two preview frames.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QTimer
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from app.model import Case, Consent, Patient
from app.store import Store
from tests.support.cases import DERMATOLOGY_FORM, back_photo
from tests.support.images import jpeg_bytes, skin_photo
from tests.support.ui import REQUESTER

pytestmark = pytest.mark.bench
ROUNDS = 7
#: Hand-offs of Python's lock a round, and rounds a side, for the window's pace beside a worker decoding
#: thumbnails (some 7 ms a round on a loaded host).
HAND_OFFS = 100
HAND_OFF_ROUNDS = 40
#: Single calls timed a side for the thumbnail's fitting (a few hundred microseconds each).
FIT_CALLS = 300


def _case_with_images(store: Store, photos: list[bytes], count: int, family: str) -> str:
    from capture.pipeline import prepare_image_bytes

    case = Case(
        question="Lésion ?",
        summary="Depuis 6 mois.",
        form=dict(DERMATOLOGY_FORM),
        patient=Patient(family=family, given=["Paul"], birth_date="1950-02-03", sex="male"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    prepared = [
        prepare_image_bytes(photo, filename=f"{n}.jpg", specialty="dermatology") for n, photo in enumerate(photos)
    ]
    store.create_case(case, [back_photo(prepared[n % len(prepared)], n) for n in range(count)])
    return case.id


def _irreducible_open(store: Store, case_id: str) -> float:
    """Read and decrypt the case's record, read, decrypt and decode its thumbnails."""
    started = time.perf_counter()
    case = store.get_case(case_id)
    for image in case.images:
        assert image.thumb_blob
        decoded = QImage.fromData(store.objects.get(image.thumb_blob))
        assert not decoded.isNull()
    return time.perf_counter() - started


def _tiles_shown(window: Any, count: int) -> bool:
    tiles = window.case_page.capture.ensure().tiles()
    return len(tiles) == count and all(not tile.picture.pixmap().isNull() for tile in tiles)


def _window_open(window: Any, case_id: str, count: int) -> float:
    """Until the page is painted with its tiles' thumbnails: the turn of the loop that sets the last
    thumbnail leaves the paint it asks for (and, when the thumbnails came first, the page's own first
    paint) posted for the next turn, which this figure includes."""
    started = time.perf_counter()
    window.open_case(case_id)
    while not _tiles_shown(window, count):
        QApplication.processEvents()
        time.sleep(0.0005)
    QApplication.processEvents()  # the paint asked for as the last thumbnail was set
    return time.perf_counter() - started


@pytest.mark.xfail(
    reason="issue 18.1's bound not reached yet. History: 257-290 ms, then 86-114, 35-103, 20-28 ms (ratio 4.6-5.7 "
    "in December 2026's fresh-clone runs), 22-24 ms against 6 on 2026-12-04, 15 ms best in 20 rounds on "
    "2026-12-05 (ratio 2.6-2.8; the window thread's CPU 12.4-12.8 -> 9.3-10.7 ms). Later on 2026-12-05: this "
    "bench's 7 rounds ran while the demo camera's scene (drawn once per process when the preview first starts) "
    "was drawn, which held Python's lock through them: 27-47 ms best, medians 35-70; the warm-up now waits for "
    "the first frame, 17-18 ms best (ratio 2.9-3.1) on the code of then. Off the window's path since: the audit "
    "line of the case opened (written once its thumbnails are shown), the checklist's 16 queries for copies in "
    "other cases (one), the cameras' listing on a worker (once the thumbnails are shown). Same host, before -> "
    "after, 80 rounds interleaved: best 13.4-15.2 -> 12.2-13.5 ms, tenth percentile 16.2-16.5 -> 13.3-15.6, "
    "median 20.6 -> 16.9-19.0 against 5.3-5.6; this bench 13-20 ms best (ratio 1.88-3.64, 1.88 and 2.02 in "
    "2 runs of 7). Left: the worker decoding the thumbnails ends last; it starts 0.9 ms into the open and ends "
    "at 11-13 ms for 5.6 ms of work: while the window's thread runs the open's Python (4.5 ms) it gets "
    "Python's lock back only when that thread blocks, about five times a thumbnail (read, decrypt, decode, "
    "resize, QImage). No measurable change: the editor's event filter removed, a switch interval of 0.5 or "
    "0.2 ms. Since: each thumbnail fitted to its tile (320 to 176 pixels) by OpenCV's averaging by a fraction "
    "took 400 us, twice its decode; interpolated to twice the tile's size and averaged two by two, 150 us: "
    "the worker's work 5.6 -> about 3 ms, and it mostly ends before the window's thread (150 rounds interleaved "
    "on a host at load 2-4, twice: best 14.3 -> 14.7 and 12.5 -> 13.0 ms, tenth percentile 18.5 -> 16.5 and "
    "16.1 -> 14.2, median 28 -> 26 and 20.1 -> 17.4, against 5.5-5.6; this bench then 15-32 ms best, ratio "
    "2.3-5.2 in 12 runs). What the user waits for is now the window's "
    "thread: the open (3-5 ms alone, 8-10 with the worker) and the case page's first paint, done in the same "
    "turn of the loop as the thumbnails are set (4-14 ms on that host), which the window's figure includes. "
    "No measurable change, interleaved: the settings read once per open, the worker reading with 3 system "
    "calls a file instead of about 6, the window's thread reading and decrypting the 8, or decoding them "
    "all itself (same best), the camera's start put off to the next turn (its paint did not come first). "
    "The first paint, looked at on 2026-12-05 (each event of the page timed): one paint of the window "
    "per open, 94 widgets each painted once, none hidden nor twice (the tiles twice only when their "
    "thumbnails come after it), about 4 ms; the open's Python 5-6 ms best (its largest parts: the "
    "capture panel's case 1.2-2.2, the checklist's 0.9-2.8, the editor's 0.4-0.8, the record 0.3-0.8), "
    "the thumbnails in hand at 9.4-10 ms best (their worker gets Python's lock back mostly during the "
    "paint); no part worth putting off that the first paint does not show. Python's switch interval at "
    "50 or 200 us while the case opens, 80 rounds interleaved: best 15.9 -> 15.2 and 15.8 -> 16.1 ms, "
    "median 21.3 -> 19.6 and 27.7 -> 27.0 (noise on that host). This bench then, 10 runs: window 11-19 ms "
    "best against 6-8, ratio 1.68-3.01 (2 of 10 under 2). Later on 2026-12-05, on a host at load 5-8, "
    "each phase's CPU of the window's thread timed (60-80 rounds): 10-11 ms best an open, of which the open "
    "5.7-6 (the page's Python 3.8: the capture panel's case 0.6-1.0, the checklist 0.6, the editor 0.2, the "
    "record 0.3; the switch to the page 1.8-2.0, the show events and layout of its 200 visible widgets), the "
    "first paint 2.9-3.1, the thumbnails set 0.2-0.3; the rest of the wall time is waits for Python's lock. "
    "Since: the camera's choice, the views' choice and the expected views' list rewritten in place instead "
    "of cleared and filled again (0.2 ms of CPU less). No measurable change, 80 rounds interleaved: that, "
    "and what the thumbnails' arrival starts (the camera, the cameras' listing, the audit line: three "
    "hand-offs to other threads) put off until a tile is painted (not kept); no style sheet set again per "
    "open costs anything (an unchanged empty one: 1-2 us). This bench then 15-21 ms best against 6, ratio "
    "2.07-3.41, before and after alike. Later on 2026-12-05, a host at load 8-10: the camera's start and "
    "the cameras' listing put off to the next turn of the loop (they came before the page's first paint when "
    "the thumbnails were back first), 600 opens interleaved: its tiles painted at a median of 29-32 -> "
    "24-26 ms, the time this bench measures at a median of 31-34 -> 26-29 ms, best alike (11-15 ms); this "
    "bench, 5 runs each interleaved at load 2-4, ratio 2.09-2.68 (median 2.29) -> 2.00-2.76 (2.37): no change "
    "in its best of 7. No change "
    "measurable, 200 opens interleaved: the editor's event filter asking each event's kind only of key and "
    "focus events (100 events an open). Since 2026-12-05 this bench runs with the window's style as the "
    "application sets it (tests/bench/conftest.py): its style sheet, set on the whole application, sent every "
    "widget through Qt's style sheet engine, and the benches never set it; this bench then, 6 runs interleaved "
    "without -> with it, ratio 2.11-3.00 (median 2.61) -> 2.23-3.56 (2.84). Its rules then given to the few "
    "widgets they style instead (the same pixels, tests/ui/test_style.py), 240 opens interleaved in 6 "
    "processes at load 3-5: best 11.2 -> 10.4 ms, tenth percentile 13.0 -> 12.3, median 16.9 -> 15.3 against "
    "5.3-5.9, each process's best of its first 7 a ratio of 2.23-2.71 (median 2.57) -> 2.07-2.93 (2.34); this "
    "bench then, 8 runs at load 2.4: ratio 2.28-2.72 (median 2.57). The camera's start put off to the next turn "
    "was taken back the same day: no change in this bench, and two benchmarks' tests of it failed now and "
    "then on a loaded machine. On 2026-12-06 (load 1.3-9), the window thread's CPU per open, 40 opens a "
    "process, best: 11.0-12.8 ms, of which the page's Python 3.6-4.4 (the capture panel's case 1.3, the checklist "
    "1.1, the editor's case 0.6, the record 0.5), the switch to the page 1.8-2.5, the events until the tiles "
    "show (layout, first paint, thumbnails) 4.9-6.0. The editor whole, hidden for the measure: 8.5-8.9 ms "
    "(3-4 ms less, mostly the painting of its 49 widgets in view); its 57 widgets below the view hidden: "
    "11.5-12.0 (nothing measurable), so building them when first scrolled to was not done; the editor is "
    "already made once and refilled, its fill done while the page is hidden (nothing to block updates of), "
    "and no style sheet set per open in it. Its 37 row wrappers, alone in a page: 0.2-0.35 ms. The focus "
    "cleared before the switch (no search for the next focus through the page's 761 widgets), or 0.4 s "
    "left between the list and the open (the last case's camera stopping): no change. The wall time stays "
    "4-8 ms above the window thread's CPU (the thumbnails' worker, the host's load). "
    "Then the live preview's reduction of each full-HD frame and its RGB "
    "conversion were moved from the window's thread (3 ms a frame, at the display rate, all day; one open in "
    "four also handled a frame) to the camera's grab thread, made at the preview's size so that its paint "
    "scales nothing (its smooth scaling at each paint: 1.7 ms). The window's thread while the demo camera "
    "previews (time.thread_time over 5-10 s): 55-63 -> 18-22 ms a second in this window, 94-96 -> 21-26 in a "
    "capture panel of 1200 x 800. Opens, 40 rounds in each of 3 processes a side, interleaved, at load 2.6-3.4: "
    "best 15.8-18.5 -> 14.8-17.7 ms, median 22.6-31.2 -> 18.6-23.9, the window thread's CPU an open 11.8-13.2 "
    "-> 11.6-12.8 ms best; at load 9-12: best 23.6-26.1 -> 24.0-33.6 ms, median 51-63 -> 50-72 (noise). This "
    "bench, 5 runs interleaved at load 2-3: ratio 2.99-3.85 (median 3.29) -> 1.98-3.16 (2.96); at load 6-8: "
    "3.34-4.33 (3.97) -> 3.44-8.13 (4.46). Later on 2026-12-06 (load 6-10, other sessions' runs): the scroll "
    "bar under the tiles, left to Qt (as needed), was shown or hidden a turn of the loop after the tiles changed, "
    "so each case of 8 opened after one of 1 (these rounds) was laid out twice, the strip's bar then taking its "
    "height and every tile resized again (238 -> 224 pixels): the strip now decides it as the tiles are written, "
    "resize events an open 48 -> 16, move events 36 -> 16. The window thread's CPU an open, best of 50-60, 7 "
    "processes a side interleaved: 12.6-15.2 (median 14.1) -> 11.5-15.9 (12.4) ms, within that load's noise; "
    "this bench then 3.2-4.8 before (load 1-3), 2.9-5.0 after (load 6-9). Left: the selected image's "
    "findings and the capture column are still laid out a second time (their height known once the column is "
    "laid out at its width; an updateGeometry and a synchronous layout request on the column did not avoid "
    "it). On 2026-12-06, instructions of the window's thread per open (callgrind, counted only while the 8 open, "
    "5 opens a run, the same whatever the host's load): 62.8-67.4 M (4 runs; +-2.5 M between runs). Each part "
    "hidden for the measure, an upper bound of what rebuilding it could save: the tile strip 68.9 M (nothing: "
    "in this bench's 796 x 760 window the strip lies below the fold, its tiles shown and laid out but never "
    "painted, so one painted strip instead of 8 tiles would not move this figure; in a window of 1366 x 740, "
    "where 4 tiles are painted, 73.5 M an open, 59.8 without the strip: there it would); the editor 44.6 (-20, mostly "
    "painting its widgets in view, then their show); the capture panel's column beside the camera 54.4 (-11), of "
    "which the selected image's findings 59.8; the checklist 61.7; the expected views 65.4, the group boxes flat "
    "(Fusion's frame) 67.8, the findings as plain text 66.9, the editor's wrapped labels emptied 68.7: nothing. "
    "Opening it from the case before without the list in between (no hide and show of the page): 69.4, "
    "nothing: the switch costs no more than writing and painting the page in view. Of the 65 M: painting the "
    "window once about half (text layout and glyphs, Fusion's scroll bars 5 M, labels 9 M, line edits 4 M), "
    "text layout 18 %, Python 17 %. What is left is the sum of some 100 widgets painted and 200 laid out, none "
    "of them dominant; fewer of them in view is a change of the page's design, not of its code. "
    "Later on 2026-12-06 the read view that change would be was measured before building it (callgrind as above, "
    "5 opens a run, the editor's sections hidden in a probe and words put in their place): this bench's window "
    "(796 x 760) 63.9 M an open, of which its paint 30.5 (labels 8.2, group boxes 5.1 for some 27 painted, scroll "
    "bars 4.8 for 7 painted at 0.7 M each, line edits 3.3, list views 2.2, buttons 2.1) and the page's show 11.6; "
    "each of the editor's five sections one wrapped label and a button 58.3 (-9 %), the whole editor one label of "
    "five lines (rich text) and one button 55.7 (-13 %), the editor's fields hidden and nothing in their place "
    "48.5 (-24 %, the most any read view of it can save here). At 1280 x 720 (the window a nurse has): 69.2, 58.5 "
    "(-16 %) and 50.9 (-26 %). A read view of the editor alone would thus bring this bench's ratio (2.6-2.9) to "
    "about 2.3-2.5 in its window, under 2 only in the larger one: not built (it also changes how the nurse edits "
    "a case: a button or the checklist to reach a field). What else this window paints at open: the capture "
    "column squeezed to some 140 pixels beside the editor, its camera cut, with two scroll bars of its own. This "
    "bench the same afternoon, 4 runs at load 2-5 (other sessions' runs): ratio 3.44-5.81, 23-41 ms best. "
    "Late on 2026-12-06, where the wall time beyond the window thread's CPU goes, on the opens of the 8 (each "
    "thread's CPU and run-queue delay from /proc's schedstat around each open, 40-150 opens a process; the "
    "machine's scheduler switches and wake-ups, perf sched; which thread holds Python's lock, py-spy --gil at "
    "500 Hz over 150 rounds): at load 0.1-0.7 the fastest opens took 18.0-18.7 ms for 15.3-16.1 ms of the window "
    "thread's CPU, never waiting for a core, some 40 waits adding 2.7 ms, 0.6 of them this bench's own sleep "
    "after the turn that painted the tiles. Python's lock held by other threads, an open: the thumbnails' worker "
    "about 1.5 ms, the writer about 0.8 (the audit line of the case opened just before, asked as this bench goes "
    "back to the list: a new SQLite connection, the HMAC chain, the head file), the cameras about 0.4 (the last "
    "case's camera, stopped as the list showed, still reading a frame and handing it on 11-22 ms into the next "
    "open; the new one's threads started during the paint); the sync thread, the timers, the sandbox's threads: "
    "nothing measurable; Python's GC one generation-0 collection in 40-150 opens, none of generation 2 "
    "(gc.freeze has nothing to save). The window's thread woken after its waits by a pool thread 1.5-5.6 ms an "
    "open, by a camera's grab thread 0.2-3.6. The wall split, the 8 fastest opens of a process: at load 0.1-0.7, "
    "18.7 ms = 15.8 of CPU + 0.1 waiting for a core + 2.7 of waits; at load 3-6 (other sessions' runs, 8 "
    "processes) 19.9-31.7 = 15.9-17.6 of CPU + 1.5-14.4 for a core + 0.1-2.3 of waits, and 7.5-44 ms for a core "
    "on average over all opens: beyond the CPU, the wall is mostly the host's other work; Python's lock, 2 ms "
    "at most. Since: a camera stopped while its driver reads drops that frame instead of making its preview and "
    "handing it on for nobody (tests/capture/test_capture_camera.py); no change measurable, 4 processes a side "
    "interleaved at load 3-6: best 17.6-25.7 -> 18.6-27.7 ms, median 24.6-47.7 -> 32.7-51.5. Beware: this "
    "bench's figure ends once every tile holds its thumbnail; set within open_case (the thumbnails decoded on the "
    "window's thread, tried again in a probe, 3 processes a side at load 3-4) its loop never turns and the "
    "page's first paint is left out: 13.8-14.6 ms best (ratio 2.4-2.6) against 17.1-20.3 with the worker, but "
    "20.4-23.3 against 19.5-21.5 once one more turn of the loop has painted the page: no gain for the user, not "
    "kept. This bench then, 6 runs at load 3.7-4.5: ratio 3.11-4.46 (median 3.46), 20-38 ms best against 6-11; "
    "3 runs a side interleaved with the code before at load 3.8-4.5: 2.16-4.16 -> 2.90-3.63 (noise). "
    "On 2026-12-07 this bench was found to stop before what the user sees: it ended once every tile held its "
    "thumbnail, while the paint that asks for (and, when the thumbnails came back first, the page's first paint) "
    "was still posted for the next turn of the loop; a paint filter counted such a paint left out in 12 of 30 "
    "rounds at load 1-4, 22-46 of 80 at load 6-10 (offscreen), 28 of 40 under Xvfb. It now turns the loop once "
    "more (after which only the live preview's frames paint): in the same process, best +1 to +4 ms offscreen "
    "(796 x 760), +5.7 under Xvfb (1280 x 720, 3 tiles painted). The window thread profiled then (load 6-10, "
    "other sessions' runs; cProfile, a paint filter, each hand-off to a worker timed): its CPU an open 18.5-20.6 ms "
    "best offscreen, 22.5 under Xvfb, of which the open's Python 10-13 (store.get_case, which the irreducible "
    "side also does, then the checklist, the tiles, the editor's fields, none above 1 ms alone; the page's switch "
    "in the stacked widget), then the paint (widgets in view each 0.05-0.6 ms: scroll areas' viewports, group "
    "boxes, 20-30 labels, 3 Fusion scroll bars, 11-14 line edits, the findings' rich text). The four hand-offs "
    "to workers an open (thumbnails, camera, cameras' listing, audit line) cost a median 0.05-0.28 ms each, now "
    "and then 13 ms (Python's lock, the host's load). The audit line of the case opened, skipped every other "
    "round in the same process (80 rounds, twice): best 28.6 and 29.1 ms written against 31.3 and 35.2 skipped, "
    "medians alike: nothing to win there; a connection kept by the writer for it (its new one is 0.42 ms of the "
    "line's 1.1-1.6 ms of CPU) was not made: it would keep the data key past the window's lock. Fields written "
    "with their signals blocked and only when changed, marks polished only when changed, lists rewritten in "
    "place: already so. This bench (honest) then, load 7.7-10: ratio 3.29-16.1, one false pass at 1.42 whose "
    "irreducible best of 7 was itself slowed to 27 ms. Since, the same day: the irreducible side is the best of 3 "
    "a round (another false pass at 1.80, its best 34 ms, load 9.5), and the window is 1280 x 720, the nurse's, "
    "as Xvfb's 1280 x 720 screen gives it: at 796 x 760 its tiles lay below the fold, never painted; in view, 3 of "
    "them are painted each open (the window thread's CPU 20.5 -> 22.7 ms best, load 9). This bench then, load 8-13, "
    "interleaved with the code of the morning (4 runs a side): ratio 1.94-7.64 (the 1.94 with its baseline at 35 "
    "ms) -> 1.80-4.24 (the 1.80 likewise); with all three changes, load 8.3-8.4: 4.54-5.38. No light-load run was "
    "possible (other sessions' runs all along). "
    "Reviewed the same day with a paint filter and screen grabs at the bench's end and 300 ms later (the preview "
    "left out): the 3 tiles in view painted with their thumbnails by the end in every round (93 offscreen, 20 "
    "under Xvfb, load 7.6-10); the page painted once more one turn later in 10-60 % of rounds (+2 to +42 ms), "
    "the capture column laid out a second time (Qt's scroll area deciding its bar a turn later) whose only pixels "
    "changed are that bar's handle: not counted, it is the second layout left above. "
    "On 2026-12-07 (open41, load 10-20 all along: other sessions' builds and runs) this bench, 3 runs: ratio "
    "4.58, 5.45, 8.72 (window 56-187 ms best against 12-30). Per open (30 opens, a paint filter): 1.7-2.1 paint "
    "passes, 145-163 widgets painted, the first pass 124 (labels 30, line edits 11-13, buttons 11-15, choice boxes "
    "5-6, group boxes 3-4, scroll bars 3-4, tiles 3); a second pass of 35 (the capture column and its ancestors) a "
    "turn or more later, when the column's scroll area resizes its content (298 x 372 -> 298 x 344) on a layout "
    "request posted during the first paint. All the application's posted layout requests sent before the paint "
    "(1 or 4 times): no fewer paints, not kept. The column's layout activated and its scroll area's request "
    "sent after the switch (CapturePanel.lay_out_column_now), 40 opens a side interleaved at load 20-22: widgets "
    "painted within this figure 161 -> 144 an open (the second pass 35 -> 19: the findings' chain with a preview "
    "frame, left), the window thread's CPU best 39.7 -> 39.1 ms, median 58.5 -> 55.4 (noise at that load). The "
    "window thread's CPU an open 43-65 ms best at that load (18-22 at load 1), of which open_case 20-27. This "
    "bench after it, load 15-17: ratio 10.04, 5.54 (window 82 and 45 ms best against 8). "
    "Late on 2026-12-07 (perf44, load 3.7-5.8: other sessions' runs) the window thread profiled again at 1280 x 720 "
    "(20-60 opens a process; its CPU by thread_time around each phase, events counted by an application filter, "
    "perf on that thread alone): its CPU an open 25-40 ms best, of which open_case 12-18 (the page's Python 10.8: "
    "get_case 1.7, the capture panel's case 3.0, revalidate 2.2, the editor's case 1.1; the switch to the page, "
    "201 show events, 3.6), the rest the loop until the tiles are painted (144 widgets painted in 1.7-2 passes, 35 "
    "layout requests, the thumbnails set, the camera started). No widget is built an open (no polish, no child "
    "added): they are reused already. On that thread the interpreter 31 % of samples, shiboken and PySide's "
    "bindings about 10 (the override look-ups of each virtual call on a widget made from Python), QtGui 27 (text "
    "layout, glyphs, the raster), QtWidgets 10, sqlite 2; no symbol above 7 %. The small costs seen in cProfile "
    "are not the window's CPU: i18n.language()'s 38 reads of os.environ 0.35 ms an open, files_gone_said's 16 "
    "stats 0.09 ms of CPU (their 2.4 ms in cProfile, like QThreadPool.start's 0.7 ms a call, are Python's lock "
    "handed to the thumbnails' worker, whose work is counted anyway): not changed. This bench then, 5 runs: ratio "
    "4.37-9.86 (window 45-84 ms best against 8-14). "
    "Not strict: it passes now and then",
    strict=False,
)
def test_opening_a_case_with_8_images_takes_at_most_twice_reading_it_and_decoding_its_thumbnails(
    qtbot: Any, teleavis_home: Path
) -> None:
    from sync.training import stop_sandboxes
    from ui import tasks
    from ui.main_window import MainWindow

    tasks.set_runner(None)  # the real thread pool and writer, as the window runs them
    photos = [jpeg_bytes(skin_photo(4000, 3000, seed=seed), quality=90) for seed in range(2)]
    store = Store.open(teleavis_home)
    store.settings.set("site.requester", asdict(REQUESTER))
    store.settings.set("sandbox.answer_after_s", 3600.0)
    eight = _case_with_images(store, photos, 8, "MARTIN")
    other = _case_with_images(store, photos[:1], 1, "BERNARD")
    window = MainWindow(store)
    qtbot.addWidget(window)
    # The window a nurse has (a 1280 x 720 screen; Xvfb's of that size gives it this size too): its tiles are
    # in view and painted. Left to the offscreen screen's 796 x 760, they lay below the fold, never painted.
    window.resize(1280, 720)
    window.show()
    window.start()
    qtbot.waitUntil(lambda: window.sync.ready, timeout=30_000)  # the app fully started, as a user finds it
    reader = store.clone()
    try:
        _window_open(window, eight, 8)  # warm-up: the panel's first build, imports, caches
        # ... and the demo camera's scene, drawn once per process by the camera's thread when its preview
        # first starts: drawn during the rounds, it held Python's lock through the first half-second of them.
        preview = window.case_page.capture.ensure().preview
        qtbot.waitUntil(lambda: preview.frames_shown >= 1, timeout=30_000)
        _irreducible_open(reader, eight)
        rounds: dict[str, list[float]] = {"window": [], "irreducible": []}
        for _ in range(ROUNDS):
            _window_open(window, other, 1)  # another case in between: each open is a real one
            window.show_worklist()  # and back to the list, where a user opens a case from
            QApplication.processEvents()
            rounds["window"].append(_window_open(window, eight, 8))
            # Its best of 3 a round: on a loaded host the baseline's best of 7 was itself slowed (27-35 ms
            # against 6-8), and the ratio then passed for a window as slow as ever (1.42, 1.80).
            rounds["irreducible"].append(min(_irreducible_open(reader, eight) for _ in range(3)))
    finally:
        reader.close()
        window.close()
        store.close()
        stop_sandboxes()
    best = {side: min(times) for side, times in rounds.items()}
    ratio = best["window"] / best["irreducible"]
    print(
        f"\nopen a case of 8 images, best of {ROUNDS}: window {best['window'] * 1000:.0f} ms (median "
        f"{statistics.median(rounds['window']) * 1000:.0f}), reading it + decoding 8 thumbnails (best of 3 a round) "
        f"{best['irreducible'] * 1000:.0f} ms (median {statistics.median(rounds['irreducible']) * 1000:.0f}), "
        f"ratio {ratio:.2f} (limit 2)"
    )
    assert ratio <= 2.0


@pytest.mark.parametrize(
    "what",
    [
        pytest.param(
            "specialty",
            marks=pytest.mark.xfail(
                reason="issue 18.1's bound for a change of specialty: 16-55 ms in 9 runs of 10 on a busy 2-core "
                "host (limit 67 ms; 71-255 ms before), 75 ms in the tenth while other processes loaded it (the "
                "diagnostic's stall reached 47 ms in that run). Not strict until it holds with margin there",
                strict=False,
            ),
        ),
        "diagnostic",
        "anonymise",
    ],
)
def test_switching_specialty_or_opening_a_dialog_never_stalls_the_preview_two_frames(
    qtbot: Any, teleavis_home: Path, what: str
) -> None:
    """The longest stall of the window's thread (a 5 ms probe timer's lateness) while the preview runs
    and the user changes the case's specialty back and forth, opens Aide > Diagnostic until all its
    checks are in, or « Anonymiser… » on a stored 12 MP photo until its dialog shows (it was read and
    decoded on the window's thread: 150-350 ms)."""
    from capture.demo import DemoCamera
    from sync.training import stop_sandboxes
    from tests.bench.test_ui_bench import StallProbe
    from ui import tasks
    from ui.anonymise_dialog import AnonymiseDialog
    from ui.diagnostic_dialog import DiagnosticDialog
    from ui.main_window import MainWindow

    tasks.set_runner(None)
    photos = [jpeg_bytes(skin_photo(1600, 1200, seed=seed), quality=90) for seed in range(2)]
    if what == "anonymise":
        photos.append(jpeg_bytes(skin_photo(4000, 3000, seed=2), quality=90))
    store = Store.open(teleavis_home)
    store.settings.set("site.requester", asdict(REQUESTER))
    store.settings.set("sandbox.answer_after_s", 3600.0)
    case_id = _case_with_images(store, photos, len(photos), "MARTIN")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.start()
    window.open_case(case_id)
    panel: Any = window.case_page.capture.ensure()
    qtbot.waitUntil(lambda: panel.preview.frames_shown >= 5, timeout=30_000)
    qtbot.waitUntil(lambda: window.sync.ready, timeout=30_000)
    frame_ms = 1000.0 / DemoCamera().fps
    combo = window.case_page.editor.specialty
    probe = StallProbe()
    try:
        probe.start()
        qtbot.wait(200)
        if what == "specialty":
            for index in (1, 0, 1, 0):
                combo.setCurrentIndex(index)
                combo.activated.emit(index)
                qtbot.wait(300)
        elif what == "diagnostic":
            dialog = DiagnosticDialog(window)
            dialog.show()
            qtbot.waitUntil(lambda: dialog.done_checks is not None, timeout=60_000)
            dialog.close()
            qtbot.wait(200)
        else:
            shown: list[AnonymiseDialog] = []

            def close_once_shown() -> None:
                for widget in QApplication.topLevelWidgets():
                    if isinstance(widget, AnonymiseDialog) and widget.isVisible():
                        shown.append(widget)
                        widget.reject()

            closer = QTimer()
            closer.timeout.connect(close_once_shown)
            closer.start(100)
            panel.anonymise_image(panel.tiles()[-1].image.id)  # the 12 MP photo
            qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
            closer.stop()
            qtbot.wait(200)
        probe.stop()
    finally:
        window.close()
        store.close()
        stop_sandboxes()
    print(
        f"\nlongest main-thread stall, preview running, {what}: {probe.longest:.0f} ms "
        f"(limit: two preview frames = {2 * frame_ms:.0f} ms)"
    )
    assert probe.longest < 2 * frame_ms


def test_opening_a_case_like_the_one_before_lists_the_cameras_the_views_and_the_expected_views_in_place(
    qtbot: Any, teleavis_home: Path
) -> None:
    """Opening a case of the same specialty as the one before (the rounds above): the camera's choice, the
    views' choice and the expected views' list keep their lines, rewritten where they differ. Each was
    cleared and filled again at each case opened (about 0.2 ms of the window's thread, and each list
    laid out again after the page's first paint)."""
    from sync.training import stop_sandboxes
    from ui import tasks
    from ui.main_window import MainWindow

    tasks.set_runner(None)
    photos = [jpeg_bytes(skin_photo(1600, 1200, seed=seed), quality=90) for seed in range(2)]
    store = Store.open(teleavis_home)
    store.settings.set("site.requester", asdict(REQUESTER))
    store.settings.set("sandbox.answer_after_s", 3600.0)
    eight = _case_with_images(store, photos, 8, "MARTIN")
    other = _case_with_images(store, photos[:1], 1, "BERNARD")
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    try:
        _window_open(window, eight, 8)
        panel: Any = window.case_page.capture.ensure()
        # The cameras are first listed a turn after the thumbnails show, on a worker: a loaded machine
        # (a whole run of the benchmarks) listed them once the lists below were watched.
        qtbot.waitUntil(lambda: not panel._list_after_thumbnails and not panel.live._listing, timeout=10_000)
        models = {
            "expected views": panel.checklist.model(),
            "cameras": panel.live.choice.model(),
            "views": panel.labels.view.model(),
        }
        marks_before = panel.checklist.marks()
        refilled: list[str] = []
        for name, model in models.items():
            for signal in (model.modelReset, model.rowsRemoved, model.rowsInserted):
                signal.connect(lambda *_, name=name: refilled.append(name))
        for case_id, count in ((other, 1), (eight, 8)):
            window.show_worklist()
            _window_open(window, case_id, count)
        assert panel.checklist.marks() == marks_before  # the same lines, ticked as the case's images say
    finally:
        window.close()
        store.close()
        stop_sandboxes()
    assert not refilled, f"filled again: {sorted(set(refilled))}"


def test_a_worker_decoding_thumbnails_leaves_the_window_thread_its_pace(qapp: Any) -> None:
    """Opening a case, a worker decodes its thumbnails while the window's thread writes its page. The same
    work of the window's thread (Python, and as many hand-offs of Python's lock as when it paints and reads
    the store) with a worker decoding thumbnails without pause, against with the worker idle: at most 1.5x.
    Qt's decoder kept the lock for each whole decode: about 10x, half of the wait to open a case of 8
    images (20-30 ms of 30); OpenCV's frees it (1.0).

    Best of HAND_OFF_ROUNDS a side: each hand-off (time.sleep(0)) also lets the host's other processes
    run, and each time the worker holding the lock is put off a core the window's thread waits with it:
    on a loaded host (load 7-14) 300 hand-offs a round, best of 7, gave a ratio of 0.40-2.88 from run to
    run, best of 30 still 1.05-1.53; 100 a round (a third of an open's, the same cost each), best of 40,
    1.02-1.03. Qt's decoder makes each hand-off wait for a whole decode whatever their number."""
    import threading

    import numpy as np

    from capture.pipeline import thumbnail
    from ui.image_tile import decode_thumbnail

    thumbnails = [thumbnail(np.asarray(skin_photo(seed=seed))) for seed in range(8)]

    def window_work() -> float:
        started = time.perf_counter()
        for _ in range(HAND_OFFS):
            sum(range(300))
            time.sleep(0)  # hands the lock over, as the window's thread does at each wait
        return time.perf_counter() - started

    def measured(busy: bool) -> float:
        stop = threading.Event()

        def decode() -> None:
            while not stop.is_set():
                for data in thumbnails:
                    decode_thumbnail(data)

        worker = threading.Thread(target=decode)
        if busy:
            worker.start()
            time.sleep(0.01)
        try:
            return window_work()
        finally:
            stop.set()
            if busy:
                worker.join()

    decode_thumbnail(thumbnails[0])  # loaded before the measure
    rounds: dict[str, list[float]] = {"idle": [], "decoding": []}
    for _ in range(HAND_OFF_ROUNDS):
        rounds["idle"].append(measured(False))
        rounds["decoding"].append(measured(True))
    best = {side: min(times) for side, times in rounds.items()}
    ratio = best["decoding"] / best["idle"]
    print(
        f"\nthe window's thread, a worker decoding thumbnails: {best['decoding'] * 1000:.1f} ms against "
        f"{best['idle'] * 1000:.1f} ms with it idle, best of {HAND_OFF_ROUNDS}, ratio {ratio:.2f} (limit 1.5)"
    )
    assert ratio <= 1.5


def test_fitting_a_thumbnail_to_its_tile_takes_at_most_a_third_more_than_decoding_it() -> None:
    """A stored thumbnail (320 pixels long) fitted to its tile (176): OpenCV's averaging by any factor
    but a whole one took twice its decode (400 µs a thumbnail, 3 ms of a case of 8 while the user waits
    for them); interpolated to twice the tile's size, then averaged two by two, 0.8 times it.

    Each side is the best of FIT_CALLS single calls, interleaved: a measure of a fraction of a millisecond
    mostly runs untouched on a loaded host. Timed 20 calls at a time, best of 7, both sides were slowed
    there (at load 9-14 the decode 290-650 µs against 230 alone) and their difference with them: the
    fitting 1.5-3.5 times the decode in 7 runs of 7, 0.7 taken call by call in the same minutes."""
    import numpy as np

    from capture import decode
    from capture.cv import cv2
    from capture.pipeline import thumbnail
    from ui.image_tile import THUMB_SIZE

    data = thumbnail(np.asarray(skin_photo(4000, 3000, seed=1)))
    box = (THUMB_SIZE.width(), THUMB_SIZE.height())
    pixels = decode.fitted(data, box)  # loaded before the measure
    assert pixels is not None and pixels.shape[:2] == (132, 176)

    def measured(work: Any) -> float:
        started = time.perf_counter()
        work()
        return time.perf_counter() - started

    def decoding() -> object:
        return cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)

    rounds: dict[str, list[float]] = {"decode": [], "decode and fit": []}
    for _ in range(FIT_CALLS):
        rounds["decode"].append(measured(decoding))
        rounds["decode and fit"].append(measured(lambda: decode.fitted(data, box)))
    best = {side: min(times) for side, times in rounds.items()}
    fitting = best["decode and fit"] - best["decode"]
    print(
        f"\na thumbnail decoded {best['decode'] * 1e6:.0f} µs, fitted to its tile {fitting * 1e6:.0f} µs "
        f"more, best of {FIT_CALLS} calls (limit: 1.3 times the decode's)"
    )
    assert fitting <= 1.3 * best["decode"]
