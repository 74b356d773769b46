"""What the database tells whoever holds the file without the key (a copied disk, a stolen backup of the
folder): keyed values only, and nothing that measures a patient's name."""

from __future__ import annotations

from pathlib import Path

from app.db import MIGRATIONS, PHOTO_DIGEST_SCHEMA, schema_version
from app.model import Case, CaseImage, Patient
from app.search_words import patient_words
from app.store import Store


def _token_counts(store: Store) -> dict[str, int]:
    rows = store.conn.execute("SELECT case_id, count(*) FROM search_tokens GROUP BY case_id").fetchall()
    return {str(case_id): int(n) for case_id, n in rows}


def test_the_search_tokens_of_a_case_do_not_tell_how_long_its_patients_names_are(teleavis_home: Path) -> None:
    """Each start of a name (two letters on) is a token: their number per case gave the length of the
    patient's names, in clear. Every case has as many, whatever its patient's names."""
    with Store.open(teleavis_home) as store:
        short = store.create_case(Case(question="Q", patient=Patient(family="Li", given=["Al"])), [])
        long = store.create_case(
            Case(
                question="Q",
                patient=Patient(family="Montgomery-Delacroix", given=["Marie-Bernadette", "Eulalie"], local_id="D5502"),
            ),
            [],
        )
        counts = _token_counts(store)
        assert counts[short] == counts[long]
        assert [r.id for r in store.list_cases(search="li")] == [short]
        assert [r.id for r in store.list_cases(search="montgo eula")] == [long]
        assert [r.id for r in store.list_cases(search="D5502")] == [long]
        store.update_case(store.get_case(short))  # saved again: still as many
        assert _token_counts(store)[short] == counts[long]


def test_the_search_tokens_of_cases_stored_before_are_made_as_many_at_the_upgrade(teleavis_home: Path) -> None:
    """A base from before migration 22 has the tokens of each name's starts only: the upgrade adds to each
    case, and loses none it had (the patient is still found)."""
    with Store.open(teleavis_home) as store:
        short = store.create_case(Case(question="Q", patient=Patient(family="Li", given=["Al"])), [])
        long = store.create_case(Case(question="Q", patient=Patient(family="Montgomery", given=["Eulalie"])), [])
        store.conn.execute("DELETE FROM search_tokens")
        for case_id, names in ((short, ("li", "al")), (long, ("montgomery", "eulalie"))):
            store.conn.executemany(
                "INSERT INTO search_tokens(case_id, token) VALUES (?, ?)",
                [(case_id, store.key.index_token(w[:n])) for w in names for n in range(2, len(w) + 1)],
            )
        before = {row[0] for row in store.conn.execute("SELECT token FROM search_tokens")}
        assert _token_counts(store)[short] != _token_counts(store)[long]
        store.conn.execute("PRAGMA user_version = 21")

    with Store.open(teleavis_home) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        counts = _token_counts(store)
        assert counts[short] == counts[long]
        assert before <= {row[0] for row in store.conn.execute("SELECT token FROM search_tokens")}
        assert [r.id for r in store.list_cases(search="montgo eula")] == [long]


_ANOTHER = Patient(family="Martin", given=["Luc"])


def _file_bytes(home: Path) -> bytes:
    """The database as it is used (not the snapshot a migration keeps a week, to go back from it)."""
    return b"".join(path.read_bytes() for path in (home / "teleavis.db", home / "teleavis.db-wal") if path.exists())


def _hashes(data: bytes) -> list[bytes]:
    import base64
    import hashlib

    digests = [hashlib.sha1(data).digest(), hashlib.sha256(data).digest()]  # noqa: S324 - what is looked for
    return [form for d in digests for form in (d, d.hex().encode(), base64.b64encode(d))]


def _photo_case(store: Store, family: str, data: bytes, *, source: bytes | None = None) -> str:
    from app.store import NewImage, sha1_b64

    image = CaseImage(id=f"img-{family}", body_site="Main droite", width=64, height=48)
    new = NewImage(image, data, None, sha1_b64(source) if source else None)
    return store.create_case(Case(question="Q", patient=Patient(family=family, given=["Anne"])), [new])


