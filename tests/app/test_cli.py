"""The headless contract of docs/cli.md, driven as a user (or a script) does."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from app import __version__
from tests.support.cases import EXAMPLE, example_case, retina_case
from tests.support.cli import SITE, run_inprocess, run_process, write_json


def test_version_and_help() -> None:
    result = run_process("--version")
    assert result.code == 0 and __version__ in result.out
    helped = run_process("--help")
    assert helped.code == 0 and "case" in helped.out and "Codes de sortie" in helped.out


def test_init_is_idempotent_and_checks_the_luhn_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    again = run_inprocess(capsys, "init", "--site", str(site))
    assert again.code == 0 and "rien à changer" in again.err
    bad = write_json(tmp_path / "bad.json", {**SITE, "organization": {"finess": "750000011", "name": "X"}})
    refused = run_inprocess(capsys, "init", "--site", str(bad))
    assert refused.code == 1 and "FINESS" in refused.err
    # A number without its quotes was told « champ obligatoire absent ou vide ».
    number = write_json(
        tmp_path / "number.json", {**SITE, "practitioner": {**SITE["practitioner"], "rpps": 10101010105}}
    )
    refused = run_inprocess(capsys, "init", "--site", str(number))
    assert refused.code == 1 and "practitioner.rpps : un numéro s'écrit entre guillemets" in refused.err
    assert "absent ou vide" not in refused.err


def test_init_warns_a_site_that_kept_the_documentations_example_system(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The docs' site file names urn:oid:1.2.250.1.999.1.1: every site that copies it shares one system of
    patient file numbers, and the platform would take one site's D-2291 for another's. Said at init,
    with a system of its own to put instead; a site with its own says nothing more."""
    example = run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "example.json", SITE)))
    assert example.code == 0 and "exemple de la documentation" in example.err
    assert "urn:teleavis:local-patient-id:750000010" in example.err
    again = run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "example.json", SITE)))
    assert "rien à changer" in again.err and "exemple de la documentation" in again.err
    own = {**SITE, "patient_id_system": "urn:teleavis:local-patient-id:750000010"}
    fixed = run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "own.json", own)))
    assert fixed.code == 0 and "exemple" not in fixed.err


