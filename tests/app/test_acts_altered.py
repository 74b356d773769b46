"""One case whose data was altered outside Teleavis (its sealed content swapped or damaged in the database)
stopped the whole year's billing export: ``acts export`` ended on « Données altérées : un élément de ce
dossier… » without saying which case, and wrote nothing, so none of the year's acts could be billed. Found
from outside (tester A, session 36), the way an odd answer once held all the others back. The other acts are
exported; the one left out is named on stderr, exit 1."""

from __future__ import annotations

import csv
import io
import sqlite3
from pathlib import Path

import pytest

from app import acts
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import jpeg, make_case


def _sent(store: Store, name: str, seed: int) -> str:
    case_id = make_case(store, image_bytes=[jpeg(seed=seed), jpeg(seed=seed + 1)])
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).mark_sent(case_id, f"t-{name}", f"s-{name}", "1")
    return case_id


def test_a_case_altered_leaves_out_its_act_only_and_says_which(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        store.settings.set("platform.url", "https://plateforme.example/fhir")
        store.settings.set("training", "off")
        healthy = _sent(store, "a", 10)
        altered = _sent(store, "b", 20)
        year = acts.utc_now().astimezone().year
    with sqlite3.connect(teleavis_home / "teleavis.db", isolation_level=None) as raw:
        (sealed,) = raw.execute("SELECT content FROM cases WHERE id=?", (healthy,)).fetchone()
        raw.execute("UPDATE cases SET content=? WHERE id=?", (sealed, altered))  # another case's sealed content

    target = tmp_path / "rqd.csv"
    result = run_inprocess(capsys, "acts", "export", "--year", str(year), "--out", str(target))
    assert result.code == 1, result.err
    assert "interne" not in result.err
    assert altered[:8] in result.err and healthy[:8] not in result.err
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert [row["case_id"] for row in rows] == [healthy]

    # To standard output: the same acts, the same words on stderr.
    result = run_inprocess(capsys, "acts", "export", "--year", str(year))
    assert result.code == 1 and altered[:8] in result.err
    assert [row["case_id"] for row in csv.DictReader(io.StringIO(result.out))] == [healthy]


def test_the_case_left_out_does_not_send_the_nurse_to_restore_the_last_backup(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: the export said « Restaurez la dernière sauvegarde et prévenez le support ». The last
    backup, made over the damaged case, holds it as it is (1518e71's backup says so), and a restore replaces
    everything done since: the words of ``doctor`` and ``backup`` are said here too, keep the older backups
    and call the support, who restores the right one."""
    with Store.open(teleavis_home) as store:
        store.settings.set("platform.url", "https://plateforme.example/fhir")
        store.settings.set("training", "off")
        healthy = _sent(store, "a", 10)
        altered = _sent(store, "b", 20)
        year = acts.utc_now().astimezone().year
    with sqlite3.connect(teleavis_home / "teleavis.db", isolation_level=None) as raw:
        (sealed,) = raw.execute("SELECT content FROM cases WHERE id=?", (healthy,)).fetchone()
        raw.execute("UPDATE cases SET content=? WHERE id=?", (sealed, altered))
    for language, keep, call in (("fr", "gardez les sauvegardes", "support"), ("en", "keep the backups", "support")):
        with Store.open(teleavis_home) as store:
            store.settings.set("language", language)
        result = run_inprocess(capsys, "acts", "export", "--year", str(year), "--out", str(tmp_path / "rqd.csv"))
        assert result.code == 1 and altered[:8] in result.err, result.err
        words = result.err.lower()
        assert "dernière sauvegarde" not in words and "last backup" not in words, result.err
        assert keep in words and call in words, result.err