def test_whoever_holds_the_file_cannot_tell_a_known_photo_is_in_it(teleavis_home: Path) -> None:
    """The photos' hashes were in clear: whoever holds the file and a photo (one sent by mail, found on a
    phone) could tell it is this workstation's, of this patient. Keyed now; the same photo in another
    patient's case is still found."""
    from app.store import NewImage
    from tests.sync.sync_helpers import jpeg

    photo, original = jpeg(seed=7), jpeg(seed=8)  # (an import rewritten: the file it came from)
    with Store.open(teleavis_home) as store:
        first = _photo_case(store, "Dupont", photo, source=original)
        case = store.get_case(first)
        assert store.image_bytes(case.images[0]) == photo
        for data in (photo, original):
            held = store.copy_held(
                "other", NewImage(CaseImage(id="new"), data), Patient(family="Martin", given=["Luc"])
            )
            assert held == (first, 1, False)
    for data in (photo, original):
        assert not [h for h in _hashes(data) if h in _file_bytes(teleavis_home)]


def test_the_photos_hashes_stored_before_are_keyed_at_the_upgrade(teleavis_home: Path) -> None:
    """A base from before migration 23 keeps its photos' hashes in clear: the upgrade keys them, and the
    case still opens whole, its photos checked, and found in another patient's case."""
    from app.crypto import DataKey
    from app.db import connect
    from app.store import NewImage
    from tests.sync.sync_helpers import jpeg

    photo, original = jpeg(seed=7), jpeg(seed=8)
    with Store.open(teleavis_home) as store:
        key_bytes = store.key._key
        store.conn.execute("DELETE FROM settings WHERE key = 'state.photo_key'")
        store.conn.execute(f"PRAGMA user_version = {PHOTO_DIGEST_SCHEMA - 1}")
    conn = connect(teleavis_home / "teleavis.db")
    old = Store(teleavis_home, DataKey(key_bytes), conn)  # as the version before wrote them
    first = _photo_case(old, "Dupont", photo, source=original)
    conn.close()
    assert [h for h in _hashes(photo) if h in _file_bytes(teleavis_home)]

    with Store.open(teleavis_home) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        case = store.get_case(first)
        assert store.image_bytes(case.images[0]) == photo
        for data in (photo, original):
            held = store.copy_held(
                "other", NewImage(CaseImage(id="new"), data), Patient(family="Martin", given=["Luc"])
            )
            assert held == (first, 1, False)
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    for data in (photo, original):
        assert not [h for h in _hashes(data) if h in _file_bytes(teleavis_home)]


def _tokens(store: Store, case_id: str) -> set[str]:
    return {str(r[0]) for r in store.conn.execute("SELECT token FROM search_tokens WHERE case_id=?", (case_id,))}


def test_a_case_saved_again_keeps_its_search_tokens_so_its_copies_do_not_tell_the_real_ones(
    teleavis_home: Path,
) -> None:
    """Found in review: the tokens added were drawn anew at each save (the case's page saves as the nurse
    types), so two states of the file (its WAL beside it, a copy of yesterday) shared the patient's real
    tokens only: their number, the names' length, was told again. A case saved again keeps the same ones,
    unless its names change; after the upgrade, they are the ones a save makes."""
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(Case(question="Q", patient=Patient(family="Montgomery", given=["Eulalie"])), [])
        first = _tokens(store, case_id)
        case = store.get_case(case_id)
        case.question = "Q, précisée"
        store.update_case(case)
        assert _tokens(store, case_id) == first
        real = [store.key.index_token(word) for word in patient_words(case.patient)]
        marks = ",".join("?" * len(real))
        store.conn.execute(f"DELETE FROM search_tokens WHERE case_id=? AND token NOT IN ({marks})", (case_id, *real))  # noqa: S608
        assert _tokens(store, case_id) < first
        store.conn.execute("PRAGMA user_version = 21")

    with Store.open(teleavis_home) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        assert _tokens(store, case_id) == first
        assert [r.id for r in store.list_cases(search="montgo eula")] == [case_id]


_TAKEN = "2026-11-03T14:22:07+01:00"


