"""``doctor`` said « Base intègre » while a case no longer opened (its sealed content altered or damaged
outside Teleavis): only SQLite's integrity check ran, which cannot see a sealed value that does not open.
Found from outside (tester A, session 36). Each case is now opened, and the ones that do not are named, with
what to do; a backup made meanwhile says it carries them as they are."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from app import doctor
from app.commands.doctor import diagnose
from app.store import Store
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import make_case


def _two_cases_one_altered(home: Path) -> tuple[str, str]:
    with Store.open(home) as store:
        store.settings.set("language", "fr")
        healthy = make_case(store, seed=1)
        altered = make_case(store, seed=2)
    with sqlite3.connect(home / "teleavis.db", isolation_level=None) as raw:
        (sealed,) = raw.execute("SELECT content FROM cases WHERE id=?", (healthy,)).fetchone()
        raw.execute("UPDATE cases SET content=? WHERE id=?", (sealed, altered))  # another case's sealed content
    return healthy, altered


def _check(home: Path, name: str) -> doctor.Check:
    (check,) = [c for c in diagnose(home, camera_probe=list, platform_probe=lambda _root: None) if c.name == name]
    return check


def test_the_doctor_names_a_case_that_no_longer_opens(teleavis_home: Path) -> None:
    healthy, altered = _two_cases_one_altered(teleavis_home)
    check = _check(teleavis_home, "cases")
    assert check.status == doctor.FAILED, check
    assert altered[:8] in check.detail and healthy[:8] not in check.detail, check
    assert "ne s'ouvre plus" in check.detail and "sauvegarde" in check.advice, check
    assert _check(teleavis_home, "database").status == doctor.OK  # SQLite's own check still sees nothing


def test_the_doctor_says_every_case_opens(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        store.settings.set("language", "fr")
        make_case(store, seed=1)
    check = _check(teleavis_home, "cases")
    assert check.status == doctor.OK and "1 dossier" in check.detail, check


def test_the_doctor_says_the_cases_were_not_opened_without_the_key(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_cases_one_altered(teleavis_home)
    monkeypatch.delenv("TELEAVIS_PASSPHRASE")
    check = _check(teleavis_home, "cases")
    assert check.status == doctor.WARNING and "phrase secrète" in check.advice, check


def test_a_backup_says_which_case_it_carries_that_does_not_open(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    healthy, altered = _two_cases_one_altered(teleavis_home)
    made = run_inprocess(capsys, "backup", str(tmp_path / "usb.tvbak"))
    assert (tmp_path / "usb.tvbak").is_file(), made.err
    assert altered[:8] in made.err and healthy[:8] not in made.err, made.err
    assert "tel quel" in made.err, made.err
