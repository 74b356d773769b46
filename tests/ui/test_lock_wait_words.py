"""The settings' proof of the current code after too many wrong tries (``screen_lock.prove``) said « Réessayez
dans 1 secondes » (note 36): one second is said in the singular, in French and English, as the lock screen does."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import i18n, screen_lock
from app.errors import UsageError
from app.store import Store
from tests.ui.test_lock_secret import LockClocks


@pytest.mark.parametrize(
    ("language", "one", "many"),
    [("fr", "Réessayez dans 1 seconde.", "Réessayez dans 30 secondes."), ("en", "in 1 second.", "in 30 seconds.")],
)
def test_the_wait_before_proving_the_code_again_counts_its_seconds(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, language: str, one: str, many: str
) -> None:
    clocks = LockClocks(monkeypatch)
    monkeypatch.setattr(i18n, "_current", language)  # (the window's language, as the settings dialog runs it)
    with Store.open(teleavis_home) as store:
        screen_lock.set_pin(store, "4821")
        for _ in range(screen_lock.FREE_TRIES):
            assert not screen_lock.try_secret(store, "0000").ok
        with pytest.raises(UsageError) as waiting:
            screen_lock.prove(store, "4821")
        assert many in waiting.value.message, waiting.value.message
        clocks.advance(29.5)
        with pytest.raises(UsageError) as last:
            screen_lock.prove(store, "4821")
        assert one in last.value.message, last.value.message
