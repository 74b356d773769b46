"""Bad input gets its own clear message, and nothing is half-stored."""

from __future__ import annotations

import copy
import json
import struct
import zlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.cases import EXAMPLE, example_case
from tests.support.cli import Result, run_inprocess, write_json
from tests.support.images import jpeg_bytes, skin_photo


def snapshot(home: Path) -> tuple[int, int]:
    """How many cases and how many blob files there are."""
    import sqlite3

    db = home / "teleavis.db"
    cases = 0
    if db.exists():
        conn = sqlite3.connect(db)
        try:
            cases = conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0]
        finally:
            conn.close()
    blobs = sum(1 for p in (home / "objects").rglob("*") if p.is_file()) if (home / "objects").exists() else 0
    return cases, blobs


def png_header_bomb(width: int, height: int) -> bytes:
    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\0" * 1024)) + chunk(b"IEND", b"")
    )


def import_refused(capsys: pytest.CaptureFixture[str], home: Path, case_file: Path, *options: str) -> Result:
    before = snapshot(home)
    result = run_inprocess(capsys, "case", "import", str(case_file), *options)
    assert result.code == 1, result.err
    assert "Erreur interne" not in result.err
    assert snapshot(home) == before, "nothing may be half-stored"
    return result


@pytest.fixture
def folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    # One good import first, so "nothing half-stored" is checked against existing data.
    example_case(tmp_path / "case")
    assert run_inprocess(capsys, "case", "import", str(tmp_path / "case" / "case.json")).code == 0
    return tmp_path / "case"


