"""Data-key rotation: a new key, everything re-sealed under it, nothing altered laundered, and a
kill -9 at any moment leaves the old or the new key working (issue 13.3)."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from app import audit, rotation
from app.crypto import DataKey, DecryptionFailed
from app.db import transaction
from app.errors import DataAltered, StorageError
from app.fsutil import read_replaced
from app.keystore import KeyStore, WrongPassphrase
from app.model import Answer
from app.outbox import Outbox
from app.store import Store
from tests.conftest import PASSPHRASE
from tests.support.cli import ROOT
from tests.support.held_open import HeldOpen
from tests.sync.sync_helpers import make_case

OTHER = "lampadaire cerise tonnerre 42"


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a user sees, decrypted: cases, images' bytes, messages, answers, secret settings,
    the search by name, and the audit check."""
    cases = {}
    for (case_id,) in store.conn.execute("SELECT id FROM cases ORDER BY id").fetchall():
        case = store.get_case(case_id)
        answer = store.answer(case_id)
        cases[case_id] = {
            "content": case.content(),
            "images": [store.objects.get(image.blob) for image in case.images],
            "answer": answer.conclusion if answer else None,
            "messages": [m.text for m in Outbox(store).messages(case_id)],
            "platform": store.platform_info(case_id),
            "outbox": Outbox(store).row(case_id),
        }
    return {
        "cases": cases,
        "token": store.settings.get("platform.token"),
        "found": sorted(s.id for s in store.list_cases(search="martin")),
        "audit_ok": audit.verify(store.conn, store.key).ok,
    }


def filled(home: Path, *, cases: int = 3, image_size: int = 0) -> dict[str, Any]:
    with Store.open(home) as store:
        for seed in range(cases):
            pictures = [os.urandom(image_size) for _ in range(2)] if image_size else None
            case_id = make_case(store, images=2, seed=seed, image_bytes=pictures)
            with transaction(store.conn) as conn:
                store.set_answer(conn, case_id, Answer(conclusion=f"Avis {seed} : surveillance", expert="Dr Expert"))
            Outbox(store).queue_reply(case_id, f"Photo {seed} ajoutée", [], None)
            Outbox(store).postpone(case_id, f"Plateforme indisponible pour MARTIN {seed}", 60)
            with transaction(store.conn) as conn:
                store.set_platform_words(conn, case_id, status_reason=f"Motif {seed}", business_status="en cours")
        store.settings.set("platform.token", "jeton-secret")
        return snapshot(store)


def key_bytes(home: Path, secret: str) -> bytes:
    store = Store.open(home, passphrase=lambda _c: secret)
    try:
        store.key.ensure()
        return store.key._key
    finally:
        store.close()


def test_rotation_reseals_everything_under_a_new_key(teleavis_home: Path) -> None:
    before = filled(teleavis_home)
    old_id = KeyStore(teleavis_home).read_meta()["key_id"]
    old_key = key_bytes(teleavis_home, PASSPHRASE)
    with Store.open(teleavis_home) as store:
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
    meta = KeyStore(teleavis_home).read_meta()
    assert meta["key_id"] != old_id and "next" not in meta
    with Store.open(teleavis_home) as store:
        assert store.key._key != old_key
        assert snapshot(store) == before
        assert store.settings.verify_all() == []
        # Nothing opens under the old key any more: every blob and every sealed column was re-made.
        old = DataKey(old_key)
        for blob in store.objects.ids():
            with pytest.raises(StorageError):
                type(store.objects)(store.objects.root, old).get(blob)
        for content, case_id in store.conn.execute("SELECT content, id FROM cases"):
            with pytest.raises(DecryptionFailed):
                old.open(content, f"case:{case_id}:content".encode())
        assert not audit.verify(store.conn, old).ok


def test_what_was_altered_stays_altered(teleavis_home: Path) -> None:
    filled(teleavis_home)
    with Store.open(teleavis_home) as store:
        store.settings.set("platform.url", "https://plateforme.example")
    with sqlite3.connect(teleavis_home / "teleavis.db", isolation_level=None) as raw:
        raw.execute("UPDATE settings SET value='\"https://attacker.example\"' WHERE key='platform.url'")
    with Store.open(teleavis_home) as store:
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
    with Store.open(teleavis_home) as store, pytest.raises(DataAltered):
        store.settings.get("platform.url")