def test_a_corsican_site_can_run_init(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 17.2: Corsica's FINESS numbers begin with 2A or 2B; init took none of them."""
    for finess in ("2A0000170", "2b0000020"):
        corsica = write_json(tmp_path / "corse.json", {**SITE, "organization": {"finess": finess, "name": "CH"}})
        done = run_inprocess(capsys, "init", "--site", str(corsica))
        assert done.code == 0, done.err
    from app.site import load_requester
    from app.store import Store

    with Store.open() as store:
        requester = load_requester(store.settings)
        assert requester is not None and requester.finess == "2B0000020"
    bad = write_json(tmp_path / "bad.json", {**SITE, "organization": {"finess": "2C0000019", "name": "CH"}})
    refused = run_inprocess(capsys, "init", "--site", str(bad))
    assert refused.code == 1 and "Corse" in refused.err


def test_the_cli_example_imports_and_reads_back(tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path) -> None:
    case_file = example_case(tmp_path / "ex", complete_form=False)
    imported = run_inprocess(capsys, "case", "import", str(case_file))
    assert imported.code == 0
    case_id = imported.out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    assert shown["question"] == EXAMPLE["question"] and shown["summary"] == EXAMPLE["summary"]
    assert shown["patient"]["ins"] == "150028512345615" and shown["patient"]["given"] == ["Paul"]
    assert shown["form"] == EXAMPLE["form"]
    assert shown["treatments"][0]["name"] == "Metformine 1000 mg"
    assert [i["view"] for i in shown["images"]] == ["far", "close-up"]
    assert shown["images"][1]["note"] == "bord irrégulier"
    assert all(isinstance(i["quality"], list) and i["quality"] for i in shown["images"])
    # The example, as the contract writes it, is complete: nothing is missing, and it can be sent.
    assert "Il manque encore" not in imported.err, imported.err
    listed = run_inprocess(capsys, "case", "list", "--json").json()
    assert listed == [
        {
            "id": case_id,
            "state": "draft",
            "specialty": "dermatology",
            "priority": "routine",
            "created": shown["created"],
            "updated": shown["updated"],
            "initials": "M.P.",
            "images": 2,
            "unread": False,
            "due": None,
            "overdue": False,
            "training": True,  # no platform set: made in training mode
        }
    ]
    human = run_inprocess(capsys, "case", "list")
    assert case_id in human.out and "M.P." in human.out and "MARTIN" not in human.out
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err


def test_show_says_the_consent_without_an_empty_slot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """Found as a newcomer would: a consent without who recorded it read « oui (2026-11-30, ) »."""
    consents = {
        "whole": ({"given": True, "date": "2026-11-20", "recorded_by": "Inf. Durand"}, "oui (20/11/2026, Inf. Durand)"),
        "no one named": ({"given": True, "date": "2026-11-30"}, "oui (30/11/2026)"),
        "not given": ({"given": False}, "non"),
    }
    for name, (consent, expected) in consents.items():
        case_file = example_case(tmp_path / name, consent=consent)
        case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
        shown = run_inprocess(capsys, "case", "show", case_id).out
        line = next(line for line in shown.splitlines() if line.startswith("Consentement"))
        assert line == f"Consentement : {expected}", name


def test_show_says_views_eyes_verdicts_and_priority_in_words_and_json_keeps_the_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path
) -> None:
    """Found as a newcomer would: the images read « dos, close-up — ok », the window's codes, not its words."""
    skin = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "skin", priority="urgent"))).out.strip()
    retina = run_inprocess(capsys, "case", "import", str(retina_case(tmp_path / "retina"))).out.strip()
    shown = run_inprocess(capsys, "case", "show", skin).out
    assert "— Dermatologie (priorité urgente)" in shown
    assert "dos, vue éloignée — bon" in shown and "dos, vue rapprochée — bon" in shown
    assert "œil droit (OD), centrée sur la macula" in run_inprocess(capsys, "case", "show", retina).out
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    english = run_inprocess(capsys, "case", "show", skin).out
    assert "— Dermatology (urgent)" in english and "dos, far view — good" in english
    as_json = run_inprocess(capsys, "case", "show", skin, "--json").json()
    assert as_json["priority"] == "urgent"
    assert [image["view"] for image in as_json["images"]] == ["far", "close-up"]


def test_status_speaks_words_and_local_time_and_json_keeps_the_codes(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path, paris: None
) -> None:
    """Found as a newcomer would: « Clé des données : passphrase », and the last sync as a UTC ISO stamp;
    later, year first in French where the history lines of ``case show`` write 02/12/2026."""
    from app.store import Store

    with Store.open() as store:
        store.settings.set("sync.last", "2026-12-02T06:30:00+00:00")
    shown = run_inprocess(capsys, "status").out
    assert "Clé des données : protégée par la phrase secrète" in shown
    assert "Dernière synchronisation : 02/12/2026 07:30" in shown
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    english = run_inprocess(capsys, "status").out
    assert "Data key: protected by the passphrase" in english and " :" not in english
    assert "Last sync: 2026-12-02 07:30" in english
    as_json = run_inprocess(capsys, "status", "--json").json()
    assert as_json["data_key"] == "passphrase" and as_json["last_sync"] == "2026-12-02T06:30:00+00:00"


def test_status_says_an_unreachable_platform_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, site: Path
) -> None:
    """Found as a newcomer would: « Plateforme : injoignable : Plateforme injoignable (réseau) : nouvel essai
    automatique. », the same word twice and a retry that status never makes."""
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    assert run_inprocess(capsys, "config", "set", "platform.url", f"http://127.0.0.1:{port}/fhir").code == 0
    shown = run_inprocess(capsys, "status").out
    assert "Plateforme : injoignable (pas de réseau, ou adresse introuvable)" in shown, shown
    assert shown.count("injoignable") == 1 and "nouvel essai" not in shown
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    english = run_inprocess(capsys, "status").out
    assert "Platform: unreachable (no network, or address not found)" in english, english
    assert run_inprocess(capsys, "status", "--json").json()["platform"]["reachable"] is False


