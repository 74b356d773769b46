"""Child of the termination test: the window as ``teleavis`` opens it, with the expert's report open in the
system's viewer (its decrypted copy written, as « Ouvrir » writes it); prints ``READY`` and that copy's path."""

from __future__ import annotations

from PySide6.QtCore import QTimer

from app.private_files import write_private
from ui import application


def ready() -> None:
    opened = write_private("reponse-48de3da6.pdf", b"%PDF-1.7 MARTIN Paul 150028512345615")
    print(f"READY {opened}", flush=True)


app = application.make_application([])
QTimer.singleShot(500, ready)
QTimer.singleShot(60_000, app.quit)  # nothing came: the test says so
raise SystemExit(application.run([]))