def test_a_sealed_column_rotation_does_not_know_stops_it_before_anything_changes(teleavis_home: Path) -> None:
    before = filled(teleavis_home)
    with Store.open(teleavis_home) as store:
        store.conn.execute(
            "UPDATE case_events SET detail = ? WHERE rowid = 1", (store.key.seal(b"raison", b"event:1:detail"),)
        )
        with pytest.raises(StorageError, match=r"case_events\.detail"):
            rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
        store.conn.execute("UPDATE case_events SET detail = '' WHERE rowid = 1")
    # Interrupted before its transaction: the next open finishes it, and nothing is lost.
    assert KeyStore(teleavis_home).rotation_pending()
    with Store.open(teleavis_home) as store:
        assert snapshot(store) == before
    assert not KeyStore(teleavis_home).rotation_pending()


def rotate_by_command() -> subprocess.CompletedProcess[str]:
    """``teleavis passphrase change --rotate-key``, the new passphrase from the environment."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), TELEAVIS_NEW_PASSPHRASE=OTHER)
    return subprocess.run(
        [sys.executable, "-m", "app.main", "passphrase", "change", "--rotate-key"],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=300,
        check=False,
    )


def test_the_command_changes_the_passphrase_and_the_key(teleavis_home: Path) -> None:
    before = filled(teleavis_home)
    old_id = KeyStore(teleavis_home).read_meta()["key_id"]
    done = rotate_by_command()
    assert done.returncode == 0, done.stderr
    assert "rechiffré" in done.stderr
    assert KeyStore(teleavis_home).read_meta()["key_id"] != old_id
    with Store.open(teleavis_home, passphrase=lambda _c: OTHER) as store:
        assert snapshot(store) == before


def test_the_command_leaves_no_training_data_under_the_old_key(teleavis_home: Path) -> None:
    """Found from outside: after « tout a été rechiffré », the training platform's store (its Patients,
    their INS, the photos) still opened with the retired key, until training next started."""
    from sync.training import ensure_sandbox, stop_sandboxes

    with Store.open(teleavis_home) as store:
        make_case(store, images=1, seed=7)
        ensure_sandbox(store)
    stop_sandboxes()
    assert any((teleavis_home / "sandbox").iterdir())
    done = rotate_by_command()
    assert done.returncode == 0, done.stderr
    assert "plateforme d'essai (mode formation), chiffrées avec l'ancienne clé, ont été effacées" in done.stderr
    assert not (teleavis_home / "sandbox").exists()


KILLS = 20


def pending(home: Path) -> bool:
    try:
        # Read as the keystore reads it: the old file's blocks zeroed once replaced, read again by its name.
        return bool(json.loads(read_replaced(home / "key.json")).get("next"))
    except ValueError:  # caught between write and rename: never, key.json is replaced atomically
        raise AssertionError("key.json seen half-written") from None


@pytest.mark.slow
def test_sigkill_during_rotation_leaves_the_old_or_the_new_key_working(teleavis_home: Path) -> None:
    before = filled(teleavis_home, cases=6, image_size=2_000_000)
    rng = random.Random(20261201)
    secrets = [PASSPHRASE, OTHER]
    current = 0
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    mid_rotation = 0
    # How long the re-sealing takes here, from the next key recorded to the end: the kills are drawn
    # inside that span, whether the machine is quick (a fraction of a second) or loaded.
    child = subprocess.Popen(
        [sys.executable, "-m", "app.main", "passphrase", "change", "--rotate-key"],
        env=dict(env, TELEAVIS_PASSPHRASE=secrets[current], TELEAVIS_NEW_PASSPHRASE=secrets[1 - current]),
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    while child.poll() is None and not pending(teleavis_home):
        time.sleep(0.001)
    started = time.monotonic()
    assert child.wait(timeout=300) == 0
    resealing = time.monotonic() - started
    current = 1 - current
    for round_ in range(KILLS):
        child = subprocess.Popen(
            [sys.executable, "-m", "app.main", "passphrase", "change", "--rotate-key"],
            env=dict(env, TELEAVIS_PASSPHRASE=secrets[current], TELEAVIS_NEW_PASSPHRASE=secrets[1 - current]),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        if round_ % 4 == 0:
            time.sleep(rng.uniform(0.2, 4.0))  # anywhere: the passphrase change, the opening, the rotation
        else:
            # Once the next key is recorded, the re-sealing runs: kill somewhere inside it.
            while child.poll() is None and not pending(teleavis_home):
                time.sleep(0.002)
            time.sleep(rng.uniform(0.0, 0.8 * resealing))
        child.send_signal(signal.SIGKILL)
        child.wait()
        mid_rotation += pending(teleavis_home)
        # Whichever passphrase is now the one opens the data, finishes the rotation and loses nothing.
        for candidate in (current, 1 - current):
            try:
                with Store.open(teleavis_home, passphrase=lambda _c, s=secrets[candidate]: s) as store:
                    assert snapshot(store) == before
                current = candidate
                break
            except WrongPassphrase:
                if candidate != current:
                    raise AssertionError("neither passphrase opens the data") from None
        assert not pending(teleavis_home)
    print(
        f"[measure] re-sealing {resealing:.2f} s; {KILLS} kills, {mid_rotation} of them in the middle of a "
        "rotation, all recovered"
    )
    assert mid_rotation >= KILLS // 4, f"only {mid_rotation} kills landed during a rotation"


def test_no_rotation_while_teleavis_is_open_elsewhere(teleavis_home: Path) -> None:
    filled(teleavis_home)
    before = KeyStore(teleavis_home).read_meta()["key_id"]
    with Store.open(teleavis_home):  # the window, say
        env = dict(os.environ, PYTHONPATH=str(ROOT), TELEAVIS_NEW_PASSPHRASE=OTHER)
        busy = subprocess.run(
            [sys.executable, "-m", "app.main", "passphrase", "change", "--rotate-key"],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=300,
            check=False,
        )
    assert busy.returncode == 1 and "ouvert ailleurs" in busy.stderr
    keys = KeyStore(teleavis_home)
    assert keys.read_meta()["key_id"] == before and not keys.rotation_pending(), "the key did not change"
    assert keys.passphrase_opens(PASSPHRASE) and not keys.passphrase_opens(OTHER), "nor the passphrase"


def test_no_rotation_begins_that_the_disk_has_no_room_to_finish(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by fault injection (a 40 MB disk, 400 KB free): the passphrase was changed, then the
    re-sealing stopped for want of space; every command after it, reading the worklist included, said
    the disk was full until space was freed, and the words said to start again, which the old
    passphrase, now refused, could not. Refused before anything changes, saying how much room it needs."""
    import shutil
    from collections import namedtuple

    from app.main import main

    filled(teleavis_home, image_size=200_000)
    before = KeyStore(teleavis_home).read_meta()["key_id"]
    assert rotation.room_needed(teleavis_home) > 200_000
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(shutil, "disk_usage", lambda _path: usage(10**9, 10**9 - 400_000, 400_000))
    monkeypatch.setenv("TELEAVIS_NEW_PASSPHRASE", OTHER)
    capsys.readouterr()
    code = main(["passphrase", "change", "--rotate-key"])
    err = capsys.readouterr().err
    assert code == 1
    assert "Pas assez de place sur le disque pour rechiffrer" in err and "rien n'a été changé" in err
    assert "Phrase secrète changée" not in err
    keys = KeyStore(teleavis_home)
    assert keys.read_meta()["key_id"] == before and not keys.rotation_pending(), "the key did not change"
    assert keys.passphrase_opens(PASSPHRASE) and not keys.passphrase_opens(OTHER), "nor the passphrase"


