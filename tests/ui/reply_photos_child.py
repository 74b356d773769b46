"""Child process of the reply photos' kill tests: opens the case's follow-up view, joins the photos given
to the reply, types a few words, gives each photo its body site (a retinograph its eye, then its field),
waits until all of it is kept, says so, and then waits to be killed."""

from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtTest import QTest

from tests.support.ui import type_text
from ui import application
from ui.choice_box import ChoiceBox
from ui.follow_view import DRAFT_DELAY_MS, FollowView
from ui.tasks import wait_writes

app = application.make_application([])
store = application.open_store()
case_id, *paths = sys.argv[1:]
view = FollowView(store)
view.set_case(store.get_case(case_id))
view.show()
QTest.qWaitForWindowExposed(view)
view.add_reply_files([Path(path) for path in paths])
while len(view.reply_places.fields) < len(paths):  # prepared by a worker, then joined
    QTest.qWait(20)
type_text(view.reply, "Voici les photos demandées.")
for field, site in zip(view.reply_places.fields, ("dos", "bras gauche"), strict=False):
    if isinstance(field, ChoiceBox):  # a retinograph's row: its eye, then its field, chosen last
        field.setCurrentIndex(field.findData("left"))
        QTest.qWait(DRAFT_DELAY_MS + 300)  # the eye kept, as the draft's timer keeps it
        while not wait_writes(0):
            QTest.qWait(20)
        [chosen] = view.reply_places.views
        chosen.setCurrentIndex(chosen.findData("macula"))
    else:
        field.setText(site)
QTest.qWait(DRAFT_DELAY_MS + 300)
while not wait_writes(0):
    QTest.qWait(20)
print("joined", flush=True)
while True:  # the parent kills us here, the window open, the reply not sent
    QTest.qWait(50)
