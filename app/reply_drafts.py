"""Replies to an expert's question begun and not sent: kept sealed on this workstation, so that a
crash or a power cut loses no word typed (the case's own fields are saved as they are typed too), and
no photo joined to them.

One sealed setting holds their words, by case (``state.reply_drafts``, app/settings.py's
``INTERNAL_SECRETS``). The photos joined are kept as a case's own photos are: each one's content and
thumbnail are encrypted blobs in the object store (``Store.write_files``, written before anything names
them), and another sealed setting (``state.reply_photos``) records them against the reply, by case: each
photo's record (its quality verdict, eye, body site, view, hash, blobs) and the name of the file it came
from. Sealed as a whole, a verdict rewritten there does not open. A crash between writing a photo's blobs
and recording them leaves encrypted files no one names, which ``Store.collect_orphans`` removes; a crash
after the record keeps them. ``Store.referenced_blobs`` names these blobs, so that backups carry them and
the orphans' collection leaves them; a key rotation re-seals them and the setting as every other.

A draft is only kept: nothing here sends it. Its photos become the case's own in the transaction that
queues the reply (``Store.add_images`` with ``joined_to_reply`` calls :func:`recorded`), and its words go in
that transaction too (:func:`queued`): sent once, never left here too. Otherwise they go, their files
written over (``ObjectStore.delete``), when she takes them off the reply, and with their case when it is
deleted or purged (app/deletion.py, app/retention.py).

The words of a reply the platform refused (or that was refused here) come back to the reply begun, in the
transaction that says it refused (:func:`refused`, before words begun meanwhile): found in review, only its
photos came back, and she typed her answer again. The photos of such a reply are the case's own already, and the
expert never got them: they go with the reply begun unless she took them off. Which she took off, and the
file each one she joined again came from, are a third sealed setting (``state.reply_again``, by case): found
in review, they came back to the reply in the window only, once she had picked the same files again, and
after a restart the corrected words went without them, nothing saying so. Which images were refused is the
conversation's (``sync.follow.to_send_again``, given here by the caller): a refusal's photos come back even
when it came with Teleavis closed.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

from app import messages as M
from app.db import transaction
from app.errors import StorageError
from app.store import NewImage, Store, named_by_images

log = logging.getLogger(__name__)

SETTING = "state.reply_drafts"
#: The photos joined to the replies begun, by case: a list of {"image": record, "source_sha1", "name"}.
PHOTOS = "state.reply_photos"
#: The images of a refused reply, by case: {image id: {"name": the file joined again, "off": taken off}}.
AGAIN = "state.reply_again"
#: Why each case's last reply was refused, by case: said above its words come back (:func:`refused`).
WHY = "state.reply_refused"


def _all(store: Store) -> dict[str, str]:
    stored = store.settings.get(SETTING)
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def load(store: Store, case_id: str) -> str:
    """The reply begun for ``case_id``, or ""."""
    return _all(store).get(case_id, "")


def replies(store: Store, case_id: str) -> int:
    """How many replies to the expert were queued for ``case_id`` (sent, refused or waiting): given to
    :func:`save` by the window when the words are typed."""
    row = store.conn.execute(
        "SELECT count(*) FROM messages WHERE case_id=? AND direction='to-expert'", (case_id,)
    ).fetchone()
    return int(row[0])


def save(store: Store, case_id: str, text: str, *, replies_before: int | None = None) -> None:
    """Keep ``text`` as ``case_id``'s reply begun (nothing but spaces forgets it). ``replies_before``: how
    many replies were queued for it when the words were typed (:func:`replies`); a reply queued since took
    them, and they are not kept. Found in review: kept by the window's writer thread a moment after
    « Envoyer », once the reply was queued with them, they were the reply begun again until the next keep
    emptied it, and a kill between the two brought the reply sent back, to be sent a second time."""
    with transaction(store.conn):
        if text.strip() and replies_before is not None and replies(store, case_id) != replies_before:
            log.info("case %s: words typed before its reply was queued not kept as begun", case_id)
            return
        drafts = _all(store)
        if text.strip():
            drafts[case_id] = text
        elif drafts.pop(case_id, None) is None:
            return
        store.settings.set(SETTING, drafts or None, in_transaction=True)


def forget(store: Store, case_id: str, *, in_transaction: bool = False) -> set[str]:
    """Drop ``case_id``'s reply begun, its words and its photos (its case deleted or purged). Inside the
    caller's transaction: returns the photos' files, to remove once it is committed; else removes them."""
    if not in_transaction:
        with transaction(store.conn):
            blobs = forget(store, case_id, in_transaction=True)
        store.remove_files(blobs, f"case {case_id}: the reply begun forgotten")
        return set()
    drafts = _all(store)
    if drafts.pop(case_id, None) is not None:
        store.settings.set(SETTING, drafts or None, in_transaction=True)
    photos = _photos(store)
    gone = photos.pop(case_id, [])
    if gone:
        store.settings.set(PHOTOS, photos or None, in_transaction=True)
    again = _again(store)
    if again.pop(case_id, None) is not None:
        store.settings.set(AGAIN, again or None, in_transaction=True)
    whys = _whys(store)
    if whys.pop(case_id, None) is not None:
        store.settings.set(WHY, whys or None, in_transaction=True)
    return _unnamed(store.conn, {blob for entry in gone for blob in _entry_blobs(entry)})


# -- the photos ------------------------------------------------------------------------------


def _photos(store: Store) -> dict[str, list[dict[str, Any]]]:
    stored = store.settings.get(PHOTOS)
    if not isinstance(stored, dict):
        return {}
    return {str(k): [e for e in v if isinstance(e, dict)] for k, v in stored.items() if isinstance(v, list)}


def _entry_blobs(entry: dict[str, Any]) -> list[str]:
    image = entry.get("image") or {}
    return [str(b) for b in (image.get("blob"), image.get("thumb_blob")) if b]


def _entry(name: str, image: NewImage) -> dict[str, Any]:
    record = asdict(image.record)
    if not record.get("taken_here"):  # (kept as an older release reads it back: its CaseImage has no such field)
        record.pop("taken_here", None)
    return {"image": record, "source_sha1": image.source_sha1, "name": name}


def _image(entry: dict[str, Any]) -> tuple[str, NewImage]:
    from app.case_record import CaseImage, DevicePatient, QualityFinding

    fields = dict(entry["image"])
    fields["quality"] = [QualityFinding.from_dict(f) for f in fields.get("quality") or []]
    patient = fields.get("device_patient")
    fields["device_patient"] = DevicePatient(**patient) if isinstance(patient, dict) else None
    # Its content stays in its file until the reply is queued (``Store.add_images`` records it as written).
    image = NewImage(CaseImage(**fields), b"", None, entry.get("source_sha1") or None)
    image.written = True
    return str(entry.get("name") or ""), image


def _unnamed(conn: sqlite3.Connection, blobs: set[str]) -> set[str]:
    """``blobs`` less those a case's image names: never written over from here."""
    return blobs - named_by_images(conn, blobs)


