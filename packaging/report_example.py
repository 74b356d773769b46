"""The README's picture of the case report (docs/report-example.png): its first page, made again.

    .venv/bin/python packaging/report_example.py [--out FILE]

The demo's case (packaging/demo.py) is imported in a throw-away data folder, sent to the training
platform, answered by its simulated expert, and its report's first page rendered with ``pdftoppm``
(poppler-utils). Run it again whenever the report's layout changes, so the README shows the report as
it is. The folder is deleted after; the page bears the training mode's banner (a fictitious patient).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
OUT = ROOT / "docs" / "report-example.png"
DPI = 80  # (the README shows it at its own size: a page 660 pixels wide)


def make(out: Path) -> str:
    """Write the first page of the demo case's report, answered, to ``out`` (PNG); returns that page's text."""
    sys.path.insert(0, str(ROOT / "packaging"))
    from demo import CASE, SITE, demo_photos  # (packaging/ is no package: ``packaging`` is pip's)

    if not shutil.which("pdftoppm"):
        raise SystemExit("pdftoppm is missing: sudo apt-get install poppler-utils")
    with tempfile.TemporaryDirectory(prefix="teleavis-report-example-") as folder:
        work = Path(folder)
        env = dict(
            os.environ,
            TELEAVIS_HOME=str(work / "data"),
            TELEAVIS_PASSPHRASE="exemple-de-rapport",  # noqa: S106 - a throw-away folder
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
            PYTHONPATH=str(ROOT),
            LANG="fr_FR.UTF-8",
            LC_ALL="",
            LANGUAGE="",
        )

        def teleavis(*args: str) -> str:
            done = subprocess.run(
                [sys.executable, "-m", "app.main", *args], env=env, cwd=ROOT, text=True, capture_output=True
            )
            if done.returncode != 0:
                raise SystemExit(f"teleavis {' '.join(args)} failed:\n{done.stderr}")
            return done.stdout.strip()

        (work / "site.json").write_text(json.dumps(SITE, ensure_ascii=False), encoding="utf-8")
        (work / "case.json").write_text(json.dumps(CASE, ensure_ascii=False), encoding="utf-8")
        demo_photos(work)
        teleavis("init", "--site", str(work / "site.json"))
        case_id = teleavis("case", "import", str(work / "case.json"))
        teleavis("case", "send", case_id)
        teleavis("config", "set", "sandbox.answer_after_s", "1")
        teleavis("config", "set", "sandbox.question_rate", "0")
        for _ in range(10):
            teleavis("sync", "--timeout", "5")
            if json.loads(teleavis("case", "show", case_id, "--json"))["state"] == "answered":
                break
        else:
            raise SystemExit("the training platform's expert did not answer")
        pdf = work / "report.pdf"
        teleavis("case", "export", case_id, "--pdf", str(pdf))
        subprocess.run(
            ["pdftoppm", "-f", "1", "-l", "1", "-singlefile", "-png", "-r", str(DPI), str(pdf), str(work / "page")],
            check=True,
        )
        text = subprocess.run(
            ["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(work / "page.png", out)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    out = parser.parse_args(argv).out
    make(out)
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
