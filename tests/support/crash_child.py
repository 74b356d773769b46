"""Child process of the crash test: imports the same case file in a loop, printing each new id
only once its import has returned (so the parent knows which imports completed)."""

from __future__ import annotations

import sys

from app.main import main

case_file = sys.argv[1]
while True:
    main(["case", "import", case_file])
    sys.stdout.flush()