def test_images_read_back_byte_for_byte(tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path) -> None:
    from app.store import Store

    case_file = example_case(tmp_path / "ex")
    case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
    with Store.open() as store:
        case = store.get_case(case_id)
        for image, name in zip(case.images, ("dos-loin.jpg", "dos-proche.jpg"), strict=True):
            # These test JPEGs carry no metadata and need no rotation: stored as they came.
            assert store.image_bytes(image) == (case_file.parent / name).read_bytes()


def test_send_refuses_an_incomplete_case_listing_every_item(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    case_file = example_case(
        tmp_path / "ex",
        question="",
        consent={"given": False},
        images=[{"file": "a.jpg", "body_site": "dos", "view": "far"}],
    )
    case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
    refused = run_inprocess(capsys, "case", "send", case_id)
    assert refused.code == 1
    assert "question posée à l'expert" in refused.err
    assert "consentement" in refused.err
    assert "Vue rapprochée manquante" in refused.err
    assert run_inprocess(capsys, "case", "show", case_id, "--json").json()["state"] == "draft"


def test_send_queues_a_complete_case(tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path) -> None:
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    sent = run_inprocess(capsys, "case", "send", case_id[:8])
    assert sent.code == 0, sent.err
    assert run_inprocess(capsys, "case", "list", "--state", "queued", "--json").json()[0]["id"] == case_id
    status = run_inprocess(capsys, "status", "--json").json()
    assert status["cases"] == {"queued": 1}
    assert run_inprocess(capsys, "case", "send", case_id).code == 0  # already queued: said, not an error


def test_a_left_eye_filed_as_the_right_eye_is_said_by_show_and_does_not_block_sending(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """From an outside nurse pass: a real left-eye fundus photograph (optic disc on the left of the image)
    imported as the right eye was judged « bon ». The checklist now says the disc is on the other eye's
    side; a warning, since the nurse may know better (an export mirrored by the device)."""
    case_file = retina_case(tmp_path / "eye")
    real = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "retina-normal-left-eye.jpg"
    (case_file.parent / "right.jpg").write_bytes(real.read_bytes())  # the right eye's macula-centred field
    case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    sides = [item for item in shown["checklist"] if item["code"] == "image.eye.side"]
    assert [(item["field"], item["severity"]) for item in sides] == [("images[0].eye", "warning")]
    human = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    advice = human[human.index("À vérifier (n'empêche pas l'envoi) :") + 1 :]
    assert (
        "  ⚠ Image 1 : La papille est à gauche de l'image : cela ressemble à un œil gauche, pas à l'œil droit "
        "indiqué. Vérifiez l'œil choisi." in advice
    )
    assert sum("papille est à" in line for line in human) == 1  # the other images are on their own eye's side
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err


def test_ophthalmology_needs_the_macula_of_each_eye_and_advises_the_disc(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    case_file = retina_case(tmp_path / "eye")
    doc = json.loads(case_file.read_text())
    doc["images"] = [
        image for image in doc["images"] if (image["eye"], image["view"]) in {("right", "macula"), ("left", "disc")}
    ]
    write_json(case_file, doc)
    case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
    refused = run_inprocess(capsys, "case", "send", case_id)
    assert refused.code == 1
    assert "Œil gauche : champ centré sur la macula manquant" in refused.err
    assert "Œil droit : champ centré sur la macula" not in refused.err
    assert "papille" not in refused.err  # advised, not required: it never blocks


def test_one_macula_centred_field_per_eye_is_a_retinography_that_can_be_sent(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """From an outside run of docs/cli.md (« needs each eye photographed »): a retinography of one
    macula-centred field per eye, as many screening programmes and devices make it, could never be sent
    (« disc-centred field missing » for both eyes). The disc-centred field is advised, and said."""
    case_file = retina_case(tmp_path / "eye")
    doc = json.loads(case_file.read_text())
    doc["images"] = [image for image in doc["images"] if image["view"] == "macula"]
    write_json(case_file, doc)
    case_id = run_inprocess(capsys, "case", "import", str(case_file)).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    advised = [item for item in shown["checklist"] if item["code"].endswith(".disc")]
    assert [item["severity"] for item in advised] == ["warning", "warning"]
    assert "Œil droit : pas de champ centré sur la papille (conseillé pour le dépistage, pas obligatoire)." in [
        item["message"] for item in advised
    ]
    # From a nurse's pass: the text said none of it (a technician reads the text).
    human = run_inprocess(capsys, "case", "show", case_id).out.splitlines()
    advice = human[human.index("À vérifier (n'empêche pas l'envoi) :") + 1 :]
    assert (
        "  ⚠ Œil droit : pas de champ centré sur la papille (conseillé pour le dépistage, pas obligatoire)." in advice
    )
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err


def test_a_one_eye_retinography_is_sent_only_with_its_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    one_eye = run_inprocess(capsys, "case", "import", str(retina_case(tmp_path / "one", eyes=("right",))))
    refused = run_inprocess(capsys, "case", "send", one_eye.out.strip())
    assert refused.code == 1
    assert "Œil gauche : aucune rétinographie" in refused.err and "pourquoi" in refused.err
    assert run_inprocess(capsys, "case", "show", one_eye.out.strip(), "--json").json()["state"] == "draft"

    reason = "Énucléation de l'œil gauche (traumatisme, 2019)"
    with_reason = retina_case(tmp_path / "reason", eyes=("right",), single_eye_reason=reason)
    case_id = run_inprocess(capsys, "case", "import", str(with_reason)).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id, "--json").json()
    assert shown["single_eye_reason"] == reason
    assert not [item for item in shown["checklist"] if item["severity"] != "warning"]
    human = run_inprocess(capsys, "case", "show", case_id)
    assert f"Un seul œil photographié, parce que : {reason}" in human.out
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err


def test_both_eyes_photographed_need_no_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path) -> None:
    case_id = run_inprocess(capsys, "case", "import", str(retina_case(tmp_path / "eye"))).out.strip()
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err
    refused = run_inprocess(
        capsys, "case", "import", str(retina_case(tmp_path / "typo", single_eye_reasons="œil perdu"))
    )
    assert refused.code == 1 and "single_eye_reasons" in refused.err


def test_config_get_set_and_secrets(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert run_inprocess(capsys, "config", "set", "platform.url", "https://p.example/fhir").code == 0
    assert run_inprocess(capsys, "config", "get", "platform.url").out.strip() == "https://p.example/fhir"
    monkeypatch.setattr("sys.stdin", io.StringIO("s3cr3t-token\n"))
    assert run_inprocess(capsys, "config", "set", "platform.token", "-").code == 0
    hidden = run_inprocess(capsys, "config", "get", "platform.token")
    assert "s3cr3t" not in hidden.out + hidden.err
    unknown = run_inprocess(capsys, "config", "set", "platfrom.url", "x")
    assert unknown.code == 2 and "platform.url" in unknown.err
    assert run_inprocess(capsys, "config", "set", "lock.minutes", "dix").code == 2


def test_every_setting_config_lists_can_be_set(capsys: pytest.CaptureFixture[str]) -> None:
    """From an outside run of docs/cli.md: « sync.interval_s », listed among the known settings, was
    refused as unknown (its prefix is that of the internal settings). Each one listed is settable."""
    from app.settings import SETTINGS

    done = run_inprocess(capsys, "config", "set", "sync.interval_s", "60")
    assert done.code == 0, done.err
    assert run_inprocess(capsys, "config", "get", "sync.interval_s").out.strip() == "60"
    assert run_inprocess(capsys, "config", "set", "sync.interval_s", "0").code == 2  # no busy polling
    for key in SETTINGS:
        refused = run_inprocess(capsys, "config", "set", key, "x")
        assert "Réglage inconnu" not in refused.err and "Unknown setting" not in refused.err, key
    assert run_inprocess(capsys, "config", "set", "sync.last", "2026-01-01").code == 2  # internal: not settable


def test_english_with_lang_en(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "en_GB.UTF-8")
    missing = run_inprocess(capsys, "case", "show", "deadbeef")
    assert missing.code == 1 and "No case has the id" in missing.err


def test_exit_code_3_when_the_data_is_locked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_inprocess(capsys, "status").code == 0  # creates the data key under the passphrase
    home = Path(__import__("os").environ["TELEAVIS_HOME"])
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and "logs" not in p.parts}
    wrong = run_process("case", "list", env={"TELEAVIS_PASSPHRASE": "pas la bonne"})
    assert wrong.code == 3 and "Phrase secrète incorrecte" in wrong.err
    none = run_process("case", "list", env={"TELEAVIS_PASSPHRASE": ""})
    assert none.code == 3 and "TELEAVIS_PASSPHRASE" in none.err
    after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file() and "logs" not in p.parts}
    assert after == before


def test_usage_errors_exit_2() -> None:
    assert run_process("case", "frobnicate").code == 2
    assert run_process("case", "list", "--state", "nowhere").code == 2


def test_usage_errors_and_help_headings_speak_the_users_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found as a newcomer would: under French help texts, a mistyped command answered in English
    (« error: the following arguments are required: id »)."""
    missing = run_process("case", "send")
    assert missing.code == 2 and "teleavis case send : erreur : il manque : id" in missing.err
    unknown = run_process("status", "--jsn")
    assert unknown.code == 2 and "arguments inconnus : --jsn" in unknown.err and "error" not in unknown.err
    choice = run_process("case", "list", "--state", "nowhere")
    assert choice.code == 2 and "choix inconnu : 'nowhere'" in choice.err
    helped = run_process("--help")
    assert "utilisation : teleavis" in helped.out and "affiche cette aide" in helped.out
    assert "show this help" not in helped.out and "version number" not in helped.out
    english = run_process("case", "send", env={"LANG": "en_GB.UTF-8"})
    assert english.code == 2 and "teleavis case send: error: the following arguments are required: id" in english.err


def test_every_command_and_sub_command_says_what_it_does_in_both_languages(monkeypatch: pytest.MonkeyPatch) -> None:
    """`teleavis case --help` listed cancel and export with their purpose, and import, list, show and
    send bare: every command at every level has its line, in French and in English."""
    import argparse

    from app import i18n
    from app.main import build_parser

    def undescribed(parser: argparse.ArgumentParser, path: str) -> list[str]:
        found = []
        for action in parser._actions:
            # From an outside run of docs/cli.md: sync --once/--timeout/--json, status --json, sandbox
            # --port/--answer-after, case export --pdf/--lang were listed bare. Every option says its use.
            if not isinstance(action, argparse._SubParsersAction) and not action.help:
                found.append(f"{path} {'/'.join(action.option_strings) or action.dest}")
            if isinstance(action, argparse._SubParsersAction):
                helps = {choice.dest: choice.help for choice in action._choices_actions}
                for name, child in action.choices.items():
                    if not helps.get(name):
                        found.append(f"{path} {name}")
                    found += undescribed(child, f"{path} {name}")
        return found

    helps: dict[str, str] = {}
    for language in ("fr", "en"):
        i18n.set_language(language)
        parser = build_parser()
        assert undescribed(parser, "teleavis") == [], language
        helps[language] = parser.format_help()
    assert helps["fr"] != helps["en"]


def test_show_in_words_gives_the_treatments_the_form_and_the_states_gone_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """From an outside run of docs/cli.md (« case show: one case with its images, states and
    answer »): the text gave the state of the moment only, and neither the treatments nor the form's
    answers (they were in --json alone)."""
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
    shown = run_inprocess(capsys, "case", "show", case_id).out
    lines = shown.splitlines()
    assert lines[lines.index("Traitements en cours :") + 1] == "  - Metformine 1000 mg (1 cp matin et soir)"
    assert "  La lésion a-t-elle changé récemment ? Oui" in lines
    assert any(line.startswith("  Phototype de Fitzpatrick : III") for line in lines)
    history = lines[lines.index("Historique :") + 1 :]
    assert [line.split(" — ", 1)[1] for line in history[:3]] == [
        "brouillon",
        "brouillon → prêt (dossier complet)",
        "prêt → en attente d'envoi",
    ]


def test_case_send_says_where_a_case_made_in_training_goes_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """Found from outside: a draft made in training mode (a fictitious patient) left for the real platform
    set after, billable, nothing said. The window asks; `case send`, which scripts run after importing
    before the platform was set, queues it as it always did and says plainly where it goes and how to
    hold it back."""
    from app.store import Store

    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    assert run_inprocess(capsys, "config", "set", "platform.url", "https://plateforme.example/fhir").code == 0
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err
    assert "préparé en mode formation" in sent.err and f"teleavis case cancel {case_id}" in sent.err
    with Store.open() as store:
        assert store.destination(case_id) == "platform"


def test_a_training_case_held_back_stays_one_and_is_said_at_every_sending(tmp_path: Path, site: Path) -> None:
    """Found from outside: a case made in training mode (a fictitious patient, a test INS), queued for the
    real platform with the warning, then held back as the warning advises (`case cancel`), lost its
    `[formation]` mark; sent again, it left for a real expert, billable, with no warning. Made in training
    mode is a fact of the case: marked while it is not at the real platform, said at every sending to it."""
    case_id = run_process("case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    assert run_process("case", "send", case_id).code == 0  # to the training platform
    assert run_process("config", "set", "platform.url", "https://plateforme.example.invalid/fhir").code == 0
    first = run_process("case", "send", case_id)
    assert first.code == 0 and "préparé en mode formation" in first.err, first.err
    # Queued for the real platform (the user said it is a real patient): its answer will be a real
    # expert's, not marked as a training one (found in review: a script or a nurse could dismiss it);
    # its page still says where it was prepared.
    assert "[formation]" not in run_process("case", "list").out
    assert run_process("case", "show", case_id, "--json").json()["training"] is False
    shown = run_process("case", "show", case_id).out.splitlines()
    assert shown[1].startswith("Dossier préparé en mode formation, pour la plateforme réelle"), shown[:3]
    assert run_process("case", "cancel", case_id).code == 0
    assert "[formation]" in run_process("case", "list").out
    assert run_process("case", "show", case_id, "--json").json()["training"] is True
    shown = run_process("case", "show", case_id).out.splitlines()
    assert shown[1] == "Dossier préparé en mode formation : patient fictif, pour la plateforme d'essai."
    again = run_process("case", "send", case_id)
    assert again.code == 0 and "préparé en mode formation" in again.err, again.err
    assert f"teleavis case cancel {case_id}" in again.err


def test_case_send_keeps_a_case_made_for_the_real_platform_from_the_training_platform(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """Made for the real platform (a real patient) and sent while training mode is on: it waits for the end of
    training mode, and `case send` says so."""
    from app.store import Store

    assert run_inprocess(capsys, "config", "set", "platform.url", "https://plateforme.example/fhir").code == 0
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    assert run_inprocess(capsys, "config", "set", "training", "on").code == 0
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0 and "attendra la fin du mode formation" in sent.err, sent.err
    with Store.open() as store:
        assert store.destination(case_id) == "platform"


def test_case_list_and_show_mark_a_training_case_whatever_the_mode_now(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """Found from outside: once training mode ended, a training case's simulated answer read like a real
    one. `case list` marks it as it marks a case to read, `case show` says it, whatever the mode now."""
    training = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    assert run_inprocess(capsys, "config", "set", "platform.url", "https://plateforme.example/fhir").code == 0
    real = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex2"))).out.strip()
    lines = {line.split()[0]: line for line in run_inprocess(capsys, "case", "list").out.splitlines()}
    assert lines[training].endswith("M.P.  [formation]") and "formation" not in lines[real]
    shown = run_inprocess(capsys, "case", "show", training).out.splitlines()
    assert shown[1] == "Dossier préparé en mode formation : patient fictif, pour la plateforme d'essai."
    assert "formation" not in run_inprocess(capsys, "case", "show", real).out


def test_case_list_and_show_json_say_a_training_case_as_the_text_does(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """The text says « [formation] »; `--json` said nothing of it, and a script could take a fictitious
    patient's simulated answer for a real one. A field is added, `training`, the others kept as they were."""
    training = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex"))).out.strip()
    assert run_inprocess(capsys, "config", "set", "platform.url", "https://plateforme.example/fhir").code == 0
    real = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex2"))).out.strip()
    listed = {row["id"]: row for row in run_inprocess(capsys, "case", "list", "--json").json()}
    assert (listed[training]["training"], listed[real]["training"]) == (True, False)
    assert set(listed[real]) == {
        "id", "state", "specialty", "priority", "created", "updated", "initials", "images", "unread", "due", "overdue",
        "training",
    }  # fmt: skip
    assert run_inprocess(capsys, "case", "show", training, "--json").json()["training"] is True
    assert run_inprocess(capsys, "case", "show", real, "--json").json()["training"] is False


def test_reading_an_answer_from_the_command_line_leaves_it_to_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/cli.md: `case show` and `case export` print or write the answer for whoever runs them (a script,
    a timer, as well as a person): neither marks it read; the window does, once it is on screen."""
    from app.store import Store
    from tests.support.ui import answered_case

    with Store.open() as store:
        case_id = answered_case(store)
    assert "exérèse conseillée" in run_inprocess(capsys, "case", "show", case_id).out
    assert run_inprocess(capsys, "case", "show", case_id, "--json").code == 0
    exported = run_inprocess(capsys, "case", "export", case_id, "--pdf", str(tmp_path / "dossier.pdf"))
    assert exported.code == 0, exported.err
    assert "[à lire]" in run_inprocess(capsys, "case", "list").out
    assert run_inprocess(capsys, "case", "list", "--json").json()[0]["unread"] is True
    assert run_inprocess(capsys, "status", "--json").json()["unread"] == 1


def test_show_prints_the_ins_in_its_groups_as_the_report_and_json_keeps_it_whole(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path
) -> None:
    """Found from outside: `case show` printed the INS as 15 digits in a row, the PDF in its seven groups: a
    nurse comparing the two read them twice. Grouped with plain spaces (pasted into the window's search, which
    takes an INS with or without spaces);
    --json keeps the 15 characters, for scripts. A qualified identity's (found in review: the test's was
    provisional, whose INS `case show` no longer prints)."""
    qualified = {**EXAMPLE["patient"], "identity_status": "qualified"}
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=qualified))).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id).out
    [patient] = [line for line in shown.splitlines() if line.startswith("Patient")]
    assert ", INS 1 50 02 85 123 456 15" in patient and "150028512345615" not in patient, patient
    data = json.loads(run_inprocess(capsys, "case", "show", case_id, "--json").out)
    assert data["patient"]["ins"] == "150028512345615"


@pytest.mark.parametrize("status", ["provisional", "recovered", "validated"])
def test_show_prints_no_ins_of_an_identity_not_qualified_and_says_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], site: Path, status: str
) -> None:
    """Found in review: `case show` printed the INS of any identity, the PDF only a qualified one's (RNIV: only
    a qualified identity's INS may identify a patient's data). The same rule here, and the line says why the INS
    is missing; the file number identifies the patient instead. --json keeps the data as stored."""
    patient = {**EXAMPLE["patient"], "identity_status": status}
    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "ex", patient=patient))).out.strip()
    shown = run_inprocess(capsys, "case", "show", case_id).out
    [line] = [line for line in shown.splitlines() if line.startswith("Patient")]
    assert "150028512345615" not in shown and "1 50 02 85 123 456 15" not in shown, line
    assert ", D-2291," in line, line
    assert "INS non affiché tant que l'identité n'est pas qualifiée" in line, line
    assert run_inprocess(capsys, "case", "show", case_id, "--json").json()["patient"]["ins"] == "150028512345615"
