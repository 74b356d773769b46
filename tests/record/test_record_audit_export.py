"""The audit trail for a period (app/audit_export.py): viewed, exported as CSV, chain verified."""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from app.audit_export import AuditBroken, audit_rows, export_csv
from app.store import Store
from tests.record.record_cases import make_case
from tests.support.cli import run_inprocess


def at(day: int) -> datetime:
    return datetime(2026, 3, day, 23, 59, 59, tzinfo=UTC)


@pytest.fixture
def three_days(store: Store) -> list[str]:
    """One case created on each of 1, 2 and 3 March, then viewed the same day."""
    ids = []
    with pytest.MonkeyPatch.context() as clock:
        for day in (1, 2, 3):
            clock.setattr("app.store.utc_now", lambda day=day: at(day))
            clock.setattr("app.audit.utc_now", lambda day=day: at(day))
            case_id = make_case(store, images=1)
            store.get_case(case_id, audit_view=True)
            ids.append(case_id)
    return ids


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    text = path.read_text("utf-8-sig")
    comments = [line for line in text.splitlines() if line.startswith("#")]
    rows = list(csv.DictReader(line for line in text.splitlines() if not line.startswith("#")))
    return comments, rows


def test_export_of_a_period_with_the_chain_verified(store: Store, three_days: list[str], tmp_path: Path) -> None:
    target = tmp_path / "audit.csv"
    result = export_csv(store, target, date(2026, 3, 2), date(2026, 3, 3))

    comments, rows = read_csv(target)
    assert result.rows == len(rows) == 4
    assert [(r["action"], r["case_id"]) for r in rows] == [
        ("created", three_days[1]),
        ("viewed", three_days[1]),
        ("created", three_days[2]),
        ("viewed", three_days[2]),
    ]
    assert all(r["at"].startswith(("2026-03-02", "2026-03-03")) for r in rows)
    assert any("Chaîne de hachage vérifiée à l'export : 6 entrées intactes" in c for c in comments)
    assert any("2026-03-02 → 2026-03-03" in c for c in comments)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheet programs then read the accents
    last = audit_rows(store)[-1]
    assert (last.action, last.detail) == ("exported", "audit csv 2026-03-02..2026-03-03, 4 entries")


def test_open_ends_and_the_view(store: Store, three_days: list[str]) -> None:
    assert [r.case_id for r in audit_rows(store, end=date(2026, 3, 1))] == [three_days[0]] * 2
    assert len(audit_rows(store, start=date(2026, 3, 3))) == 2
    assert len(audit_rows(store)) == 6


def test_a_tampered_trail_is_not_exported(
    store: Store, three_days: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Someone with the database file in hand removes the trigger and rewrites one entry.
    store.conn.execute("DROP TRIGGER audit_no_update")
    store.conn.execute("UPDATE audit SET actor = 'quelqu''un' WHERE seq = 3")
    target = tmp_path / "audit.csv"
    with pytest.raises(AuditBroken, match="entrée n° 3"):
        export_csv(store, target)
    assert not target.exists()
    store.close()
    result = run_inprocess(capsys, "audit", "export", "--csv", str(target))
    assert result.code == 1 and "Export refusé" in result.err
    assert not target.exists()


def test_cli_list_and_export(
    store: Store, three_days: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store.close()
    listed = run_inprocess(capsys, "audit", "list", "--from", "2026-03-03", "--json")
    assert listed.code == 0
    assert [(r["action"], r["case_id"]) for r in listed.json()] == [
        ("created", three_days[2]),
        ("viewed", three_days[2]),
    ]
    text = run_inprocess(capsys, "audit", "list", "--to", "2026-03-01")
    assert text.code == 0 and len(text.out.splitlines()) == 2 and three_days[0] in text.out

    target = tmp_path / "journal.csv"
    done = run_inprocess(capsys, "audit", "export", "--from", "2026-03-01", "--to", "2026-03-31", "--csv", str(target))
    assert done.code == 0 and "6 entrées, chaîne vérifiée" in done.err
    assert len(read_csv(target)[1]) == 6

    backwards = run_inprocess(
        capsys, "audit", "export", "--from", "2026-03-31", "--to", "2026-03-01", "--csv", str(target)
    )
    assert backwards.code == 2 and "à l'envers" in backwards.err
    with pytest.raises(SystemExit) as usage:
        run_inprocess(capsys, "audit", "list", "--from", "31/03/2026")
    assert usage.value.code == 2
    assert "écrivez AAAA-MM-JJ" in capsys.readouterr().err


def test_a_trail_of_one_entry_is_said_in_the_singular(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Found from outside (tester A, session 36): the export of a new workstation's trail (its one entry, the
    site recorded) said « 1 entrées intactes » in its header."""
    from tests.support.cli import SITE, write_json

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    target = tmp_path / "audit.csv"
    assert run_inprocess(capsys, "audit", "export", "--csv", str(target)).code == 0
    comments, rows = read_csv(target)
    assert len(rows) == 1
    assert any("1 entrée intacte (n° 1 à 1)" in line for line in comments), comments
