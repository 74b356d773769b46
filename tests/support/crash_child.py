"""Child process of the crash test: imports the same case file in a loop, printing "begin" as each
import starts and the new id only once it has returned (so the parent knows which imports completed,
and whether its kill landed in the middle of one)."""

from __future__ import annotations

import sys

from app.main import main

case_file = sys.argv[1]
while True:
    print("begin", flush=True)
    main(["case", "import", case_file])
    sys.stdout.flush()