def test_unknown_key(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["patient"]["birthdate"] = "1950-02-03"
    result = import_refused(capsys, teleavis_home, write_json(folder / "x.json", doc))
    assert "clé inconnue « birthdate »" in result.err and "birth_date" in result.err


def test_wrong_ins_key(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["patient"]["ins"] = "150028512345616"
    result = import_refused(capsys, teleavis_home, write_json(folder / "x.json", doc))
    assert "clé de contrôle du matricule INS" in result.err and "INSi" in result.err
    assert "Vitale" not in result.err, "a child's carte Vitale may bear a parent's number"
    assert "150028512345616" not in result.err


def test_every_mistake_of_a_case_file_is_said_in_one_go(
    folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found as a newcomer would: a typo in a key and a missing image were said first, the wrong INS key and
    the badly written birth date only once those were fixed, a second round for the same file."""
    doc = copy.deepcopy(EXAMPLE)
    doc["priorite"] = "urgent"
    doc["images"][0]["file"] = "absent.jpg"
    doc["patient"]["ins"] = "150028512345616"
    doc["patient"]["birth_date"] = "03/02/1950"
    said = import_refused(capsys, teleavis_home, write_json(folder / "x.json", doc)).err
    for words in ("clé inconnue « priorite »", "introuvable « absent.jpg »", "clé de contrôle", "AAAA-MM-JJ"):
        assert words in said, words

    # A value of the wrong type is said once, not again as a content mistake of the value it left.
    doc = copy.deepcopy(EXAMPLE)
    doc["patient"]["birth_date"] = 19500203
    said = import_refused(capsys, teleavis_home, write_json(folder / "y.json", doc)).err
    assert "patient.birth_date : il faut un texte" in said and "Date de naissance" not in said


def _with_image(folder: Path, name: str, data: bytes) -> Path:
    (folder / name).write_bytes(data)
    doc = copy.deepcopy(EXAMPLE)
    doc["images"][1]["file"] = name
    return write_json(folder / "x.json", doc)


def test_a_text_file_posing_as_a_jpeg(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fake = _with_image(folder, "photo.jpg", b"Bonjour, ceci n'est pas une image")
    result = import_refused(capsys, teleavis_home, fake)
    assert "images[1] (photo.jpg)" in result.err


def test_an_empty_file(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = import_refused(capsys, teleavis_home, _with_image(folder, "vide.jpg", b""))
    assert "images[1] (vide.jpg)" in result.err and "vide" in result.err.lower()


def test_a_truncated_jpeg(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = jpeg_bytes(skin_photo(800, 600))
    result = import_refused(capsys, teleavis_home, _with_image(folder, "coupee.jpg", data[: len(data) // 2]))
    assert "images[1] (coupee.jpg)" in result.err


def test_a_decompression_bomb(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = import_refused(capsys, teleavis_home, _with_image(folder, "bombe.png", png_header_bomb(20000, 20000)))
    assert "images[1] (bombe.png)" in result.err


def test_a_missing_image_path(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["images"][0]["file"] = "absente.jpg"
    result = import_refused(capsys, teleavis_home, write_json(folder / "x.json", doc))
    assert "fichier image introuvable « absente.jpg »" in result.err


def test_invalid_utf8(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "latin1.json"
    path.write_bytes(json.dumps(EXAMPLE, ensure_ascii=False).encode("latin-1"))
    result = import_refused(capsys, teleavis_home, path)
    assert "n'est pas en UTF-8" in result.err


def test_not_json(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = folder / "broken.json"
    path.write_text('{"specialty": "dermatology",', encoding="utf-8")
    result = import_refused(capsys, teleavis_home, path)
    assert "pas du JSON valide (erreur ligne 1, colonne 29)" in result.err
    assert "Expecting" not in result.err, "Python's English words stay out of a French sentence"


def test_every_problem_is_listed_at_once(folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = copy.deepcopy(EXAMPLE)
    doc["specialty"] = "cardiology"
    doc["patient"]["sex"] = "m"
    doc["images"][0]["eye"] = "middle"
    result = import_refused(capsys, teleavis_home, write_json(folder / "x.json", doc))
    assert result.err.count("\n  - ") == 3


def test_a_missing_consent_keeps_a_draft_that_cannot_be_sent(
    folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = copy.deepcopy(EXAMPLE)
    del doc["consent"]
    imported = run_inprocess(capsys, "case", "import", str(write_json(folder / "x.json", doc)))
    assert imported.code == 0
    assert "Recueillez le consentement du patient" in imported.err
    refused = run_inprocess(capsys, "case", "send", imported.out.strip())
    assert refused.code == 1 and "Recueillez le consentement du patient" in refused.err


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=12,
)


def _mutations() -> st.SearchStrategy[dict[str, Any]]:
    paths = [
        ("specialty",),
        ("priority",),
        ("question",),
        ("patient",),
        ("patient", "family"),
        ("patient", "given"),
        ("patient", "birth_date"),
        ("patient", "ins"),
        ("consent",),
        ("consent", "given"),
        ("treatments",),
        ("form",),
        ("images",),
        ("images", 0),
        ("images", 0, "file"),
        ("images", 0, "eye"),
        ("unknown",),
    ]

    def apply(choice: tuple[Any, ...], value: Any) -> dict[str, Any]:
        doc = copy.deepcopy(EXAMPLE)
        target: Any = doc
        for key in choice[:-1]:
            target = target[key]
        target[choice[-1]] = value
        return doc

    return st.builds(apply, st.sampled_from(paths), json_values)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=_mutations() | json_values)
def test_malformed_case_files_never_crash_nor_half_store(
    document: Any, folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_json(folder / "fuzz.json", document)
    before = snapshot(teleavis_home)
    result = run_inprocess(capsys, "case", "import", str(path))
    assert result.code in (0, 1)
    assert "Erreur interne" not in result.err
    after = snapshot(teleavis_home)
    if result.code == 1:
        assert after == before
    else:
        assert after[0] == before[0] + 1


def test_a_case_is_read_on_a_full_disk_and_the_unwritten_audit_line_said(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside on a 30 MB tmpfs: `case show` refused to show the case (and its answer) while
    the disk was full, because it could not write the « viewed » audit line."""
    import sqlite3

    from app import audit

    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "case"))).out.strip()

    def full(*_args: Any, **_kwargs: Any) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(audit, "append", full)
    shown = run_inprocess(capsys, "case", "show", case_id)
    assert shown.code == 0 and "MARTIN" in shown.out
    assert "journal d'audit" in shown.err and "disque est plein" in shown.err


def test_case_show_writes_the_family_name_as_the_window_and_the_pdf_do(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by an outside reading: `case show` gave « Martin Paul » as typed, the window and the PDF
    « MARTIN Paul »: the family name not marked as such."""
    doc = copy.deepcopy(EXAMPLE)
    doc["patient"]["family"] = "Martin"
    doc["images"] = []
    case_id = run_inprocess(capsys, "case", "import", str(write_json(tmp_path / "c.json", doc))).out.strip()
    assert "MARTIN Paul, 03/02/1950" in run_inprocess(capsys, "case", "show", case_id).out


def test_a_report_written_into_a_missing_folder_says_why_in_the_users_language(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From an outside run: « Impossible d'écrire le rapport … : No such file or directory. » — the C
    library's English inside a French sentence. The common reasons are said in the user's words."""
    from app import i18n
    from tests.support.cases import example_case

    case_id = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "cas"))).out.strip()
    refused = run_inprocess(capsys, "case", "export", case_id, "--pdf", str(tmp_path / "absent" / "r.pdf"))
    assert refused.code == 1
    assert ": ce fichier ou ce dossier n'existe pas. Rien n'a été écrit. Vérifiez le chemin" in refused.err
    assert "No such file" not in refused.err
    i18n.set_language("en")
    refused = run_inprocess(capsys, "case", "export", case_id, "--pdf", str(tmp_path / "absent" / "r.pdf"))
    assert "no such file or folder" in refused.err


