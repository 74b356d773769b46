"""Screenshots of each screen in French and English, for docs/ and the README.

Run under a display, e.g. ``xvfb-run -s "-screen 0 1366x768x24" .venv/bin/python packaging/screenshots.py``
(``--scale 1.5`` sets QT_SCALE_FACTOR and adds a ``-150`` suffix). Each language gets a fresh data
directory with a few demo cases, one of them sent to the training sandbox and answered.
"""

from __future__ import annotations

import argparse
import io
import os
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "screenshots"


def _photo(seed: int, view: str) -> tuple[object, bytes]:
    from PIL import Image

    from app.model import CaseImage
    from capture.demo import skin_scene

    pixels = skin_scene(1600, 1200, seed)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=90)
    return CaseImage(body_site="dos", view=view, width=1600, height=1200), out.getvalue()


def demo_cases(store: object) -> dict[str, str]:
    """A draft, a case waiting, and an answered case (through the sandbox)."""
    from app.model import Case, Consent, Patient, Treatment
    from app.store import NewImage
    from sync.client import PlatformClient
    from sync.engine import Engine
    from sync.training import ensure_sandbox

    form = {
        "lesion-duration": "6 mois",
        "lesion-changed": True,
        "phototype": "III",
        "melanoma-personal-history": False,
        "melanoma-family-history": False,
        "immunosuppression": False,
    }
    people = [
        ("MARTIN", "Paul", "1950-02-03", "male", "150028512345615"),
        ("BERNARD", "Louise", "1962-07-14", "female", None),
        ("DUBOIS", "Jeanne", "1948-11-30", "female", None),
        ("PETIT", "André", "1939-04-02", "male", None),
    ]
    ids: dict[str, str] = {}
    for n, (family, given, born, sex, ins) in enumerate(people):
        complete = n in (0, 2)
        case = Case(
            question="Lésion pigmentée évolutive du dos : avis sur exérèse ?" if complete else "",
            summary="Apparue il y a 6 mois, saigne au contact." if complete else "",
            priority="urgent" if n == 2 else "routine",
            form=dict(form) if complete else {},
            patient=Patient(
                family=family, given=[given], birth_date=born, sex=sex, ins=ins, local_id=f"D-{2290 + n}"
            ),  # an INS goes only once the identity is qualified
            consent=Consent(given=complete or n == 1, date="2026-11-20", recorded_by="Inf. Durand"),
            treatments=[Treatment("Metformine 1000 mg", "1 cp matin et soir")] if complete else [],
        )
        images = [NewImage(*_photo(n * 2 + k, view)) for k, view in enumerate(("far", "close-up"))] if complete else []
        store.create_case(case, images)  # type: ignore[attr-defined]
        ids[family] = case.id
    store.queue(ids["MARTIN"])  # type: ignore[attr-defined]
    store.queue(ids["DUBOIS"])  # type: ignore[attr-defined]
    with PlatformClient.from_store(store, base_url=ensure_sandbox(store)) as client:
        engine = Engine(store, client, case_budget_s=30.0)
        engine.run_once(poll=False)
        deadline = time.monotonic() + 60
        while store.state(ids["MARTIN"]).value != "answered" and time.monotonic() < deadline:  # type: ignore[attr-defined]
            time.sleep(0.5)
            engine.run_once()
    return ids


def shoot(lang: str, suffix: str) -> list[Path]:
    from PySide6.QtCore import QTimer
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from app.store import Store
    from tests.support.ui import REQUESTER
    from ui import tasks
    from ui.application import install_language, make_application
    from ui.main_window import MainWindow
    from ui.settings_dialog import SettingsDialog
    from ui.setup_wizard import SetupWizard

    home = Path(tempfile.mkdtemp(prefix=f"teleavis-shots-{lang}-"))
    os.environ["TELEAVIS_HOME"] = str(home)
    app = make_application([])
    install_language(app, lang)
    tasks.set_runner(tasks.SyncRunner())
    saved: list[Path] = []

    def save(widget: object, name: str) -> None:
        QApplication.processEvents()
        QTest.qWait(300)
        path = OUT / f"{lang}-{name}{suffix}.png"
        widget.grab().save(str(path))  # type: ignore[attr-defined]
        saved.append(path)

    store = Store.open(home)
    wizard = SetupWizard(store)
    wizard.show()
    wizard.next()
    wizard.site.rpps.setText(REQUESTER.rpps)
    wizard.site.family.setText(REQUESTER.family)
    wizard.site.given.setText("Anne")
    wizard.site.role.setText("Médecin généraliste" if lang == "fr" else "General practitioner")
    save(wizard, "first-start")
    wizard.close()
    store.settings.set("site.requester", asdict(REQUESTER))
    store.settings.set("sandbox.answer_after_s", 0.0)
    ids = demo_cases(store)

    window = MainWindow(store)
    window.resize(1366, 740)
    window.show()
    QTest.qWaitForWindowExposed(window)
    window.worklist.set_filter("all")
    window.worklist.table.selectRow(0)
    save(window, "worklist")

    window.new_case()
    editor = window.case_page.editor
    editor.apply("consent.given", True)
    editor.apply("consent.recorded_by", "Inf. Durand")
    editor.apply("patient.family", "LEROY")
    editor.apply("patient.given", ["Marc"])
    editor.apply("patient.ins", "15002851234560")
    editor.apply("question", "Plaie du talon depuis 3 mois : avis ?")
    window.case_page.revalidate()
    editor.show_findings(window.case_page.findings)
    panel = window.case_page.capture.ensure()
    deadline = time.monotonic() + 10
    while getattr(getattr(panel, "preview", None), "frames_shown", 1) < 3 and time.monotonic() < deadline:
        QTest.qWait(100)
    save(window, "editor")
    capture_still = getattr(panel, "capture_still", None)
    if capture_still is not None:
        capture_still()
        deadline = time.monotonic() + 15
        while not window.case_page.case.images and time.monotonic() < deadline:
            QTest.qWait(100)
        save(window, "capture")

    window.open_case(ids["MARTIN"])
    QTest.qWait(500)
    save(window, "answer")

    dialog = SettingsDialog(store, window)
    dialog.show()
    dialog.tabs.setCurrentIndex(1)
    save(dialog, "settings")
    dialog.close()

    window.lock()
    save(window, "lock")
    QTimer.singleShot(0, window.close)
    window.close()
    window.shutdown()
    store.close()
    from sync.training import stop_sandboxes

    stop_sandboxes()
    return saved


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lang", action="append", choices=("fr", "en"))
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    os.environ.setdefault("TELEAVIS_PASSPHRASE", "captures d'écran")
    os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    OUT.mkdir(parents=True, exist_ok=True)
    suffix = "" if args.scale == 1.0 else f"-{int(args.scale * 100)}"
    for lang in args.lang or ["fr", "en"]:
        os.environ["LANG"] = "fr_FR.UTF-8" if lang == "fr" else "en_GB.UTF-8"
        for path in shoot(lang, suffix):
            print(path.relative_to(ROOT))
    return 0


if __name__ == "__main__":
    sys.exit(main())
