"""Teleavis ui.

Qt's raster painting hands the rows of a tall fill (a scroll bar, a group box's frame, a background
under the style sheet) to a pool of threads and waits for them: on the two cores of the machines the
window runs on, shared with its own workers, the hand-offs cost more than the rows (a full repaint of
a case's page 2.6 ms without the pool, 3.6-10 ms with it, the more the busier the machine). The pool is
left off (Qt reads this once, at the first paint: the window's package is imported before it)."""

import os

os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