def load_photos(store: Store, case_id: str) -> list[tuple[str, NewImage]]:
    """The photos joined to ``case_id``'s reply begun, each with the name of its file, as joined (their
    content left in its files: ``NewImage.written``). One a case's image holds already is not given, nor
    one whose file is gone (it would be recorded in the case without its content)."""
    entries = _photos(store).get(case_id, [])
    sent = named_by_images(store.conn, (blob for entry in entries for blob in _entry_blobs(entry)))
    photos = []
    for entry in entries:
        if sent & set(_entry_blobs(entry)):
            continue
        if not all(store.objects.exists(blob) for blob in _entry_blobs(entry)):
            # (its file removed outside Teleavis, or by a version before this one, which did not know it)
            log.warning("a photo joined to the reply begun for case %s has lost its file", case_id)
            continue
        try:
            photos.append(_image(entry))
        except (KeyError, TypeError, ValueError):
            log.warning("a photo joined to the reply begun for case %s could not be read back", case_id)
    return photos


def save_photos(store: Store, case_id: str, photos: list[tuple[str, NewImage]]) -> None:
    """Record ``photos`` (each written already, ``Store.write_files``) as those joined to ``case_id``'s
    reply begun, in place of those recorded before; the files of a photo no longer joined are written
    over and removed once that is committed. A photo a case's image holds already (its reply queued
    meanwhile) is neither recorded again nor removed. One whose files are gone is refused (``StorageError``,
    nothing recorded): recorded, it would not come back (:func:`load_photos`), and the window said it kept."""
    with transaction(store.conn) as conn:
        every = _photos(store)
        before = {blob for entry in every.get(case_id, []) for blob in _entry_blobs(entry)}
        wanted = [_entry(name, image) for name, image in photos if image.written]
        sent = named_by_images(conn, (blob for entry in wanted for blob in _entry_blobs(entry)))
        kept = [entry for entry in wanted if not sent & set(_entry_blobs(entry))]
        if not all(store.objects.exists(blob) for entry in kept for blob in _entry_blobs(entry)):
            raise StorageError(M.tr("image.files_gone"))
        if kept:
            every[case_id] = kept
        else:
            every.pop(case_id, None)
        if kept or case_id in _photos(store):
            store.settings.set(PHOTOS, every or None, in_transaction=True)
        dropped = _unnamed(conn, before - {blob for entry in kept for blob in _entry_blobs(entry)})
    store.remove_files(dropped, f"case {case_id}: a photo taken off the reply")


