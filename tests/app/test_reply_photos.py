"""The photos joined to a reply begun, at the store (app/reply_drafts.py): kept as a case's photos are,
encrypted files recorded against the reply; written over when they go; carried by a key rotation and a
backup; made the case's own, once, when the reply is queued."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import reply_drafts, rotation
from app.backup import restore_backup, write_backup
from app.crypto import DataKey
from app.deletion import delete_draft
from app.errors import AlreadyStored, StorageError
from app.keystore import KeyStore
from app.store import NewImage, Store
from tests.app.test_store import make_case, new_image
from tests.conftest import PASSPHRASE
from tests.support.held_open import HeldOpen


def joined(store: Store, case_id: str, *seeds: int) -> list[tuple[str, NewImage]]:
    """Photos prepared for ``case_id``'s reply, their files written, recorded against it."""
    photos = []
    for seed in seeds:
        image = new_image(seed)
        store.write_files(image)
        photos.append((f"photo{seed}.jpg", image))
    reply_drafts.save_photos(store, case_id, photos)
    return photos


def files(image: NewImage, store: Store) -> list[Path]:
    return [store.objects.root / b[:2] / b for b in (image.record.blob, image.record.thumb_blob) if b]


def test_photos_come_back_with_their_verdict_labels_and_names(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        photos = joined(store, case_id, 1, 2)
    with Store.open(teleavis_home) as store:
        back = reply_drafts.load_photos(store, case_id)
        assert [name for name, _image in back] == ["photo1.jpg", "photo2.jpg"]
        assert [image.record for _name, image in back] == [image.record for _name, image in photos]
        assert all(image.written and image.record.quality[0].level == "ok" for _name, image in back)
        assert store.objects.get(back[0][1].record.blob) == photos[0][1].data
        # Sealed as a setting: nothing of a photo's record (its verdict, its site) in clear in the database.
        raw = b"".join(
            bytes(r[0]) for r in store.conn.execute("SELECT value FROM settings WHERE key=?", ("state.reply_photos",))
        )
        assert raw and b"dos" not in raw and b"sharpness" not in raw and b"photo1" not in raw


def test_a_photo_taken_off_the_reply_is_written_over(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        (first, second) = joined(store, case_id, 1, 2)
        witnesses = [(HeldOpen(path), path.stat().st_size) for path in files(first[1], store)]
        reply_drafts.save_photos(store, case_id, [second])
        assert not any(path.exists() for path in files(first[1], store))
        assert all(path.exists() for path in files(second[1], store))
        for witness, size in witnesses:
            assert witness.read_bytes() == bytes(size), "its sealed bytes left in the disk's free blocks"
        reply_drafts.save_photos(store, case_id, [])  # all taken off
        assert not any(path.exists() for path in files(second[1], store))
        assert reply_drafts.load_photos(store, case_id) == []
        assert store.settings.get(reply_drafts.PHOTOS) is None


def test_photos_go_with_their_case_deleted(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        kept = store.create_case(make_case("DURAND", "Lise"), [new_image(5)])
        photos = joined(store, case_id, 1, 2)
        others = joined(store, kept, 3)
        witnesses = [(HeldOpen(p), p.stat().st_size) for _n, image in photos for p in files(image, store)]
        delete_draft(store, case_id)
        assert not any(p.exists() for _n, image in photos for p in files(image, store))
        assert all(witness.read_bytes() == bytes(size) for witness, size in witnesses)
        assert reply_drafts.load_photos(store, case_id) == []
        assert [image.record for _n, image in reply_drafts.load_photos(store, kept)] == [others[0][1].record]


def test_the_orphans_collection_and_backups_count_them(teleavis_home: Path, tmp_path: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        photos = joined(store, case_id, 1, 2)
        blobs = {b for _n, image in photos for b in (image.record.blob, image.record.thumb_blob) if b}
        assert blobs <= store.referenced_blobs()
        store.collect_orphans(older_than_s=0.0)
        assert all(p.exists() for _n, image in photos for p in files(image, store))
        write_backup(store, tmp_path / "archive.tvbak")
    restore_backup(tmp_path / "archive.tvbak", tmp_path / "elsewhere", PASSPHRASE)
    with Store.open(tmp_path / "elsewhere") as restored:
        back = reply_drafts.load_photos(restored, case_id)
        assert [restored.objects.get(image.record.blob) for _n, image in back] == [i.data for _n, i in photos]


def test_a_key_rotation_reseals_them(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        photos = joined(store, case_id, 1)
        old = store.key
        rotation.rotate(teleavis_home, store.conn, KeyStore(teleavis_home), store.key, PASSPHRASE)
    with Store.open(teleavis_home) as store:
        [(name, image)] = reply_drafts.load_photos(store, case_id)
        assert name == "photo1.jpg" and image.record == photos[0][1].record
        assert store.objects.get(image.record.blob) == photos[0][1].data
        with pytest.raises(StorageError):
            type(store.objects)(store.objects.root, DataKey(old._key)).get(image.record.blob)


def test_queued_they_are_the_cases_once_and_no_longer_the_drafts(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        photos = joined(store, case_id, 1, 2)
        back = [image for _n, image in reply_drafts.load_photos(store, case_id)]
        store.add_images(case_id, back, joined_to_reply=True)
        assert reply_drafts.load_photos(store, case_id) == []
        assert [i.id for i in store.images(case_id)][1:] == [image.record.id for _n, image in photos]
        # A stale record of them written after (the window's writer): never kept, never written over.
        reply_drafts.save_photos(store, case_id, photos)
        assert reply_drafts.load_photos(store, case_id) == []
        assert all(p.exists() for _n, image in photos for p in files(image, store))


def test_refused_at_the_sending_they_stay_with_the_reply(teleavis_home: Path) -> None:
    """Found: the photos written ahead were removed when the store refused them (a photo already in the
    case, a full disk), while the reply still named them: taken again, or lost."""
    with Store.open(teleavis_home) as store:
        case = make_case()
        case_id = store.create_case(case, [new_image(0)])
        joined(store, case_id, 1, 0)  # the second one is the case's own photo already
        back = [image for _n, image in reply_drafts.load_photos(store, case_id)]
        with pytest.raises(AlreadyStored):
            store.add_images(case_id, back, patient=case.patient, joined_to_reply=True)
        again = reply_drafts.load_photos(store, case_id)
        assert len(again) == 2 and all(p.exists() for _n, image in again for p in files(image, store))


def test_a_photo_whose_file_is_gone_is_not_offered_again(teleavis_home: Path) -> None:
    """A file removed outside Teleavis (or by a version before this one, whose orphans' collection did not
    know it): joined again, it would be recorded in the case with no content to send."""
    with Store.open(teleavis_home) as store:
        case_id = store.create_case(make_case(), [new_image(0)])
        (first, second) = joined(store, case_id, 1, 2)
        files(first[1], store)[0].unlink()
        assert [image.record.id for _n, image in reply_drafts.load_photos(store, case_id)] == [second[1].record.id]


def test_a_photo_whose_files_went_while_it_waited_is_refused_not_recorded(teleavis_home: Path) -> None:
    """Found by fault injection: photos written ahead wait in the window alone when their recording
    against the reply failed (a base busy, a disk full for a moment); named by nothing, their files go
    with the orphans' collection an hour later (a retention run). Sent then, the reply recorded them in
    the case with no content: a photo the expert could never get, the case stuck at its upload."""
    with Store.open(teleavis_home) as store:
        case = make_case()
        case_id = store.create_case(case, [new_image(0)])
        waiting = new_image(1)
        store.write_files(waiting)
        assert store.collect_orphans(older_than_s=0) == 2  # its content and its thumbnail
        with pytest.raises(StorageError) as caught:
            store.add_images(case_id, [waiting], patient=case.patient, joined_to_reply=True)
        assert "photo" in caught.value.message and "plus" in caught.value.message
        assert len(store.get_case(case_id).images) == 1
        assert store.referenced_blobs() <= set(store.objects.ids())


@pytest.mark.parametrize("with_photos", [False, True])
def test_a_reply_queued_is_no_longer_begun_in_the_same_transaction(
    teleavis_home: Path, tmp_path: Path, site: Path, with_photos: bool
) -> None:
    """Found by fault injection (a kill right after the reply was queued): its words begun went in a write of
    their own, after; cut before it, Teleavis came back with the reply sent shown again as begun, to be sent
    a second time. Queued, nothing of it is begun any more, whatever comes next."""
    from sync.follow import queue_reply
    from tests.support.scripted_platform import on_hold_with_a_question

    with Store.open(teleavis_home) as store:
        [case_id] = on_hold_with_a_question(store, tmp_path, 1)
        reply_drafts.save(store, case_id, "Depuis trois semaines.")
        photos = [image for _n, image in joined(store, case_id, 1)] if with_photos else []
        queue_reply(store, case_id, "Depuis trois semaines.", photos)
        # (nothing else: a power cut here)
    with Store.open(teleavis_home) as store:
        assert reply_drafts.load(store, case_id) == ""
        assert reply_drafts.load_photos(store, case_id) == []


def test_the_photos_of_a_refused_reply_taken_off_are_kept_so_and_forgotten_with_their_case(
    teleavis_home: Path,
) -> None:
    """A refused reply's images go with the reply begun unless taken off, kept so across a restart
    (app/reply_drafts.py); a case deleted or purged leaves nothing of them."""
    with Store.open(teleavis_home) as store:
        reply_drafts.save_again(store, "c1", ["a", "b", "c"], [("b", "dos.jpg")])
    with Store.open(teleavis_home) as store:
        assert reply_drafts.load_again(store, "c1", ["a", "b", "c", "d"]) == [("b", "dos.jpg"), ("d", "")]
        assert reply_drafts.load_again(store, "c2", ["a"]) == [("a", "")]
        reply_drafts.forget(store, "c1")
        assert reply_drafts.load_again(store, "c1", ["a", "b"]) == [("a", ""), ("b", "")]
        assert store.settings.get(reply_drafts.AGAIN) is None


def test_the_names_of_a_refused_replys_photos_are_sealed(teleavis_home: Path) -> None:
    """The file a refused reply's photo was joined again from may carry the patient's name: sealed, as the
    reply's words and photos are (app/settings.py's INTERNAL_SECRETS)."""
    with Store.open(teleavis_home) as store:
        reply_drafts.save_again(store, "c1", ["a"], [("a", "DUPONT_Marie_dos.jpg")])
        (raw,) = store.conn.execute("SELECT value FROM settings WHERE key = ?", (reply_drafts.AGAIN,)).fetchone()
        assert b"DUPONT" not in (raw if isinstance(raw, bytes) else str(raw).encode())
