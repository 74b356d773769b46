"""The passphrase: strong enough, costly to guess, changeable, and old installations still open."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from app import i18n, keystore
from app.errors import DataLocked, UsageError
from app.keystore import KeyStore, WrongPassphrase
from app.passphrase_rules import weakness
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.cli import run_process
from tests.support.held_open import HeldOpen

STRONG = "lampadaire cerise tonnerre 42"


@pytest.mark.parametrize(
    "weak",
    [
        "a",
        "azerty",
        "aaaaaaaaaaaaaaaa",
        "123456789012",
        "azertyuiop12",
        "motdepasse2024!",
        "abcabcabcabc",
        "soleil soleil soleil",
        "lampe girafe orage biscuit",
    ],
)
def test_guessable_passphrases_are_refused_with_a_way_out(weak: str) -> None:
    problem = weakness(weak)
    assert problem is not None and "quatre mots" in problem.lower()
    i18n.set_language("en")
    assert "four unrelated words" in (weakness(weak) or "").lower()


def test_the_example_given_refused_says_to_take_ones_own_words() -> None:
    """From an outside run: the refusal's own example, copied, was refused with the same advice, naming
    it again: a loop. The advice now says to take other words than the example's."""
    assert "mais pas ceux-là (un exemple publié est refusé)" in (weakness("lampe girafe orage biscuit") or "")
    i18n.set_language("en")
    assert "but not those (a published example is refused)" in (weakness("lamp giraffe storm biscuit") or "")


@pytest.mark.parametrize("strong", [PASSPHRASE, STRONG, "Tr0ub4dor&3xq!", "correct horse battery staple"])
def test_a_few_unrelated_words_are_accepted(strong: str) -> None:
    assert weakness(strong) is None


def test_a_weak_passphrase_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(DataLocked) as refused:
        KeyStore(tmp_path, passphrase=lambda _confirm: "x").create()
    assert "trop courte" in refused.value.message
    assert not (tmp_path / "key.json").exists()
    result = run_process("status", env={"TELEAVIS_HOME": str(tmp_path / "h"), "TELEAVIS_PASSPHRASE": "1234"})
    assert result.code == 3 and "TELEAVIS_PASSPHRASE" in result.err and "trop courte" in result.err


def test_a_new_installation_wraps_the_key_at_n_2_17_or_more(tmp_path: Path) -> None:
    home = tmp_path / "h"
    assert run_process("status", env={"TELEAVIS_HOME": str(home)}).code == 0
    wrapped = json.loads((home / "key.json").read_text())["passphrase"]
    assert wrapped["kdf"] == "scrypt" and wrapped["n"] >= 2**17 and wrapped["r"] >= 8
    started = time.perf_counter()
    assert KeyStore(home, passphrase=lambda _confirm: PASSPHRASE).passphrase_opens(PASSPHRASE)
    print(
        f"[measure] scrypt N=2^{wrapped['n'].bit_length() - 1} r={wrapped['r']}: "
        f"{time.perf_counter() - started:.2f} s to open the key"
    )


def test_an_installation_wrapped_at_n_2_15_opens_and_is_rewrapped(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keystore, "SCRYPT_N", 2**15)
    with Store.open(teleavis_home) as store:
        store.settings.set("platform.token", "jeton")
    assert json.loads((teleavis_home / "key.json").read_text())["passphrase"]["n"] == 2**15
    monkeypatch.setattr(keystore, "SCRYPT_N", 2**17)
    with Store.open(teleavis_home) as store:
        assert store.settings.get("platform.token") == "jeton"
    assert json.loads((teleavis_home / "key.json").read_text())["passphrase"]["n"] == 2**17
    with Store.open(teleavis_home) as store:
        assert store.settings.get("platform.token") == "jeton"