def queued(store: Store, case_id: str) -> None:
    """Inside the transaction that queues ``case_id``'s reply (sync.follow.queue_reply): its words are no
    longer begun. Found by fault injection: forgotten in a write of their own, after, a kill between the two
    brought the reply sent back as begun, to be sent a second time. (Its photos: :func:`recorded`.)"""
    drafts = _all(store)
    if drafts.pop(case_id, None) is not None:
        store.settings.set(SETTING, drafts or None, in_transaction=True)
    whys = _whys(store)
    if whys.pop(case_id, None) is not None:
        store.settings.set(WHY, whys or None, in_transaction=True)
    every = _again(store)
    marked = [entry for entry in every.get(case_id, {}).values() if entry.pop("too_large", None)]
    if marked:  # (said of the reply refused: « the others go with your reply », no longer true once it went)
        store.settings.set(AGAIN, every, in_transaction=True)


def with_refused(begun: str, refused: str) -> str:
    """The reply begun ``begun`` with the words of a reply refused (``refused``) before it: they are the
    answer she wrote, to correct and send again. Words begun meanwhile stay after them; words holding
    them already (back before) are left as they are."""
    if not refused.strip() or refused.strip() in begun:
        return begun
    return f"{refused.rstrip()}\n\n{begun.strip()}" if begun.strip() else refused.strip()


def _whys(store: Store) -> dict[str, str]:
    stored = store.settings.get(WHY)
    return {str(k): str(v) for k, v in stored.items()} if isinstance(stored, dict) else {}


def refused_why(store: Store, case_id: str) -> str:
    """Why ``case_id``'s last reply was refused ("" once another is queued): the case's note may say
    something else of it since (found trying it: a training platform's data erased)."""
    return _whys(store).get(case_id, "")


def refused(
    store: Store, case_id: str, text: str, *, why: str = "", too_large: str | None = None, taken_off: str | None = None
) -> None:
    """Inside the transaction that says ``case_id``'s reply refused (``Outbox.reply_refused``): its words
    ``text`` come back to the reply begun, sealed as the rest of it. Found in review: only its photos came
    back, and the nurse had to type her answer again (or sent the photos with no words); in the same
    transaction, a refusal that came with Teleavis closed, or a kill right after it, loses none of them.
    ``too_large``: the image the platform refused as over its size limit (413), taken off the reply begun
    (its photos come back, :func:`load_again`): found in review, « Retirer les images » took them all off,
    and the others could not go without it. Joined again by hand, it goes. ``taken_off``: an image taken off
    the reply begun for another cause (its file missing or damaged here: ``sync.engine``), nothing more said."""
    drafts = _all(store)
    begun = drafts.get(case_id, "")
    back = with_refused(begun, text)
    if back != begun:
        drafts[case_id] = back
        store.settings.set(SETTING, drafts, in_transaction=True)
    if why:
        whys = _whys(store)
        whys[case_id] = why
        store.settings.set(WHY, whys, in_transaction=True)
    if too_large or taken_off:
        every = _again(store)
        if too_large:
            every.setdefault(case_id, {})[too_large] = {"name": "", "off": True, "too_large": True}
        if taken_off:
            every.setdefault(case_id, {})[taken_off] = {"name": "", "off": True}
        store.settings.set(AGAIN, every, in_transaction=True)


