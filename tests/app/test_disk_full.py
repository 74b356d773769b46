"""A full disk: the import that hits ENOSPC says so, exits 1, and everything before it is intact."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.small_disk import on_a_small_disk


def test_an_import_that_fills_the_disk_fails_cleanly(tmp_path: Path) -> None:
    case_file = example_case(tmp_path / "case")
    # A user + mount namespace lets the test mount a real 4 MiB tmpfs without touching the machine.
    report = on_a_small_disk(tmp_path, "disk_full_child", str(case_file))
    assert len(report["stored"]) >= 1, "the small disk should hold at least one case"
    assert report["code"] == 1
    assert "Le disque est plein" in report["stderr"]
    assert "Erreur interne" not in report["stderr"]
    assert report["integrity"] == "ok"
    assert report["cases"] == sorted(report["stored"]), "no half-written case is visible"
    assert all(report["intact"])
    # Found from outside: with the disk then full to the last byte and Teleavis closed, reading said
    # « Erreur d'écriture sur le disque (I/O) » and the doctor « base de données endommagée… restaurez
    # la dernière sauvegarde », advice that would put older data in place of a healthy base.
    # And then found from outside: not even `case list` or `case show` opened the data. They read it
    # (the base opened in exclusive mode, the WAL's index in memory); the reading's audit line is said
    # not written.
    listed = report["list"]
    assert listed["code"] == 0 and all(case_id in listed["out"] for case_id in report["stored"]), listed
    shown = report["show"]
    assert shown["code"] == 0 and "Patient : MARTIN Paul" in shown["out"], shown
    assert "n'a pas pu être inscrite au journal d'audit" in shown["out"]
    doctor = report["doctor"]["out"]
    assert "le disque est plein" in doctor and "est endommagée" not in doctor and "Restaurez" not in doctor
    assert "propriétaire" not in doctor


def test_a_store_opened_alone_on_a_full_disk_says_so_to_its_workers_at_once(teleavis_home: Path) -> None:
    """Found by review: the window's store opened in exclusive mode (a full disk), each worker's own
    connection (a PDF export, the sync engine) waited a minute, then was said busy « by another window »."""
    import sqlite3
    import time

    from app.db import DB_FILE, ExclusiveConnection
    from app.errors import StorageError
    from app.store import Store

    with Store.open(teleavis_home) as store:
        key = store.key
    # As app.db.connect opens it on a full disk.
    conn = sqlite3.connect(
        teleavis_home / DB_FILE, isolation_level=None, check_same_thread=False, factory=ExclusiveConnection
    )
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("SELECT count(*) FROM cases").fetchone()
    alone = Store(teleavis_home, key, conn)
    try:
        started = time.monotonic()
        with pytest.raises(StorageError, match="disque est plein"):
            alone.clone()
        assert time.monotonic() - started < 5.0
    finally:
        conn.close()


def test_a_store_opened_alone_on_a_full_disk_says_to_reopen_teleavis(teleavis_home: Path) -> None:
    """Found by fault injection: a window opened on a full disk (its base held alone, app.db.connect),
    locked after idle, said at each unlock « libérez de la place … puis recommencez »; with the space
    freed, each try said the same: the base stays held alone until the window closes. The words say
    to close Teleavis and open it again, which is the way out."""
    import sqlite3

    from app.db import DB_FILE, ExclusiveConnection
    from app.errors import StorageError
    from app.store import Store

    with Store.open(teleavis_home) as store:
        key = store.key
    conn = sqlite3.connect(
        teleavis_home / DB_FILE, isolation_level=None, check_same_thread=False, factory=ExclusiveConnection
    )
    conn.execute("PRAGMA locking_mode=EXCLUSIVE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("SELECT count(*) FROM cases").fetchone()
    alone = Store(teleavis_home, key, conn)
    try:
        with pytest.raises(StorageError) as refused:
            alone.clone()
        assert "l'était quand Teleavis a ouvert ses données" in refused.value.message
        assert "fermez Teleavis et rouvrez-le" in refused.value.message
    finally:
        conn.close()


def test_an_answer_that_finds_the_disk_full_says_to_free_space_and_reopen_and_comes_again(tmp_path: Path) -> None:
    """Found in review: the expert's answer polled onto a full disk was said « ce dernier enregistrement
    n'a pas été fait … puis recommencez », with nothing to do again (the sync's, not the nurse's). The words
    are the other full disks' way out (free space, then close Teleavis and open it again), say nothing is
    lost and that the answer comes again; nothing half stored, and the next poll, the space freed, brings
    it whole."""
    report = on_a_small_disk(tmp_path, "answer_disk_full_child")
    words = report["words"]
    assert words is not None and "Le disque est plein" in words
    assert "réponse de l'expert" in words and "Rien n'est perdu" in words
    assert "Libérez de la place" in words and "fermez Teleavis et rouvrez-le" in words
    assert "recommencez" not in words
    assert report["state"] == "sent" and not report["answer"]  # nothing half stored
    # Found in review: downloaded again at every pass onto a disk that could not hold it (the window's sync
    # starts again every 30 s), megabytes each time on a satellite link; its declared size tells at once.
    assert report["downloads_while_full"] == 0
    assert report["answered"] and report["whole"] and report["now"]
    assert report["integrity"] == "ok"