def _facts_case(store: Store, data: bytes, family: str = "Dupont") -> str:
    from app.model import QualityFinding
    from app.store import NewImage

    measured = [  # (measures of the photo itself, that anyone holding it makes again with Teleavis's code)
        QualityFinding.said("resolution", "ok", "resolution.ok", 1234 * 987, 786432, width=1234, height=987),
        QualityFinding.said("sharpness", "ok", "sharpness.ok", 0.8292, 1.3),
    ]
    image = CaseImage(
        id=f"img-{family}", body_site="Main droite", width=1234, height=987, captured_at=_TAKEN, quality=measured
    )
    return store.create_case(
        Case(question="Q", patient=Patient(family=family, given=["Anne"])), [NewImage(image, data)]
    )


def _blob_sizes(home: Path) -> list[int]:
    return sorted(path.stat().st_size for path in (home / "objects").glob("*/*") if path.is_file())


def _told(home: Path, data: bytes) -> list[str]:
    """What the folder tells of a photo known to whoever holds it, without the key."""
    import sqlite3

    told = []
    conn = sqlite3.connect(home / "teleavis.db")
    try:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        for size, width, height, taken, copy, quality in conn.execute(
            "SELECT size, width, height, captured_at, copy_sent, quality FROM images"
        ):
            told += ["size"] * (size == len(data)) + ["width"] * (width == 1234) + ["height"] * (height == 987)
            told += ["measures"] * ("1234" in quality or "0.8292" in quality)
            told += ["time"] * ("2026-11-03" in str(taken)) + ["copy"] * (str(len(data) - 1) in str(copy or ""))
    finally:
        conn.close()
    told += ["blob size"] * any(size in range(len(data), len(data) + 64) for size in _blob_sizes(home))
    return told


def test_whoever_holds_the_folder_cannot_tell_a_known_photos_size_dimensions_nor_when_it_was_taken(
    teleavis_home: Path,
) -> None:
    """Found from outside: an image's exact byte size, width, height and capture time were in clear in its
    row, and its blob's file size gave the byte size: whoever held a photo (sent by mail, found on a phone)
    could tell it is here, and when it was taken. Sealed in its labels now, and its file padded: two photos a
    few bytes apart make files of one size; the case reads them as before."""
    from tests.sync.sync_helpers import jpeg

    photo = jpeg(320, 240, seed=3, noise=True)
    near = photo + b"\0" * 300  # (a few bytes more: its file is of the same size)
    with Store.open(teleavis_home) as store:
        case_id = _facts_case(store, photo)
        _facts_case(store, near, "Martin")
        case = store.get_case(case_id)
        image = case.images[0]
        assert (image.size, image.width, image.height, image.captured_at) == (len(photo), 1234, 987, _TAKEN)
        assert [f.measure for f in image.quality] == [1234 * 987, 0.8292]
        assert store.image_bytes(image) == photo
        sizes = _blob_sizes(teleavis_home)
        assert len(set(sizes)) == 1 and sizes[0] % 4096 == 0
    assert _told(teleavis_home, photo) == []


def test_the_facts_of_photos_stored_before_are_sealed_at_the_upgrade_and_their_files_padded(
    teleavis_home: Path,
) -> None:
    """A base from before migration 25 (its photos' facts in clear, its blobs unpadded, the copy sent's size and
    dimensions in clear): the upgrade seals them and writes the blobs again padded; the case opens whole, its
    copy sent read as it was, and a key rotation keeps all of it."""
    import json

    from app import rotation
    from app.crypto import DataKey
    from app.db import connect
    from app.keystore import KeyStore
    from app.outbox import Outbox
    from tests.conftest import PASSPHRASE
    from tests.sync.sync_helpers import jpeg

    photo = jpeg(320, 240, seed=4, noise=True)
    copy = {"content_type": "image/jpeg", "size": len(photo) - 1, "sha1": "c2hh", "width": 640, "height": 480}
    with Store.open(teleavis_home) as store:
        key_bytes = store.key._key
        store.conn.execute("PRAGMA user_version = 24")
    conn = connect(teleavis_home / "teleavis.db")
    old = Store(teleavis_home, DataKey(key_bytes), conn)  # as the version before wrote them
    case_id = _facts_case(old, photo)
    image_id = old.get_case(case_id).images[0].id
    from app.db import transaction

    with transaction(conn):  # the copy sent's facts, in clear as before schema 24
        old.update_platform_copy(conn, case_id, image_id, binary_id="bin-1", copy_sent=json.dumps(copy))
    blob = next(path for path in (teleavis_home / "objects").glob("*/*") if path.stat().st_size > 4096)
    with blob.open("wb") as handle:  # (the format before: unpadded)
        handle.write(b"TVB1")
        old.key.seal_to(photo, b"blob:" + blob.name.encode(), handle)
    conn.close()
    assert _told(teleavis_home, photo) == ["size", "width", "height", "measures", "time", "copy", "blob size"]

    with Store.open(teleavis_home) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        image = store.get_case(case_id).images[0]
        assert (image.size, image.width, image.height, image.captured_at) == (len(photo), 1234, 987, _TAKEN)
        assert store.image_bytes(image) == photo
        assert Outbox(store).copies_sent(case_id) == {image_id: copy}
    assert _told(teleavis_home, photo) == []

    with Store.open(teleavis_home) as store:
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
    with Store.open(teleavis_home) as store:
        image = store.get_case(case_id).images[0]
        assert (image.size, image.width, image.height, image.captured_at) == (len(photo), 1234, 987, _TAKEN)
        assert store.image_bytes(image) == photo
        assert Outbox(store).copies_sent(case_id) == {image_id: copy}
    assert _told(teleavis_home, photo) == []