# -- files that are not files (found from outside: an attacker's pass) -----------------------------------


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="named pipes are POSIX's")
@pytest.mark.parametrize("kind", ["pipe", "device"])
def test_a_case_file_that_is_a_pipe_or_a_device_is_refused_at_once(tmp_path: Path, kind: str) -> None:
    """`case import` on a named pipe waited for ever for someone to write to it; on /dev/zero it read without
    end. Both are refused at once, with a sentence (a child process with a time limit: the old read hung)."""
    import os

    from tests.support.cli import run_process

    if kind == "pipe":
        target = tmp_path / "case.json"
        os.mkfifo(target)
    else:
        target = Path("/dev/zero")
    done = run_process("case", "import", str(target), env={"TELEAVIS_HOME": str(tmp_path / "home")}, timeout=30)
    assert done.code == 1, done.err
    assert "pas un fichier ordinaire" in done.err and "Erreur interne" not in done.err


def test_an_image_of_the_case_file_that_is_a_pipe_is_said_so(
    folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Not « not found »: it is there, and not a file to read (a pipe would have held the import)."""
    import os

    document = json.loads((folder / "case.json").read_text(encoding="utf-8"))
    os.mkfifo(folder / "pipe.jpg")
    document["images"][0]["file"] = "pipe.jpg"
    result = import_refused(capsys, teleavis_home, write_json(folder / "piped.json", document))
    assert "pipe.jpg" in result.err and "pas un fichier ordinaire" in result.err


def test_a_missing_image_says_the_folder_it_was_looked_for_in(
    folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # Run from another working directory, a relative case file's images are looked for beside it: the
    # technician who sees « introuvable » must see where, or the wrong folder is never suspected.
    doc = copy.deepcopy(EXAMPLE)
    doc["images"][0]["file"] = "absente.jpg"
    write_json(folder / "x.json", doc)
    elsewhere = tmp_path / "ailleurs"
    elsewhere.mkdir()
    result = import_refused(capsys, teleavis_home, folder / "x.json", "--dir", str(elsewhere))
    assert f"fichier image introuvable « absente.jpg » (cherché dans {elsewhere})" in result.err


def test_a_dir_that_is_no_folder_is_said_once(
    folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # A mistyped --dir made every image « introuvable », one line each, the folder never named.
    for wrong, words in ((tmp_path / "pas-la", "n'existe pas"), (folder / "case.json", "n'est pas un dossier")):
        result = import_refused(capsys, teleavis_home, folder / "case.json", "--dir", str(wrong))
        assert f"--dir « {wrong} »" in result.err and words in result.err, result.err
        assert "introuvable" not in result.err


def test_a_case_file_not_found_says_where_it_was_looked_for(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A relative name is taken from the working directory, which a script's cron or a technician's
    # terminal may not be the one they think: the folder is said.
    monkeypatch.chdir(tmp_path)
    result = import_refused(capsys, teleavis_home, Path("cas/absent.json"))
    assert f"« absent.json » : introuvable (cherché dans {tmp_path / 'cas'})" in result.err, result.err


def test_a_folder_given_as_the_site_file_is_not_called_a_case_file(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # « donnez le fichier JSON du dossier lui-même » was said to `init --site FOLDER`: the case's file, there.
    result = run_inprocess(capsys, "init", "--site", str(tmp_path))
    assert result.code == 1 and "pas un fichier ordinaire" in result.err, result.err
    assert "du dossier" not in result.err and "donnez le fichier JSON lui-même" in result.err


def test_a_text_of_a_pasted_document_is_refused_with_its_field(
    folder: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A 4 MB summary (a file under the 5 MB limit) was imported, and its report then took more than five
    # minutes to write, `case show` printed it all, and the platform was sent it as the request's note.
    from app.casefile import MAX_TEXT_CHARS

    for where, edit in (
        ("summary", lambda doc: doc.__setitem__("summary", "x" * (MAX_TEXT_CHARS + 1))),
        ("images[1].note", lambda doc: doc["images"][1].__setitem__("note", "mot " * MAX_TEXT_CHARS)),
        ("form.lesion-duration", lambda doc: doc["form"].__setitem__("lesion-duration", "x" * (MAX_TEXT_CHARS + 1))),
    ):
        doc = copy.deepcopy(EXAMPLE)
        edit(doc)
        result = import_refused(capsys, teleavis_home, write_json(folder / "long.json", doc))
        assert f"{where} : texte trop long" in result.err and f"{MAX_TEXT_CHARS:_}".replace("_", " ") in result.err
    doc = copy.deepcopy(EXAMPLE)
    doc["summary"] = "mot " * (MAX_TEXT_CHARS // 4)
    assert run_inprocess(capsys, "case", "import", str(write_json(folder / "long.json", doc))).code == 0