def test_the_room_a_rotation_needs_counts_the_padding_of_blobs_still_unpadded(teleavis_home: Path) -> None:
    """Found in review: a rotation writes the blobs still of the format before (``TVB1``: those migration 25
    could not pad, on a disk full then) again padded, some 5 % larger each; the room it checks for was the
    database and the largest blob only, so a rotation begun on a disk with that room stopped for want of space
    part-way, every command failing after it until space was freed. The room counts their padding."""
    from app.blobs import ObjectStore

    def used() -> int:
        return sum(path.stat().st_size for path in teleavis_home.rglob("*") if path.is_file())

    with Store.open(teleavis_home) as store:
        objects = ObjectStore(teleavis_home / "objects", store.key)
        for _ in range(60):
            blob_id = objects.put(os.urandom(1_000_000))
            with objects._path(blob_id).open("wb") as handle:  # (the format before: unpadded)
                handle.write(b"TVB1")
                store.key.seal_to(os.urandom(1_000_000), b"blob:" + blob_id.encode(), handle)
    needed, before = rotation.room_needed(teleavis_home), used()
    with Store.open(teleavis_home) as store:
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
    largest = max(path.stat().st_size for path in (teleavis_home / "objects").glob("*/*"))
    assert used() - before + largest <= needed, (used() - before, largest, needed)


