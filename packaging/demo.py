"""A headless tour of Teleavis, for a machine without a display (``python3 dev.py run``).

It works in a fresh, throw-away data folder, so it never touches real data: sets up a site,
imports a dermatology case with two photos, shows the checklist, queues it, sends it to the
built-in training platform and waits for the simulated expert's answer, then exports the report.
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout, installed or not
SITE = {
    "practitioner": {"rpps": "10101010105", "family": "DURAND", "given": ["Anne"], "role": "Médecin généraliste"},
    "organization": {"finess": "750000010", "name": "Centre de santé de Saint-Martin"},
    "patient_id_system": "urn:oid:1.2.250.1.999.1.1",
}
CASE = {
    "specialty": "dermatology",
    "priority": "routine",
    "question": "Lésion pigmentée évolutive du dos : avis sur exérèse ?",
    "summary": "Apparue il y a 6 mois, saigne au contact, pas d'antécédent familial.",
    "patient": {
        "family": "MARTIN",
        "given": ["Paul"],
        "birth_date": "1950-02-03",
        "sex": "male",
        "ins": "150028512345615",
        "identity_status": "qualified",
        "local_id": "D-2291",
    },
    "consent": {"given": True, "date": "2026-11-20", "recorded_by": "Inf. Durand"},
    "treatments": [{"name": "Metformine 1000 mg", "dosage": "1 cp matin et soir"}],
    "form": {
        "lesion-duration": "6 mois",
        "lesion-changed": True,
        "phototype": "III",
        "melanoma-personal-history": False,
        "melanoma-family-history": False,
        "immunosuppression": False,
    },
    "images": [
        {"file": "dos-loin.jpg", "body_site": "dos", "view": "far"},
        {"file": "dos-proche.jpg", "body_site": "dos", "view": "close-up", "note": "bord irrégulier"},
    ],
}


# The demo's own words, in the language the commands it runs speak (the system's: app/i18n.py).
WORDS = {
    "fr": {
        "start": "Démonstration dans un dossier jetable : {work}\n(aucune donnée réelle n'est touchée)",
        "init": "Configurer le site",
        "import": "Créer un dossier depuis un fichier",
        "list": "La liste de travail",
        "show": "Le dossier, avec le contrôle qualité des images",
        "send": "Valider et mettre en file d'envoi",
        "answer_after": "L'expert simulé répondra après 3 secondes",
        "no_question": "… sans poser de question d'abord",
        "sync": "Envoyer à la plateforme de formation et attendre la réponse",
        "answer": "La réponse de l'expert",
        "export": "Le compte rendu PDF",
        "status": "L'état général",
        "done": "Fini. Le compte rendu est dans {report}.",
    },
    "en": {
        "start": "Demonstration in a throw-away folder: {work}\n(no real data is touched)",
        "init": "Set up the site",
        "import": "Import a case from a file",
        "list": "The worklist",
        "show": "The case, with the quality check of its images",
        "send": "Check it and queue it for sending",
        "answer_after": "The simulated expert will answer after 3 seconds",
        "no_question": "… without asking a question first",
        "sync": "Send to the training platform and wait for the answer",
        "answer": "The expert's answer",
        "export": "The PDF report",
        "status": "The general state",
        "done": "Done. The report is in {report}.",
    },
}


def demo_photos(folder: Path) -> None:
    """Two skin photos from the demo camera (a far view and a close-up)."""
    import cv2

    from capture.demo import DemoCamera

    for name, zoom in (("dos-loin.jpg", 1.0), ("dos-proche.jpg", 2.0)):
        camera = DemoCamera("dermatology", width=1600, height=1200, seed=3)
        camera.open()
        frame = camera.frame_at(0.0)
        if zoom > 1:
            h, w = frame.shape[:2]
            crop = frame[int(h / 4) : int(3 * h / 4), int(w / 4) : int(3 * w / 4)]
            frame = cv2.resize(crop, (w, h), interpolation=cv2.INTER_CUBIC)
        cv2.imwrite(str(folder / name), frame, [cv2.IMWRITE_JPEG_QUALITY, 92])


def step(title: str, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    print(f"\n=== {title}\n$ teleavis {' '.join(shlex.quote(a) for a in args)}", flush=True)
    result = subprocess.run(
        [sys.executable, "-m", "app.main", *args], env=env, cwd=ROOT, text=True, stdout=subprocess.PIPE
    )
    if result.stdout:
        print(result.stdout.rstrip(), flush=True)
    return result


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="teleavis-demo-"))
    env = dict(
        os.environ,
        TELEAVIS_HOME=str(work / "data"),
        TELEAVIS_PASSPHRASE="demo-formation",  # noqa: S106 - a throw-away demo folder
        PYTHONPATH=str(ROOT),
    )
    env.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    from app.i18n import system_language

    words = WORDS[system_language()]
    print(words["start"].format(work=work))
    (work / "site.json").write_text(json.dumps(SITE, ensure_ascii=False, indent=2), encoding="utf-8")
    demo_photos(work)
    (work / "case.json").write_text(json.dumps(CASE, ensure_ascii=False, indent=2), encoding="utf-8")

    step(words["init"], "init", "--site", str(work / "site.json"), env=env)
    imported = step(words["import"], "case", "import", str(work / "case.json"), env=env)
    case_id = imported.stdout.strip()
    if not case_id:
        return 1
    step(words["list"], "case", "list", env=env)
    step(words["show"], "case", "show", case_id, env=env)
    step(words["send"], "case", "send", case_id, env=env)
    step(words["answer_after"], "config", "set", "sandbox.answer_after_s", "3", env=env)
    # The training expert asks a question now and then (sandbox.question_rate): the demo shows an answer.
    step(words["no_question"], "config", "set", "sandbox.question_rate", "0", env=env)
    step(words["sync"], "sync", "--timeout", "12", env=env)
    step(words["answer"], "case", "show", case_id, env=env)
    step(words["export"], "case", "export", case_id, "--pdf", str(work / "compte-rendu.pdf"), env=env)
    step(words["status"], "status", env=env)
    print("\n" + words["done"].format(report=work / "compte-rendu.pdf"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