def test_the_snapshot_a_migration_keeps_a_week_tells_nothing_of_the_photos_it_sealed(teleavis_home: Path) -> None:
    """Found from outside: the snapshot taken before a migration, kept a week beside the database to go back
    from a migration's fault, kept the photos' hashes, sizes and capture times the migration had just sealed,
    in clear. It is sealed under the data key itself now: whoever holds the key (support, going back) opens
    it whole, a database of the version before; whoever holds the folder reads nothing of it. A snapshot in
    clear left by the version before is sealed at the next migration."""
    import sqlite3

    from app.crypto import DataKey
    from app.db import connect
    from tests.sync.sync_helpers import jpeg

    photo = jpeg(320, 240, seed=5, noise=True)
    with Store.open(teleavis_home) as store:
        key_bytes = store.key._key
        store.conn.execute("DELETE FROM settings WHERE key = 'state.photo_key'")
        store.conn.execute(f"PRAGMA user_version = {PHOTO_DIGEST_SCHEMA - 1}")
    conn = connect(teleavis_home / "teleavis.db")
    old = Store(teleavis_home, DataKey(key_bytes), conn)  # as the version before wrote them
    case_id = _facts_case(old, photo)
    conn.close()
    left = teleavis_home / "teleavis.db.v21-20261201T000000000000-abcdef.bak"  # one the version before left
    with sqlite3.connect(teleavis_home / "teleavis.db") as live, sqlite3.connect(left) as copy:
        live.backup(copy)
    copy.close()
    live.close()
    import os
    import time

    taken = int(time.time()) - 3 * 86400  # three days ago: kept four more days
    os.utime(left, (taken, taken))

    Store.open(teleavis_home).close()
    assert left.stat().st_mtime == taken  # (sealed, it goes when it would have gone)
    snapshots = sorted(teleavis_home.glob("teleavis.db.v*.bak"))
    assert len(snapshots) == 2
    for snapshot in snapshots:
        held = snapshot.read_bytes()
        assert not [h for h in _hashes(photo) if h in held]
        assert b"SQLite format 3" not in held and b"2026-11-03" not in held
    from app.db import open_snapshot

    for snapshot in snapshots:
        back = teleavis_home.parent / f"back-{snapshot.name}.db"
        open_snapshot(snapshot, DataKey(key_bytes), back)
        with sqlite3.connect(back) as copy:
            assert copy.execute("PRAGMA user_version").fetchone()[0] == PHOTO_DIGEST_SCHEMA - 1
            assert copy.execute("SELECT id FROM cases").fetchall() == [(case_id,)]
        copy.close()