def test_a_rotation_the_version_before_began_leaves_every_blob_padded_once_finished(teleavis_home: Path) -> None:
    """Found in review: a rotation the version before began (its blobs re-sealed unpadded, ``TVB1``, under the new
    key) and a kill cut, finished after the upgrade: migration 25 pads under the database's key, the old one,
    and left those under the new key as they were; the rotation then skipped them as already re-sealed, and
    their file sizes went on telling the photos' sizes. The rotation pads a blob already under the new key."""
    from app.blobs import open_sealed, padded

    before = filled(teleavis_home, image_size=30_000)
    with Store.open(teleavis_home) as store:
        store.conn.execute("PRAGMA user_version = 24")
        old = store.key
        _new_id, raw = KeyStore(teleavis_home).begin_rotation(PASSPHRASE)
        new = DataKey(raw)
        blobs = sorted(path for path in (teleavis_home / "objects").glob("*/*") if path.is_file())
        for path in blobs[: len(blobs) // 2]:  # re-sealed by the version before when the kill came
            plain = open_sealed(old, path.read_bytes(), path.name)
            with path.open("wb") as handle:
                handle.write(b"TVB1")
                new.seal_to(plain, b"blob:" + path.name.encode(), handle)
    with Store.open(teleavis_home) as store:
        assert snapshot(store) == before
    assert not KeyStore(teleavis_home).rotation_pending()
    assert [path.name for path in blobs if not padded(path.read_bytes())] == []


def test_nothing_sealed_under_the_old_key_stays_in_the_database_files(teleavis_home: Path) -> None:
    """Found from outside: a key rotation (asked because the old key or passphrase may have leaked)
    re-sealed every row, but the rows as they were, under the old key, stayed in the database's files:
    in the main file until SQLite's next checkpoint, and in the WAL's earlier frames, never truncated.
    Whoever had the old key and a copy of the folder made after the rotation read them all."""
    filled(teleavis_home, cases=2)
    with Store.open(teleavis_home) as store:
        before = [
            bytes(value)[:48]
            for row in store.conn.execute("SELECT content, answer, images_seal FROM cases")
            for value in row
            if value
        ]
        before += [bytes(row[0])[:48] for row in store.conn.execute("SELECT meta FROM images") if row[0]]
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
        held = b"".join(p.read_bytes() for p in sorted(teleavis_home.glob("teleavis.db*")) if p.is_file())
    assert len(before) >= 8
    assert [value for value in before if value in held] == []


def test_the_files_under_the_old_key_are_written_over_once_replaced(teleavis_home: Path, tmp_path: Path) -> None:
    """Found from outside: each blob re-sealed under the new key replaced the old file by a rename, which
    leaves the old file's blocks free on the disk, whole: a recovery tool and the old key read the photos
    again. The old file is written over with zeros once replaced (seen through the file held open)."""
    before = filled(teleavis_home, cases=1)
    with Store.open(teleavis_home) as store:
        witnesses = []
        for blob in store.objects.ids():
            witness = HeldOpen(store.objects.root / blob[:2] / blob)
            witnesses.append(witness)
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
        assert len(witnesses) >= 2
        assert [w.name for w in witnesses if w.read_bytes().count(0) != w.stat().st_size] == []
    with Store.open(teleavis_home) as store:
        assert snapshot(store) == before  # (the new files, whole)


def test_a_snapshot_that_cannot_be_sealed_under_the_new_key_is_written_over_as_it_goes(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: a pre-migration snapshot a rotation could not seal again (a full disk) was removed by an
    unlink only, its blocks left whole under the old key, which a rotation retires because it may have leaked."""
    import errno

    from app import db
    from app.crypto import new_key

    with Store.open(teleavis_home) as store:
        snapshot = teleavis_home / "teleavis.db.v24-20261101T090000000000-abcdef.bak"
        db.seal_snapshot(store.conn, snapshot, store.key)
        witness = HeldOpen(snapshot)
        size = witness.stat().st_size

        def full(*_args: object) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

        monkeypatch.setattr(db, "_seal_in_place", full)
        db.reseal_snapshots(teleavis_home / "teleavis.db", store.key, DataKey(new_key()))
    assert not snapshot.exists()
    assert witness.read_bytes() == bytes(size)