def recorded(store: Store, case_id: str, image_ids: Iterable[str]) -> None:
    """Inside the transaction that makes them the case's own images (its reply queued): the photos
    ``image_ids`` are no longer the reply begun's. Both, or neither: never sent twice, never lost."""
    ids = set(image_ids)
    every = _photos(store)
    entries = every.get(case_id, [])
    kept = [entry for entry in entries if (entry.get("image") or {}).get("id") not in ids]
    if len(kept) == len(entries):
        return
    if kept:
        every[case_id] = kept
    else:
        every.pop(case_id)
    store.settings.set(PHOTOS, every or None, in_transaction=True)


def photo_blobs(store: Store) -> set[str]:
    """The files of every photo joined to a reply begun (``Store.referenced_blobs``)."""
    return {blob for entries in _photos(store).values() for entry in entries for blob in _entry_blobs(entry)}


# -- the photos of a refused reply -----------------------------------------------------------


def _again(store: Store) -> dict[str, dict[str, dict[str, Any]]]:
    stored = store.settings.get(AGAIN)
    if not isinstance(stored, dict):
        return {}
    return {
        str(case): {str(i): e for i, e in entries.items() if isinstance(e, dict)}
        for case, entries in stored.items()
        if isinstance(entries, dict)
    }


def load_again(store: Store, case_id: str, refused: Iterable[str]) -> list[tuple[str, str]]:
    """Of ``refused`` (the case's images joined to a refused reply and to none since, in the case's order),
    those going with ``case_id``'s reply begun, each with the name of the file it was joined again from
    ("" when it came back by itself): every one she has not taken off."""
    entries = _again(store).get(case_id, {})
    return [
        (image_id, str(entries.get(image_id, {}).get("name") or ""))
        for image_id in refused
        if not entries.get(image_id, {}).get("off")
    ]


def too_large(store: Store, case_id: str) -> set[str]:
    """The images of ``case_id``'s refused reply taken off as over the platform's size limit (:func:`refused`)
    and not joined again since."""
    entries = _again(store).get(case_id, {})
    return {image_id for image_id, entry in entries.items() if entry.get("off") and entry.get("too_large")}


def refused_too_large(store: Store, case_id: str) -> set[str]:
    """The images of ``case_id``'s refused reply the platform refused as over its size limit, whether joined
    again or not yet (her « joined again » is written on the writer thread, and may follow her click on send):
    one of them joined to its next reply makes it go as reduced copies (found in review: joined again, a phone's
    photo left whole at once, refused again, and « exportez-la de l'appareil en plus petit » cannot be done with
    a phone)."""
    entries = _again(store).get(case_id, {})
    return {image_id for image_id, entry in entries.items() if entry.get("too_large")}


def save_again(store: Store, case_id: str, refused: Iterable[str], joined: list[tuple[str, str]]) -> None:
    """Record which of ``refused`` go with ``case_id``'s reply begun: ``joined`` (image id, file name), the
    others taken off (they stay off across a restart, until joined again; one taken off as too large stays
    said so)."""
    going = dict(joined)
    entries: dict[str, dict[str, Any]] = {
        image_id: {"name": going[image_id], "off": False} if image_id in going else {"name": "", "off": True}
        for image_id in refused
    }
    kept = {i: e for i, e in entries.items() if e["off"] or e["name"]}  # a photo back by itself needs no line
    with transaction(store.conn):
        every = _again(store)
        for image_id, entry in every.get(case_id, {}).items():
            if entry.get("too_large") and image_id in kept:  # (joined again: it goes reduced, see below)
                kept[image_id]["too_large"] = True
        if every.get(case_id, {}) == kept:
            return
        if kept:
            every[case_id] = kept
        else:
            every.pop(case_id, None)
        store.settings.set(AGAIN, every or None, in_transaction=True)