def test_what_a_migration_sealed_is_gone_from_the_file_while_teleavis_stays_open(teleavis_home: Path) -> None:
    """Found from outside: the migration's new pages went to the WAL, the database file keeping the old ones (the
    photos' hashes, sizes, capture times in clear) until SQLite's next checkpoint, a thousand pages of work later:
    all day with the window open. The migration puts its pages in the file at once."""
    from app.crypto import DataKey
    from app.db import connect
    from tests.sync.sync_helpers import jpeg

    photo = jpeg(320, 240, seed=6, noise=True)
    with Store.open(teleavis_home) as store:
        key_bytes = store.key._key
        store.conn.execute("DELETE FROM settings WHERE key = 'state.photo_key'")
        store.conn.execute(f"PRAGMA user_version = {PHOTO_DIGEST_SCHEMA - 1}")
    conn = connect(teleavis_home / "teleavis.db")
    _facts_case(Store(teleavis_home, DataKey(key_bytes), conn), photo)  # as the version before wrote them
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()

    with Store.open(teleavis_home):
        held = _file_bytes(teleavis_home)
        assert not [h for h in _hashes(photo) if h in held]
        assert b"2026-11-03" not in held


def test_a_key_rotation_leaves_nothing_under_the_old_key_in_the_migrations_snapshots(teleavis_home: Path) -> None:
    """A key rotation is made when the old key may have leaked: the snapshot a migration keeps a week, sealed
    under the old key, would still open with it. It is sealed under the new one by the rotation."""
    import pytest

    from app import rotation
    from app.crypto import DataKey, DecryptionFailed
    from app.db import open_snapshot
    from app.keystore import KeyStore
    from tests.conftest import PASSPHRASE

    with Store.open(teleavis_home) as store:
        _facts_case(store, b"\xff\xd8\xff" + bytes(5000))
        store.conn.execute("PRAGMA user_version = 24")
    with Store.open(teleavis_home) as store:
        old = DataKey(store.key._key)
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
    (snapshot,) = teleavis_home.glob("teleavis.db.v24-*.bak")
    with pytest.raises(DecryptionFailed):
        open_snapshot(snapshot, old, teleavis_home.parent / "back.db")
    with Store.open(teleavis_home) as store:
        open_snapshot(snapshot, store.key, teleavis_home.parent / "back.db")


def test_labels_saved_from_a_copy_keep_the_size_the_photo_was_stored_with(teleavis_home: Path) -> None:
    """Found in review: an image's byte size, kept in its row before, is in its sealed labels, which each save
    of its labels seals again, from the window's copy of the image: a copy whose size was not the stored one
    (0 for a record made before its bytes were written) would have become the size its Media declares. The
    labels keep what they hold."""
    from tests.sync.sync_helpers import jpeg

    photo = jpeg(320, 240, seed=9, noise=True)
    with Store.open(teleavis_home) as store:
        case_id = _facts_case(store, photo)
        image = store.get_case(case_id).images[0]
        image.size, image.note = 0, "bord irrégulier"
        store.update_image_labels(case_id, image)
        again = store.get_case(case_id).images[0]
        assert (again.note, again.size) == ("bord irrégulier", len(photo))


def test_an_image_row_altered_in_clear_does_not_stop_the_upgrade_of_the_others(teleavis_home: Path) -> None:
    """Found in review: migration 25 read an image's clear findings and dimensions outside of what it guards, so
    one row altered there (or damaged on disk) made the migration fail at every start: Teleavis opened no case
    at all. That row is left as it is (its case says it altered when read), the others are upgraded."""
    import pytest

    from app.crypto import DataKey
    from app.db import connect
    from app.errors import DataAltered
    from tests.sync.sync_helpers import jpeg

    with Store.open(teleavis_home) as store:
        key_bytes = store.key._key
        store.conn.execute("PRAGMA user_version = 24")
    conn = connect(teleavis_home / "teleavis.db")
    old = Store(teleavis_home, DataKey(key_bytes), conn)  # as the version before wrote them
    altered = _facts_case(old, jpeg(320, 240, seed=11, noise=True), "Altere")
    photo = jpeg(320, 240, seed=12, noise=True)
    whole = _facts_case(old, photo, "Entier")
    conn.execute("UPDATE images SET quality = 'ok' WHERE case_id = ?", (altered,))
    conn.close()

    with Store.open(teleavis_home) as store:
        assert schema_version(store.conn) == len(MIGRATIONS)
        image = store.get_case(whole).images[0]
        assert (image.size, image.width, image.captured_at) == (len(photo), 1234, _TAKEN)
        with pytest.raises((DataAltered, ValueError)):
            store.get_case(altered)