def test_passphrase_change_from_the_command_line(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        store.settings.set("platform.token", "jeton")
    before = (teleavis_home / "key.json").read_bytes()

    weak = run_process("passphrase", "change", env={"TELEAVIS_NEW_PASSPHRASE": "abc"})
    assert weak.code == 2 and "trop courte" in weak.err
    wrong = run_process(
        "passphrase", "change", env={"TELEAVIS_PASSPHRASE": "pas la bonne du tout", "TELEAVIS_NEW_PASSPHRASE": STRONG}
    )
    assert wrong.code == 3 and "incorrecte" in wrong.err
    assert (teleavis_home / "key.json").read_bytes() == before, "nothing changed after a refusal"

    done = run_process("passphrase", "change", env={"TELEAVIS_NEW_PASSPHRASE": STRONG})
    assert done.code == 0, done.err
    assert "Phrase secrète changée" in done.err
    with pytest.raises(WrongPassphrase):
        Store.open(teleavis_home, passphrase=lambda _confirm: PASSPHRASE)
    with Store.open(teleavis_home, passphrase=lambda _confirm: STRONG) as store:
        assert store.settings.get("platform.token") == "jeton"
        assert store.conn.execute("SELECT detail FROM audit ORDER BY seq DESC LIMIT 1").fetchone()[0] == "passphrase"
    assert "passphrase" in run_process("--help").out


def test_change_refuses_the_same_or_a_weak_passphrase(teleavis_home: Path) -> None:
    Store.open(teleavis_home).close()
    keys = KeyStore(teleavis_home)
    with pytest.raises(UsageError):
        keys.change_passphrase(PASSPHRASE, PASSPHRASE)
    with pytest.raises(UsageError):
        keys.change_passphrase(PASSPHRASE, "azerty123")
    with pytest.raises(WrongPassphrase):
        keys.change_passphrase("une autre phrase pas la bonne", STRONG)
    keys.change_passphrase(PASSPHRASE, STRONG)
    assert keys.passphrase_opens(STRONG) and not keys.passphrase_opens(PASSPHRASE)


def test_a_passphrase_change_says_that_the_backups_made_before_still_open_with_the_old_one(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """Found from outside: a passphrase changed because it may have leaked (a colleague who left) said
    « Phrase secrète changée » and nothing more, but every backup made before (the backup folder keeps the
    last seven, a USB drive keeps what it holds) carries the key wrapped under the old one and comes back
    with it alone, on any computer. The command says so, and what to do."""
    with Store.open(teleavis_home) as store:
        store.settings.set("platform.token", "jeton")
    before = tmp_path / "avant.tvbak"
    assert run_process("backup", str(before)).code == 0
    done = run_process("passphrase", "change", env={"TELEAVIS_NEW_PASSPHRASE": STRONG})
    assert done.code == 0, done.err
    assert "sauvegardes faites avant" in done.err and "ancienne phrase secrète" in done.err
    # What it says is true: the backup made before comes back elsewhere with the old passphrase alone.
    elsewhere = {"TELEAVIS_HOME": str(tmp_path / "ailleurs"), "TELEAVIS_PASSPHRASE": PASSPHRASE}
    assert run_process("restore", str(before), env=elsewhere).code == 0


def test_the_key_wrapped_under_the_old_passphrase_is_written_over_once_replaced(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """Found from outside: key.json rewritten under the new passphrase replaced the old file by a rename,
    leaving its blocks free on the disk, whole: the data key wrapped under the old passphrase, which is
    the data key for whoever knew that one (the reason to change it) and can read the disk. The old file
    is written over with zeros once replaced (seen through the file held open)."""
    Store.open(teleavis_home).close()
    witness = HeldOpen(teleavis_home / "key.json")
    size = witness.stat().st_size
    assert b"wrapped" in witness.read_bytes()
    done = run_process("passphrase", "change", env={"TELEAVIS_NEW_PASSPHRASE": STRONG})
    assert done.code == 0, done.err
    assert witness.read_bytes() == bytes(size)
    with Store.open(teleavis_home, passphrase=lambda _confirm: STRONG) as store:
        assert store.key.by_passphrase


def test_a_passphrase_added_to_a_keyring_only_installation_speaks_of_no_old_one(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: a passphrase added where the key was in the system's keyring only said that the backups
    made before « still open with the old passphrase », there being none (no backup of it holds the key wrapped
    under one)."""
    from tests.support.cli import run_inprocess
    from tests.support.keyring import memory_keyring

    with memory_keyring():
        monkeypatch.delenv("TELEAVIS_PASSPHRASE")
        Store.open(teleavis_home, passphrase=lambda _confirm: None).close()
        assert not KeyStore(teleavis_home).has_passphrase()
        monkeypatch.setenv("TELEAVIS_NEW_PASSPHRASE", STRONG)
        done = run_inprocess(capsys, "passphrase", "change")
    assert done.code == 0, done.err
    assert "Phrase secrète changée" in done.err
    assert "ancienne phrase secrète" not in done.err


def test_a_change_that_keeps_the_key_says_that_a_copy_taken_before_still_opens_todays_data(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """Found from outside: a passphrase changed because it may have leaked was told to « make a backup now,
    then delete the old ones », as if that were enough. Without --rotate-key the data key stays the same: a
    backup (or key.json) copied before, with the old passphrase, gives that key, which opens today's data and
    every backup made from now on. The command says so, and that --rotate-key is what closes it."""
    Store.open(teleavis_home).close()
    key_id = json.loads((teleavis_home / "key.json").read_text("utf-8"))["key_id"]
    done = run_process("passphrase", "change", env={"TELEAVIS_NEW_PASSPHRASE": STRONG})
    assert done.code == 0, done.err
    assert json.loads((teleavis_home / "key.json").read_text("utf-8"))["key_id"] == key_id, "the same data key"
    assert "--rotate-key" in done.err and "sauvegardes à venir" in done.err, done.err

    rotated = run_process(
        "passphrase",
        "change",
        "--rotate-key",
        env={"TELEAVIS_PASSPHRASE": STRONG, "TELEAVIS_NEW_PASSPHRASE": "cornichon valise aurore 17"},
    )
    assert rotated.code == 0, rotated.err
    assert json.loads((teleavis_home / "key.json").read_text("utf-8"))["key_id"] != key_id
    assert "ancienne phrase secrète" in rotated.err and "sauvegardes à venir" not in rotated.err, rotated.err


def test_a_restore_that_brings_back_the_backups_passphrase_says_so(teleavis_home: Path, tmp_path: Path) -> None:
    """Found from outside: a backup made before a passphrase change, restored, brings back its own key.json:
    the data then opens with the old passphrase only (the one typed for the restore), and no longer with
    the one chosen since (maybe because the old one leaked). The restore said only « Sauvegarde … restaurée »;
    the next start refused the new one as « incorrecte ». It now says which passphrase opens the data."""
    Store.open(teleavis_home).close()
    before = tmp_path / "avant.tvbak"
    assert run_process("backup", str(before)).code == 0
    same = run_process("restore", "--force", str(before))
    assert same.code == 0, same.err
    assert "phrase secrète de la sauvegarde" not in same.err, "nothing to say: the passphrase did not change"

    assert run_process("passphrase", "change", env={"TELEAVIS_NEW_PASSPHRASE": STRONG}).code == 0
    back = run_process("restore", "--force", str(before))
    assert back.code == 0, back.err
    assert "phrase secrète de la sauvegarde" in back.err and "passphrase change" in back.err, back.err
    assert KeyStore(teleavis_home).passphrase_opens(PASSPHRASE) and not KeyStore(teleavis_home).passphrase_opens(STRONG)
