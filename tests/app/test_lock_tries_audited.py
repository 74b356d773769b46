"""Wrong codes typed at the lock are in the audit log.

Found from outside (review 34): someone trying codes at a workstation left locked left no line in the
audit log: the wrong tries were only counted (for the wait they make), and that count was forgotten once
the right code was typed. Whether, when and how often the lock was tried is what the log is read for
after a workstation was left unattended."""

from __future__ import annotations

from app import audit, screen_lock
from app.store import Store
from tests.conftest import PASSPHRASE


def _lock_lines(store: Store) -> list[str]:
    return [str(row[0]) for row in store.conn.execute("SELECT detail FROM audit WHERE action='lock' ORDER BY seq")]


def test_each_wrong_try_is_audited_and_the_right_code_is_not_said_wrong(store: Store) -> None:
    screen_lock.set_pin(store, "4821")

    assert not screen_lock.try_secret(store, "0000").ok
    assert not screen_lock.try_secret(store, "1234").ok
    assert screen_lock.try_secret(store, "4821").ok
    assert screen_lock.try_secret(store, PASSPHRASE).ok

    assert _lock_lines(store) == ["wrong code or passphrase (1 in a row)", "wrong code or passphrase (2 in a row)"]
    words = " ".join(_lock_lines(store))
    assert "0000" not in words and "1234" not in words  # what was typed is never written
    assert audit.verify(store.conn, store.key).ok


def test_nothing_typed_is_no_try_and_no_line(store: Store) -> None:
    screen_lock.set_pin(store, "4821")
    assert not screen_lock.try_secret(store, "").ok
    assert _lock_lines(store) == []
