"""Backup and restore of the whole data directory as one encrypted archive.

A cart's disk dies, a workstation is replaced: the archive must come back on another machine with
the passphrase alone, and must never bring back something damaged or half-written.

The archive (``.tvbak``)::

    MAGIC  u32 header length  header (JSON)  chunk 0  chunk 1 … chunk n (final)

The header holds no secret: the data key's ``key.json`` record (the data key wrapped under the
passphrase with scrypt, as the data directory itself keeps it) and a random archive key sealed
under the data key. The content is a tar stream (a consistent SQLite snapshot taken with the
online backup API, the blobs it refers to, then a manifest) written as a sealed stream
(app/sealed.py) under the archive key, with the header as every chunk's associated data. So a
changed header, a reordered, altered or missing chunk, and a truncation are all refused. Blobs are
copied as they are stored: they stay encrypted under the data key inside the archive too.

Restore unpacks into a folder next to the data directory, verifies everything (chunks, manifest,
SQLite integrity, every referenced blob), refuses to replace data newer than the archive unless
told to, then swaps the folders with two renames.
"""

from __future__ import annotations

import base64
import contextlib
import errno
import io
import json
import logging
import os
import re
import secrets
import shutil
import sqlite3
import struct
import tarfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from app import __version__, audit, clock, in_use, interruption
from app import db as app_db
from app import messages as M
from app.crypto import DataKey, DecryptionFailed
from app.db import DB_FILE, backup_to, connect, schema_version, transaction
from app.errors import DataAltered, DataLocked, StorageError, TeleavisError
from app.fsutil import (
    atomic_write,
    create_private,
    disk_full,
    file_too_large,
    fsync_dir,
    fsync_file,
    os_reason,
    remove_stale,
    retry_advice,
    write_advice,
    write_over,
)
from app.keystore import KEY_FILE, KeyStore
from app.model import iso, utc_now
from app.paths import log_dir
from app.sealed import CHUNK, Damaged, SealedReader, SealedWriter
from app.settings import Settings
from app.store import Store
from app.swap import swap_in

log = logging.getLogger(__name__)

MAGIC = b"TELEAVIS-BACKUP\n"
FORMAT = 1
#: The online backup's snapshot of the database, in the data directory while a backup is written.
SNAPSHOT_PREFIX = ".backup-"


def _glob_escape(name: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in name)


_MAX_HEADER = 1 << 20
SUFFIX = ".tvbak"
#: Scheduled backups this workstation keeps in the backup folder (its older ones are removed; what
#: anyone else wrote there is never touched).
KEEP_SCHEDULED = 7
#: A scheduled backup's name: its moment (UTC), then this workstation's id (``_STATION``) and, when a
#: file already had that name, ``-2``, ``-3``…; written before the workstation's id was in it, the
#: moment alone (``_OLD_SCHEDULED``).
_SCHEDULED = re.compile(r"^teleavis-(\d{8}-\d{6})(?:-[0-9a-f]{8}(?:-\d{1,3})?)?\.tvbak$")
_OLD_SCHEDULED = re.compile(r"^teleavis-\d{8}-\d{6}\.tvbak$")
#: The most names tried, ``-2``, ``-3``…, for a backup never to be written over an existing file.
_NAME_TRIES = 100
_MEMBER = re.compile(r"^(manifest\.json|teleavis\.db|objects/[0-9a-f]{2}/[0-9a-f]{32})$")
_LAST = "state.backup.last"
#: The file the last scheduled backup wrote (``doctor`` checks it is still there).
_FILE = "state.backup.file"
#: The scheduled backups this workstation wrote and keeps, oldest first: the only ones it prunes.
_WRITTEN = "state.backup.written"
#: This workstation's id in its scheduled backups' names (8 hex digits, drawn at its first backup): two
#: workstations writing into one shared folder in the same second never choose the same name.
_STATION = "state.backup.station"
#: The backups named as before the workstation's id was in the names that the last scheduled backup
#: found in the folder and could not prove this workstation's: never removed (``doctor`` counts them).
_UNPROVEN = "state.backup.unproven"
#: What each backup written from this data found of its cases: its path → ``{"created": iso, "not_opening": [ids]}``
#: (``record_cases``): which older backups may hold whole a case that no longer opens (``holding_whole``).
_CASES_SEEN = "state.backup.cases_seen"
#: The backup folder and the mount point it lay on at the last scheduled backup: ``{"folder", "mount"}``.
_MOUNT = "state.backup.mount"
#: What a workstation records of its own scheduled backups and ``teleavis backup FOLDER``'s: not brought back by a
#: restore (another computer, or this one: the copy draws its own id, records its own drive, is backed up at once).
WORKSTATION_RECORDS = (
    _STATION,
    _WRITTEN,
    _MOUNT,
    _LAST,
    _FILE,
    _UNPROVEN,
    "state.backup.command_written",
    "state.backup.command_mounts",
)
#: The most backups whose cases are remembered (the oldest of those no longer found are forgotten first).
_SEEN_REMEMBERED = 1000

M.add(
    {
        "backup.need_passphrase": {
            "fr": "Les données sont protégées par le trousseau du système seulement : donnez une phrase secrète "
            "(variable TELEAVIS_PASSPHRASE ou au clavier) pour qu'une sauvegarde puisse être restaurée "
            "sur un autre poste.",
            "en": "The data is protected by the system keyring only: give a passphrase (TELEAVIS_PASSPHRASE "
            "variable or at the prompt) so that a backup can be restored on another computer.",
        },
        "backup.inside_data": {
            "fr": "Impossible d'écrire la sauvegarde dans « {path} » : ce dossier est dans celui des données de "
            "Teleavis ({data}). Une sauvegarde gardée là se perd avec elles (disque en panne, ordinateur volé) et "
            "une restauration l'efface. Choisissez un dossier sur un autre disque (clé USB, disque externe, partage "
            "réseau). Rien n'a été écrit.",
            "en": "Cannot write the backup into “{path}”: that folder is inside Teleavis's data folder ({data}). A "
            "backup kept there is lost with the data (a failed disk, a stolen computer) and a restore erases it. "
            "Choose a folder on another drive (USB stick, external disk, network share). Nothing was written.",
        },
        "backup.other_passphrase": {
            "fr": "Cette phrase secrète n'est pas celle qui protège les données : la sauvegarde ne s'ouvrirait "
            "pas avec. Rien n'a été écrit.",
            "en": "This passphrase is not the one protecting the data: the backup would not open with it. "
            "Nothing was written.",
        },
        "backup.disk_full": {"fr": "le disque est plein", "en": "the disk is full"},
        "backup.file_too_large": {
            "fr": "le fichier dépasse la taille que ce disque accepte pour un seul fichier (4 Go au plus sur une "
            "clé USB ou un disque formaté en FAT32), quelle que soit la place libre. Sauvegardez sur un disque "
            "formaté en exFAT ou NTFS (une clé se reformate ainsi après avoir copié ailleurs ce qu'elle "
            "contient), ou prévenez le support informatique",
            "en": "the file is larger than this drive accepts for a single file (4 GB at most on a USB stick or a "
            "disk formatted FAT32), however much room is free. Back up to a drive formatted exFAT or NTFS (a stick "
            "can be reformatted so once what it holds is copied elsewhere), or tell IT support",
        },
        "backup.restore_no_space": {
            "fr": "Pas assez de place sur le disque pour restaurer « {path} » : la sauvegarde n'est pas en "
            "cause et vos données actuelles n'ont pas été touchées. Libérez de la place puis recommencez.",
            "en": "Not enough disk space to restore “{path}”: the backup is not at fault and your current "
            "data was not touched. Free some space and try again.",
        },
        "backup.cannot_write": {
            "fr": "Impossible d'écrire la sauvegarde dans « {path} » : {reason}.",
            "en": "Cannot write the backup to “{path}”: {reason}.",
        },
        "backup.cannot_read": {
            "fr": "Impossible de lire « {path} » : {reason}. Rien n'a été restauré : vos données actuelles n'ont "
            "pas été touchées. Donnez le fichier de la sauvegarde lui-même (un nom en .tvbak ; la dernière "
            "sauvegarde automatique de ce poste : teleavis config get state.backup.file).",
            "en": "Cannot read “{path}”: {reason}. Nothing was restored: your current data was not touched. Give "
            "the backup file itself (a name ending in .tvbak; this workstation's last scheduled backup: teleavis "
            "config get state.backup.file).",
        },
        "backup.not_backup": {
            "fr": "« {path} » n'est pas une sauvegarde Teleavis. Rien n'a été restauré : vos données actuelles "
            "n'ont pas été touchées. Une sauvegarde Teleavis est un fichier en .tvbak (la dernière sauvegarde "
            "automatique de ce poste : teleavis config get state.backup.file).",
            "en": "“{path}” is not a Teleavis backup. Nothing was restored: your current data was not touched. A "
            "Teleavis backup is a file ending in .tvbak (this workstation's last scheduled backup: teleavis config "
            "get state.backup.file).",
        },
        "backup.too_new": {
            "fr": "Cette sauvegarde vient d'une version plus récente de Teleavis : rien n'a été restauré, vos "
            "données actuelles n'ont pas été touchées. Mettez Teleavis à jour, puis recommencez.",
            "en": "This backup comes from a newer Teleavis: nothing was restored, your current data was not "
            "touched. Update Teleavis, then try again.",
        },
        "backup.damaged": {
            "fr": "La sauvegarde « {path} » est endommagée ou incomplète (copie interrompue ?) : elle est "
            "refusée et vos données actuelles n'ont pas été touchées. Essayez une autre sauvegarde.",
            "en": "The backup “{path}” is damaged or incomplete (an interrupted copy?): it is refused and "
            "your current data has not been touched. Try another backup.",
        },
        "backup.newer": {
            # {cases}, {entries}: counted in words (app.messages.counted).
            "fr": "Les données de ce poste sont plus récentes que la sauvegarde ({cases} et {entries} "
            "depuis) : rien n'a été restauré. Relancez avec --force pour les remplacer quand même.",
            "en": "The data on this computer is newer than the backup ({cases} and {entries} since): "
            "nothing was restored. Run again with --force to replace it anyway.",
        },
        "backup.wrong_passphrase": {
            "fr": "Phrase secrète incorrecte pour cette sauvegarde : rien n'a été restauré. Donnez la phrase "
            "secrète des données au moment de la sauvegarde.",
            "en": "Wrong passphrase for this backup: nothing was restored. Give the passphrase the data had "
            "when the backup was taken.",
        },
        "backup.folder_unset": {
            "fr": "Aucun dossier de sauvegarde n'est choisi (réglage backup.folder).",
            "en": "No backup folder is chosen (setting backup.folder).",
        },
        "backup.folder_missing": {
            "fr": "Le dossier de sauvegarde « {path} » est introuvable : branchez la clé ou le disque.",
            "en": "The backup folder “{path}” cannot be found: plug in the USB drive or disk.",
        },
        # The scheduled backup's words without the way out (the window says it, ``retry_advice``).
        "backup.folder_gone": {
            "fr": "le dossier de sauvegarde « {path} » est introuvable (clé ou disque débranché ?).",
            "en": "the backup folder “{path}” cannot be found (USB stick or drive unplugged?).",
        },
        "backup.folder_unreachable": {
            "fr": "le dossier de sauvegarde « {path} » n'a pas pu être atteint : {reason}.",
            "en": "the backup folder “{path}” could not be reached: {reason}.",
        },
        "backup.drive_gone": {
            "fr": "la clé ou le disque de sauvegarde n'est plus branché à « {mount} » : le dossier « {path} » "
            "est celui, vide, de l'ordinateur lui-même, où rien n'est écrit.",
            "en": "the backup stick or drive is no longer plugged in at “{mount}”: the folder “{path}” is the "
            "computer's own, empty one, where nothing is written.",
        },
    }
)


class BackupError(TeleavisError):
    """A backup that cannot be written, or an archive that cannot be restored."""

    #: A backup not written: the message without its way out (``backup FOLDER`` gives its own).
    unwritten = ""
    #: The way out when it is tried again by itself (the window's scheduled backup): one per cause
    #: (``app.fsutil.retry_advice``); empty for a refusal no retry changes.
    retry = ""


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: str
    cases: int
    blobs: int
    size: int
    missing_blobs: int = 0
    #: The cases that did not open when it was written (app.case_check): carried as they were, they will not
    #: open once restored either; an older backup may hold them whole.
    not_opening: tuple[str, ...] = ()


@dataclass(frozen=True)
class RestoreInfo:
    created: str  # when the backup was taken
    cases: int
    blobs: int
    replaced: bool  # an existing data directory was replaced
    audit_ok: bool
    newer: Newer | None = None  # what the replaced data held that the archive lacked (with --force)
    # The data replaced opened with another passphrase than the backup's: the one chosen since (maybe because
    # the backup's leaked) no longer opens it, the backup's does (its key.json comes back with it).
    passphrase_back: bool = False
    # Where the data replaced is kept, when it held what the archive lacks (``newer``): beside the data folder.
    kept: Path | None = None


# -- backup --------------------------------------------------------------------------------------


def passphrase_needed(data_dir: Path) -> bool:
    """True when the data key is not yet wrapped under a passphrase (keyring-only installations):
    a backup then needs one, so that it opens on another machine."""
    return not KeyStore(data_dir).read_meta().get("passphrase")


def write_backup(
    store: Store,
    target: Path,
    *,
    passphrase: str | None = None,
    actor: str | None = None,
    new_file: bool = False,
) -> BackupInfo:
    """Write the encrypted archive of ``store``'s data directory to ``target`` (whole or not at all).

    The data key must be wrapped under a passphrase (it is when the installation uses one); for a
    keyring-only installation, ``passphrase`` is added as that wrapping first. A ``passphrase`` that
    does not open the existing wrapping is refused, so an archive always opens with the passphrase.
    ``new_file``: never over an existing file (a folder others write in too): when ``target`` is
    there, the archive is named ``target`` with ``-2``, ``-3``… (``BackupInfo.path`` says which).
    """
    from app.setting_checks import inside_folder

    if inside_folder(target.parent, store.data_dir):
        raise BackupError(M.tr("backup.inside_data", path=str(target.parent), data=str(store.data_dir)))
    meta = _key_meta_for_backup(store, passphrase)
    from app.case_check import cases_not_opening

    _total, not_opening = cases_not_opening(store)  # said, never silently carried (found from outside)
    archive_id = secrets.token_hex(16)
    archive_key = AESGCM.generate_key(bit_length=256)
    created = iso(utc_now())
    header = json.dumps(
        {
            "format": FORMAT,
            "created": created,
            "app_version": __version__,
            "chunk_size": CHUNK,
            "archive_id": archive_id,
            "key_file": meta,
            "archive_key": base64.b64encode(store.key.seal(archive_key, _archive_context(archive_id))).decode(),
        },
        sort_keys=True,
    ).encode("utf-8")
    prefix = MAGIC + struct.pack(">I", len(header)) + header

    part = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    snapshot = store.data_dir / f"{SNAPSHOT_PREFIX}{secrets.token_hex(6)}.db"
    # What a backup killed mid-way left here before (its stream, its snapshot) goes once stale.
    remove_stale(target.parent, f".{_glob_escape(target.name)}.*.part")
    remove_stale(store.data_dir, f"{SNAPSHOT_PREFIX}*.db*")
    try:
        conn = connect(store.data_dir / DB_FILE)
        try:
            backup_to(conn, snapshot)
        finally:
            conn.close()
        with create_private(part) as out:  # 0600: the archive is this user's only
            out.write(prefix)
            sealed = SealedWriter(out, archive_key, prefix)
            counts = _write_tar(store, snapshot, sealed, created, not_opening)
            sealed.finish()
            out.flush()
            os.fsync(out.fileno())
        interruption.finish_from_here()  # the archive under its name is the backup made: said so, recorded
        if new_file:
            target = _place_new(part, target)
        else:
            os.replace(part, target)
        fsync_dir(target.parent)
    except OSError as exc:
        # EFBIG first: a FAT32 drive's cap on one file is no full disk (found from outside: « le disque est
        # plein », and the nurse removed good backups to make room, every night in vain).
        if file_too_large(exc):
            reason = M.tr("backup.file_too_large")
        else:
            reason = M.tr("backup.disk_full") if disk_full(exc) else os_reason(exc)
        said = M.tr("backup.cannot_write", path=str(target), reason=reason)
        # What is kept and the way out (found from outside: « le disque est plein. » alone); the backup into a
        # folder says its own way out after ``said`` (its backups there intact, --keep).
        advice = write_advice(exc)
        refused = BackupError(f"{said} {advice}")
        refused.unwritten = said
        refused.retry = retry_advice(exc)
        raise refused from exc
    finally:
        # (Where the stream could not even be made, a read-only drive refuses its unlink too, with EROFS, not
        # ENOENT: that must not hide the refusal said above behind an internal error.)
        with contextlib.suppress(OSError):
            part.unlink(missing_ok=True)
        write_over(snapshot)  # (a copy of the database: its blocks are not left whole at each backup)
        snapshot.unlink(missing_ok=True)
    info = BackupInfo(
        path=target,
        created=created,
        cases=counts["cases"],
        blobs=counts["blobs"],
        size=target.stat().st_size,
        missing_blobs=counts["missing_blobs"],
        not_opening=tuple(not_opening),
    )
    _record(store, "backup", f"{info.cases} cases, {info.blobs} files, {info.size} bytes", actor)
    record_cases(store.settings, info)
    log.info("backup written: %d cases, %d blobs, %d bytes", info.cases, info.blobs, info.size)
    return info


def _place_new(part: Path, target: Path) -> Path:
    """Give the written ``part`` the name ``target``, or ``target`` with ``-2``, ``-3``… when a file already
    has it (a copy of this data elsewhere writing in the same second, a file put there by hand): never
    in place of an existing file, which a rename would silently replace. Returns the name given."""
    for attempt in range(1, _NAME_TRIES + 1):
        name = target if attempt == 1 else target.with_name(f"{target.stem}-{attempt}{target.suffix}")
        try:
            _rename_new(part, name)
        except FileExistsError:
            continue
        return name
    raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(target))


def _rename_new(part: Path, name: Path) -> None:
    """Rename ``part`` to ``name`` unless ``name`` exists (``FileExistsError``).

    A hard link is made new or not at all, the archive whole under its name at once; where a folder
    takes none (a FAT USB drive, some network shares), the name is first taken by creating it empty
    (made new or not at all too), then the archive is renamed over that empty file of ours (a crash
    in between leaves that empty file, which a restore refuses as no backup)."""
    try:
        os.link(part, name)
    except FileExistsError:
        raise
    except OSError:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
        os.close(os.open(name, flags, 0o600))
        try:
            os.replace(part, name)
        except BaseException:
            name.unlink(missing_ok=True)
            raise
    # (A link leaves ``part`` to be removed by the caller, as it does whatever happens.)


def _archive_context(archive_id: str) -> bytes:
    return f"backup archive key:{archive_id}".encode()


def _key_meta_for_backup(store: Store, passphrase: str | None) -> dict[str, Any]:
    keys = KeyStore(store.data_dir)
    meta = keys.read_meta()
    if meta.get("passphrase"):
        if passphrase is not None and not keys.passphrase_opens(passphrase):
            raise BackupError(M.tr("backup.other_passphrase"))
        return meta
    if not passphrase:
        raise BackupError(M.tr("backup.need_passphrase"))
    keys.add_passphrase(passphrase)
    log.info("the data key is now also wrapped under a passphrase, for backups")
    return keys.read_meta()


def _write_tar(store: Store, snapshot: Path, out: SealedWriter, created: str, not_opening: list[str]) -> dict[str, int]:
    conn = connect(snapshot)
    try:
        view = Store(store.data_dir, store.key, conn)
        blobs = sorted(view.referenced_blobs())
        cases = int(conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0])
        version = schema_version(conn)
        head = audit.log_head(conn)
    finally:
        conn.close()
    copied = missing = size = 0
    # Straight into the sealed stream (tarfile's own stream mode, "w|", buffers and re-slices what
    # passes through it: three more copies of every photo, a sixth of the backup's time), read from
    # each file in whole chunks (tarfile's default is 16 KiB: thousands of calls per photo).
    with tarfile.open(fileobj=out, mode="w", format=tarfile.PAX_FORMAT) as tar:
        tar.copybufsize = CHUNK  # type: ignore[attr-defined]  # TarFile's, missing from typeshed's stubs
        _add_file(tar, DB_FILE, snapshot)
        for blob in blobs:
            try:
                length = _add_file(tar, f"objects/{blob[:2]}/{blob}", store.objects.root / blob[:2] / blob)
            except FileNotFoundError:
                # Removed since the snapshot (an image deleted, a case purged) or lost before it.
                log.warning("backup: a referenced blob is missing")
                missing += 1
                continue
            copied += 1
            size += length
        manifest = {
            "format": FORMAT,
            "created": created,
            "app_version": __version__,
            "schema_version": version,
            "cases": cases,
            "blobs": copied,
            "blob_bytes": size,
            "missing_blobs": missing,
            "audit_head": {"seq": head.seq, "hash": head.hash},
            # The cases that did not open (an older restore ignores what it does not know of a manifest).
            "not_opening": list(not_opening),
        }
        _add(tar, "manifest.json", json.dumps(manifest, indent=2).encode("utf-8"))
    return {"cases": cases, "blobs": copied, "missing_blobs": missing}


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_member(name, len(data)), io.BytesIO(data))


def _add_file(tar: tarfile.TarFile, name: str, path: Path) -> int:
    """Add the file at ``path`` (a blob never changes once written: its size is its content's)."""
    with open(path, "rb") as source:
        length = os.fstat(source.fileno()).st_size
        tar.addfile(_member(name, length), source)
    return length


def _member(name: str, size: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = size, 0o600, int(utc_now().timestamp())
    return info


def _record(store: Store, action: str, detail: str, actor: str | None) -> None:
    conn = connect(store.data_dir / DB_FILE)
    try:
        with transaction(conn):
            audit.append(conn, store.key, action, None, detail=detail, actor=actor)
    finally:
        conn.close()


# -- restore -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Newer:
    """What the data being replaced holds that the archive does not."""

    cases: int
    audit_entries: int

    def __bool__(self) -> bool:
        return bool(self.cases or self.audit_entries)


@dataclass
class _Staged:
    folder: Path
    key: DataKey
    key_file: dict[str, Any]
    manifest: dict[str, Any] = field(default_factory=dict)


def restore_backup(
    source: Path,
    data_dir: Path,
    passphrase: str,
    *,
    force: bool = False,
    confirm: Callable[[Newer], bool] | None = None,
    actor: str | None = None,
) -> RestoreInfo:
    """Bring the archive ``source`` back as ``data_dir``, with the passphrase of the data it holds.

    Nothing is touched until the archive is unpacked and verified next to ``data_dir``. When
    ``data_dir`` holds cases newer than the archive (or cases it lacks) or audit entries written
    after it, the restore is refused unless ``force`` is set or ``confirm(newer)`` answers yes.
    """
    data_dir = data_dir.absolute()
    # Open elsewhere (the window, maybe only its icon in the tray; a command): said first, before the archive is
    # read and unpacked beside the data (found in review: minutes of reading, a copy of it all written to the
    # disk, and only then « ouvert ailleurs »); said again at the swap, held through it.
    _not_open_elsewhere(data_dir)
    staging = data_dir.parent / f".{data_dir.name}.restore-{secrets.token_hex(4)}"
    try:
        data_dir.parent.mkdir(parents=True, exist_ok=True)
        staging.mkdir(mode=0o700)
    except OSError as exc:  # (a folder this account cannot write to: said as opening the data there says it)
        message = "storage.dir_unusable" if data_dir.is_dir() else "storage.cannot_create"
        raise StorageError(M.tr(message, path=str(data_dir), reason=os_reason(exc))) from exc
    try:
        staged = _unpack(source, staging, passphrase)
        # Opened meanwhile (the archive takes a while to read): said before the newer cases are (found in review:
        # said only at the swap, after the nurse was told to add --force, or had answered yes to replacing them).
        _not_open_elsewhere(data_dir)
        newer = _newer(data_dir, staging)
        if newer and not force and not (confirm is not None and confirm(newer)):
            raise BackupError(
                M.tr(
                    "backup.newer",
                    cases=M.counted("cases-changed", newer.cases),
                    entries=M.counted("audit-entries", newer.audit_entries),
                )
            )
        conn = connect(staging / DB_FILE, keep_wal=False)
        try:
            # The archive's audit log must reach the head its manifest carries; the restored data
            # directory's head starts from there (an archive made before heads were kept has none).
            carried = staged.manifest.get("audit_head")
            if isinstance(carried, dict):
                row = conn.execute("SELECT hash FROM audit WHERE seq = ?", (carried.get("seq"),)).fetchone()
                if carried.get("seq") and (row is None or row[0] != carried.get("hash")):
                    raise BackupError(M.tr("backup.damaged", path=str(source)))
            audit.establish_head(conn, staged.key)
            audit_ok = audit.verify(conn, staged.key).ok
            with transaction(conn):
                # The workstation's own backup records do not come back (found in review: restored on another
                # computer, its backups were refused as « clé débranchée », the original's drive recorded; beside
                # the original, on a shared folder, it removed the original's backups as its own). Drawn anew.
                conn.executemany("DELETE FROM settings WHERE key = ?", [(key,) for key in WORKSTATION_RECORDS])
                audit.append(
                    conn,
                    staged.key,
                    "restored",
                    None,
                    actor=actor,
                    detail=f"backup of {staged.manifest['created']}"
                    + (
                        f", replaced {newer.cases} newer case(s) and {newer.audit_entries} audit entries"
                        if newer
                        else ""
                    ),
                )
        finally:
            conn.close()
        atomic_write(staging / KEY_FILE, json.dumps(staged.key_file, indent=2).encode())
        passphrase_back = _other_passphrase(data_dir, passphrase)
        # Never under a program that has the data open (the window, maybe only its icon in the tray; a command):
        # found from outside, the window went on writing into the database swapped out from under it, a deleted
        # file, and lost all it did after the restore. Refused before the swap, nothing changed, as a key
        # rotation is; held through the swap, so that none opens the data meanwhile (app/in_use.py).
        held = in_use.hold_shared(data_dir) if data_dir.is_dir() else None
        try:
            interruption.finish_from_here()  # the swap, then what it replaced kept beside: never one alone
            with in_use.alone(held):
                replaced, kept = _swap(staging, data_dir, bool(newer))
        finally:
            in_use.release(held)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    log.info("backup restored: %d cases", staged.manifest["cases"])
    return RestoreInfo(
        created=str(staged.manifest["created"]),
        cases=int(staged.manifest["cases"]),
        blobs=int(staged.manifest["blobs"]),
        replaced=replaced,
        audit_ok=audit_ok,
        newer=newer if newer else None,
        passphrase_back=passphrase_back,
        kept=kept,
    )


def _not_open_elsewhere(data_dir: Path) -> None:
    """Refused (:func:`in_use.alone`'s « ouvert ailleurs ») while another program has ``data_dir`` open."""
    if not data_dir.is_dir():
        return
    probe = in_use.hold_shared(data_dir)
    try:
        with in_use.alone(probe):
            pass
    finally:
        in_use.release(probe)


def _other_passphrase(data_dir: Path, passphrase: str) -> bool:
    """True when the data about to be replaced has a passphrase and ``passphrase`` (the backup's) does not open it."""
    if not (data_dir / KEY_FILE).is_file():
        return False
    keys = KeyStore(data_dir)
    try:
        return keys.has_passphrase() and not keys.passphrase_opens(passphrase)
    except DataLocked:  # (its key.json unreadable: the restore is what puts it right, nothing to compare)
        return False


def read_header(source: Path) -> dict[str, Any]:
    """The clear header of an archive (no passphrase needed): format, date, key record."""
    try:
        with open(source, "rb") as handle:
            header, _ = _read_header(handle, source)
    except OSError as exc:
        raise BackupError(M.tr("backup.cannot_read", path=str(source), reason=os_reason(exc))) from exc
    return header


def _read_header(handle: IO[bytes], source: Path) -> tuple[dict[str, Any], bytes]:
    head = handle.read(len(MAGIC) + 4)
    if len(head) < len(MAGIC) + 4 or not head.startswith(MAGIC):
        raise BackupError(M.tr("backup.not_backup", path=str(source)))
    (length,) = struct.unpack(">I", head[len(MAGIC) :])
    if length > _MAX_HEADER:
        raise BackupError(M.tr("backup.damaged", path=str(source)))
    raw = handle.read(length)
    try:
        header: dict[str, Any] = json.loads(raw)
        if not isinstance(header, dict) or type(header["format"]) is not int:
            raise TypeError("format")
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(M.tr("backup.damaged", path=str(source))) from exc
    if header["format"] > FORMAT:
        raise BackupError(M.tr("backup.too_new"))
    return header, head + raw


def _unpack(source: Path, staging: Path, passphrase: str) -> _Staged:
    damaged = BackupError(M.tr("backup.damaged", path=str(source)))
    try:
        handle = open(source, "rb")  # noqa: SIM115 - closed below, after the stream is read
    except OSError as exc:
        raise BackupError(M.tr("backup.cannot_read", path=str(source), reason=os_reason(exc))) from exc
    with handle:
        header, prefix = _read_header(handle, source)
        try:
            key_file = _checked_key_file(header["key_file"])
            sealed_key = base64.b64decode(header["archive_key"], validate=True)
            context = _archive_context(str(header["archive_id"]))
        except (KeyError, TypeError, ValueError) as exc:
            raise damaged from exc
        # Unlock with the passphrase only: the archive must open on a machine without the keyring.
        try:
            (staging / KEY_FILE).write_text(json.dumps({**key_file, "keyring": None}), "utf-8")
        except OSError as exc:
            if disk_full(exc):
                raise BackupError(M.tr("backup.restore_no_space", path=str(source))) from exc
            raise
        try:
            key = KeyStore(staging, lambda _confirm: passphrase).unlock()
        except DataLocked as exc:
            raise DataLocked(M.tr("backup.wrong_passphrase")) from exc
        try:
            archive_key = key.open(sealed_key, context)
        except DecryptionFailed as exc:
            raise damaged from exc
        staged = _Staged(staging, key, key_file)
        try:
            reader = SealedReader(handle, archive_key, prefix)
            names = _extract(reader, staging)
            if not reader.at_end():
                raise Damaged("data after the archive")
            staged.manifest = json.loads((staging / "manifest.json").read_text("utf-8"))
        except (Damaged, tarfile.TarError, OSError, ValueError, KeyError) as exc:
            if disk_full(exc):  # the disk, not the archive: it stays good to restore elsewhere
                raise BackupError(M.tr("backup.restore_no_space", path=str(source))) from exc
            log.warning("backup refused: %s", exc)
            raise damaged from exc
    _verify(staged, names, damaged)
    return staged


#: The most scrypt may be asked for by a header (the cost the key store uses is far below): a header
#: changed to ask for more would only make the restore hang or run out of memory.
_MAX_SCRYPT_N, _MAX_SCRYPT_R, _MAX_SCRYPT_P = 2**20, 32, 16


def _checked_key_file(value: Any) -> dict[str, Any]:
    """The header's key record, its shape checked before anything uses it (``TypeError`` if not)."""

    def text(v: Any) -> str:
        if not isinstance(v, str):
            raise TypeError("key record")
        return v

    if not isinstance(value, dict):
        raise TypeError("key record")
    text(value.get("key_id"))
    check = value.get("check")
    if not isinstance(check, dict):
        raise TypeError("key record")
    text(check.get("nonce")), text(check.get("value"))
    wrapped = value.get("passphrase")
    if not isinstance(wrapped, dict):
        raise TypeError("key record")
    for name in ("salt", "nonce", "wrapped"):
        text(wrapped.get(name))
    costs = [c for c in (wrapped.get(name) for name in ("n", "r", "p")) if type(c) is int and c >= 1]
    if wrapped.get("kdf") != "scrypt" or len(costs) != 3:
        raise TypeError("key record")
    n, r, p = costs
    if n > _MAX_SCRYPT_N or n & (n - 1) or r > _MAX_SCRYPT_R or p > _MAX_SCRYPT_P:
        raise TypeError("key record")
    return dict(value)


def _extract(reader: SealedReader, staging: Path) -> set[str]:
    names: set[str] = set()
    # tarfile reads the headers (its plain read mode: the reader seeks forward only); each member's bytes
    # go from the opened chunks to the file, a chunk at a time, with no copy beyond the reader's own.
    # (Through tarfile's stream mode and extractfile, every byte was copied three more times: the restore
    # measured 1.4-2.2x its baseline in a process that had run the capture benchmarks before.)
    with tarfile.open(fileobj=reader, mode="r:") as tar:
        while (member := tar.next()) is not None:
            if not member.isfile() or not _MEMBER.match(member.name) or member.name in names:
                raise Damaged(f"unexpected member {member.name!r}")
            if reader.tell() != member.offset_data:
                raise Damaged(f"member {member.name!r} is not where its header says")
            target = staging / member.name
            target.parent.mkdir(parents=True, exist_ok=True)
            with create_private(target) as out:
                left = member.size
                while left:
                    data = reader.read(min(left, CHUNK))
                    if not data:
                        raise Damaged(f"member {member.name!r} ends early")
                    out.write(data)
                    left -= len(data)
            names.add(member.name)
    # Every file is flushed once all are written, not each as it is written: a journal commit per
    # file made the next file's creation wait (a restore measured 2.4x its baseline). Only these files:
    # a system-wide ``sync`` also waits for whatever else the machine has to write (it cost a CI run
    # 0.35 s a restore). All are on disk before ``_swap`` puts the folder in place.
    for name in sorted(names):
        fsync_file(staging / name)
    return names


def _verify(staged: _Staged, names: set[str], damaged: BackupError) -> None:
    """The manifest agrees with what was unpacked, the database is sound and every blob is there."""
    blobs = {name.rsplit("/", 1)[1] for name in names if name.startswith("objects/")}
    if DB_FILE not in names or "manifest.json" not in names or len(blobs) != staged.manifest.get("blobs"):
        raise damaged
    conn = connect(staged.folder / DB_FILE, keep_wal=False)
    try:
        # A newer Teleavis's database in an archive of the same format: found in review, it was restored over the
        # data here, which nothing then opened (« mettez Teleavis à jour »). Refused as a newer archive is.
        if schema_version(conn) > len(app_db.MIGRATIONS):
            raise BackupError(M.tr("backup.too_new"))
        if conn.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
            raise damaged
        view = Store(staged.folder, staged.key, conn)
        lost = view.referenced_blobs() - blobs
        cases = int(conn.execute("SELECT COUNT(*) FROM cases").fetchone()[0])
    except sqlite3.DatabaseError as exc:
        raise damaged from exc
    finally:
        conn.close()
    if cases != staged.manifest.get("cases") or len(lost) > int(staged.manifest.get("missing_blobs", 0)):
        raise damaged
    for folder in (staged.folder / "objects").glob("*"):
        fsync_dir(folder)
    fsync_dir(staged.folder)


def _case_versions(db_path: Path) -> dict[str, str]:
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        return {str(r[0]): str(r[1]) for r in conn.execute("SELECT id, updated_at FROM cases")}
    except sqlite3.Error:
        return {}
    finally:
        conn.close()


def _audit_hashes(db_path: Path, *, besides_backups: bool = False) -> set[str]:
    """The audit entries' hashes; ``besides_backups``: not those saying a backup was taken (the backup's
    own entry, written once its snapshot was made, is never in it, and restoring loses nothing of it)."""
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT hash, action FROM audit")
        return {str(r[0]) for r in rows if not (besides_backups and r[1] == "backup")}
    except sqlite3.Error:
        return set()
    finally:
        conn.close()


def _newer(data_dir: Path, staging: Path) -> Newer:
    """What of the current data the archive would lose: cases absent from it or changed since, and
    audit entries it does not hold."""
    current_db = data_dir / DB_FILE
    if not current_db.exists():
        return Newer(0, 0)
    current, archived = _case_versions(current_db), _case_versions(staging / DB_FILE)
    cases = sum(1 for case_id, updated in current.items() if archived.get(case_id, "") < updated)
    entries = len(_audit_hashes(current_db, besides_backups=True) - _audit_hashes(staging / DB_FILE))
    return Newer(cases, entries)


def _swap(staging: Path, data_dir: Path, keep: bool = False) -> tuple[bool, Path | None]:
    """Put the verified folder in place of the data directory (journaled, ``app/swap.py``; logs are kept):
    whether one was replaced, and where it is kept (``keep``: it held what the archive lacks), else removed.

    Found in review: ``restore --force`` removed for good the data it replaced, the cases made since the backup
    with it. Kept as it was (its own key file, encrypted the same), private, named for the moment it was replaced:
    ``<data folder>.avant-restauration-YYYYMMDD-HHMMSS``; put back by renaming it, Teleavis closed."""
    kept = _kept_name(data_dir) if keep else None
    old = swap_in(staging, data_dir, kept)
    if old is None:
        return False, None
    logs = log_dir(old)
    if logs.is_dir():
        shutil.move(str(logs), str(log_dir(data_dir)))
    if kept is None:
        shutil.rmtree(old, ignore_errors=True)
        return True, None
    os.chmod(kept, 0o700)
    return True, kept


def _kept_name(data_dir: Path) -> Path:
    """Where the data a restore replaces is kept: ``<data folder>.avant-restauration-YYYYMMDD-HHMMSS``."""
    stamp = clock.now().strftime("%Y%m%d-%H%M%S")  # (the workstation's local time, as a person reads it)
    kept = data_dir.parent / f"{data_dir.name}.avant-restauration-{stamp}"
    n = 1
    while kept.exists():  # (two restores within a second)
        n += 1
        kept = data_dir.parent / f"{data_dir.name}.avant-restauration-{stamp}-{n}"
    return kept


# -- scheduled backups (the window) ----------------------------------------------------------------


def last_backup(store: Store) -> datetime | None:
    """When the last scheduled backup succeeded, or ``None``."""
    value = Settings(store.conn, store.key).get(_LAST)
    return datetime.fromisoformat(value) if value else None


def scheduled_moment(name: str) -> datetime | None:
    """The moment (UTC) a scheduled backup's file name says it was written, or ``None`` for another name."""
    match = _SCHEDULED.match(name)
    if match is None:
        return None
    try:
        return datetime.strptime(match.group(1), "%Y%m%d-%H%M%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def last_backup_gone(settings: Settings) -> bool:
    """True when the file the last scheduled backup wrote is no longer there (removed by hand, by
    another program, by another workstation sharing the folder): no backup can be counted on."""
    written = settings.get(_FILE)
    return bool(written) and not Path(str(written)).exists()


def backup_due(store: Store, now: datetime | None = None) -> bool:
    """True when a backup folder is set and the last backup is older than ``backup.every_hours`` (the window
    calls this from its timer). Due too when the folder is not there (a drive unplugged): found from outside,
    no backup was made for weeks and nothing said so; ``run_scheduled_backup`` then says why."""
    folder = str(store.settings.get("backup.folder") or "")
    hours = int(store.settings.get("backup.every_hours"))
    if not folder or hours <= 0:
        return False
    last = last_backup(store)
    if last is None or last_backup_gone(store.settings):
        return True
    return (now or utc_now()) - last >= timedelta(hours=hours)


def run_scheduled_backup(store: Store, now: datetime | None = None) -> BackupInfo:
    """Write a backup into ``backup.folder`` as ``teleavis-YYYYmmdd-HHMMSS-<workstation id>.tvbak``
    (never over an existing file) and keep the last ``KEEP_SCHEDULED`` this workstation wrote there.
    Runs without a passphrase when the data key has one (see ``write_backup``); raises ``BackupError``
    with a sentence for the window otherwise."""
    folder_text = str(store.settings.get("backup.folder") or "")
    if not folder_text:
        raise BackupError(M.tr("backup.folder_unset"))
    folder = Path(folder_text)
    try:
        there = folder.is_dir()
    except OSError as exc:
        # Found in review: ``is_dir`` lets every error through but « not there »: a share timing out or whose server
        # is down (ETIMEDOUT, EHOSTDOWN, EIO), a name too long; the window said « erreur interne », no way out.
        said = M.tr("backup.folder_unreachable", path=folder_text, reason=os_reason(exc))
        unreachable = BackupError(f"{said[:1].upper()}{said[1:]} {write_advice(exc)}")
        unreachable.unwritten = said
        unreachable.retry = retry_advice(exc)
        raise unreachable from exc
    if not there:
        missing = BackupError(M.tr("backup.folder_missing", path=folder_text))
        missing.unwritten = M.tr("backup.folder_gone", path=folder_text)
        missing.retry = retry_advice(None)
        raise missing
    gone = drive_gone(store.settings.get(_MOUNT), folder)
    if gone is not None:
        # Found from outside: the drive's mount point (``/media/usb``, an fstab line) stays when it is unplugged,
        # an empty folder of the computer's own disk; the backups went there, with the data on the same disk.
        unplugged = BackupError(M.tr("backup.folder_missing", path=folder_text))
        unplugged.unwritten = M.tr("backup.drive_gone", mount=str(gone), path=folder_text)
        unplugged.retry = retry_advice(None)
        raise unplugged
    moment = now or utc_now()
    remove_stale(folder, f".teleavis-*{SUFFIX}.*.part")  # a scheduled backup killed mid-way
    info = write_backup(store, folder / dated_name(store, moment), new_file=True)
    conn = connect(store.data_dir / DB_FILE)
    try:
        settings = Settings(conn, store.key)
        previous = [str(p) for p in settings.get(_WRITTEN) or [] if str(p) != str(info.path)]
        # Those it wrote before it listed them: pruned as the others once proven its own, said otherwise.
        own_old, unproven = _old_backups(store.key, conn, folder, set(previous))
        written = [*own_old, *previous, str(info.path)]
        with transaction(conn):
            settings.set(_LAST, iso(moment), in_transaction=True)
            settings.set(_FILE, str(info.path), in_transaction=True)
            settings.set(_WRITTEN, written, in_transaction=True)
            settings.set(_UNPROVEN, unproven, in_transaction=True)
            settings.set(_MOUNT, {"folder": str(folder), "mount": str(mount_of(folder))}, in_transaction=True)
        # Pruned even while a case does not open (note 36: none removed then, the drive filled in time), but never
        # the newest backup in which such a case still opened (found in review: pruned, no backup held it whole).
        whole = holding_whole(settings, conn, written[:-1], info.not_opening)
        settings.set(_WRITTEN, _prune(folder, written, set(whole)))
    finally:
        conn.close()
    return info


def mount_of(folder: Path) -> Path:
    """The mount point ``folder`` lies on (its nearest ancestor that is one; a drive's root on Windows), links
    followed: found in review, a folder chosen as a link to the drive (``~/Sauvegardes`` → ``/media/usb``) was
    no mount point itself, the drive's never recorded, and unplugged the backups went into its empty mount point."""
    # (Not on Windows: there a volume mounted in a folder resolves to its ``\\?\Volume{…}`` name, no drive
    # root above it, and ``ismount`` already knows such a folder; a link to a drive is a POSIX habit.)
    current = Path(os.path.realpath(folder) if os.name == "posix" else os.path.abspath(folder))
    while not os.path.ismount(current) and current.parent != current:
        current = current.parent
    return current


def mount_record(folder_text: str) -> dict[str, str] | None:
    """What is recorded (``keep_mount``) for the backup folder ``folder_text`` as it is chosen or chosen again
    (``config set``, the settings dialog): the folder and the mount point it lies on now. Found from outside: a drive
    retired for good left its mount point an ordinary empty folder, and choosing that same folder again did not clear
    the drive recorded there, every scheduled backup refused for ever. ``None`` for a folder not there now (a drive to
    plug in later: the next backup made there records its mount). Looks at the folder: never from the window's
    thread (a network share may not answer)."""
    if not folder_text:
        return None
    folder = Path(folder_text)
    try:
        there = folder.is_dir()
    except OSError:
        there = False
    return {"folder": str(folder), "mount": str(mount_of(folder))} if there else None


def keep_mount(settings: Settings, record: dict[str, str] | None, *, in_transaction: bool = False) -> None:
    """Record ``record`` (``mount_record``'s) as the backup folder's drive; nothing for ``None``."""
    if record is not None:
        settings.set(_MOUNT, record, in_transaction=in_transaction)


def drive_gone(recorded: object, folder: Path) -> Path | None:
    """The mount point that held ``folder`` at the last scheduled backup (``recorded``: ``state.backup.mount``),
    when ``folder`` is now on a mount above it (the drive unplugged, its mount point left as an empty folder of the
    disk above); else ``None``. The scheduled backup refuses then, and ``doctor`` says so (one test for both).
    Never made: Teleavis creates no backup folder, nor any folder above it."""
    if not isinstance(recorded, dict) or recorded.get("folder") != str(folder):
        return None
    return unplugged_from(recorded.get("mount"), folder)


def unplugged_from(mount: object, folder: Path) -> Path | None:
    """``mount`` (the mount point ``folder`` lay on when last written into, or ``None``) when ``folder`` is now
    on a mount above it: the drive unplugged, its mount point left as an empty folder of the disk above."""
    was = Path(str(mount or ""))
    try:
        # Looked into first: a share mounted on demand is mounted by being opened, seen above its mount until then.
        with os.scandir(folder) as entries:
            if next(entries, None) is not None:
                return None  # an unplugged drive leaves its mount point empty: a folder holding something is in use
    except OSError:
        pass  # (unreadable: judged by its mount alone)
    now = mount_of(folder)
    if not was.is_absolute() or now == was or not was.is_relative_to(now):
        return None
    return was


def _old_backups(key: DataKey, conn: sqlite3.Connection, folder: Path, known: set[str]) -> tuple[list[str], list[str]]:
    """The backups in ``folder`` named as before the workstation's id was in the names (not listed in
    ``known``): those proven this workstation's, oldest first, and the others.

    Until then no workstation listed what it wrote, and the name says nothing of who did. Proven ours:
    the archive's key opens under this data key (written from this data, not another installation's),
    and this data's audit log records a backup of exactly the file's size, written within a day after
    the moment the archive's header says it began (written here, not by a copy of this data restored
    on another workstation since, nor before this data was itself restored from an older backup). Any
    doubt (unreadable, another key, no such entry) and the file is not ours to remove."""
    try:
        paths = sorted(folder / e.name for e in os.scandir(folder) if _OLD_SCHEDULED.match(e.name))
    except OSError:
        return [], []
    paths = [p for p in paths if str(p) not in known]
    if not paths:
        return [], []
    recorded: dict[int, list[datetime]] = {}
    for at, detail in conn.execute("SELECT at, detail FROM audit WHERE action = 'backup'"):
        match = _RECORDED_SIZE.search(str(detail))
        try:
            moment = datetime.fromisoformat(str(at))
        except ValueError:
            continue
        if match is not None and moment.tzinfo is not None:
            recorded.setdefault(int(match.group(1)), []).append(moment)
    proven: list[tuple[datetime, str]] = []
    unproven: list[str] = []
    for path in paths:
        began = _began_here(path, key, recorded)
        if began is None:
            unproven.append(str(path))
        else:
            proven.append((began, str(path)))
    return [p for _, p in sorted(proven)], unproven


#: The size a ``backup`` audit entry records (``write_backup``: « N cases, N files, N bytes »).
_RECORDED_SIZE = re.compile(r", (\d+) bytes$")
#: The longest a backup may have taken from its header to its audit entry.
_WRITE_TIME = timedelta(days=1)


def _began_here(path: Path, key: DataKey, recorded: dict[int, list[datetime]]) -> datetime | None:
    """When the archive ``path`` began if this data wrote it (see ``_old_backups``), else ``None``."""
    try:
        size = path.stat().st_size
        header = read_header(path)
        began = datetime.fromisoformat(str(header["created"]))
        key.open(base64.b64decode(header["archive_key"], validate=True), _archive_context(str(header["archive_id"])))
    except (BackupError, DecryptionFailed, OSError, KeyError, TypeError, ValueError):
        return None
    if began.tzinfo is None or not any(began <= at <= began + _WRITE_TIME for at in recorded.get(size, ())):
        return None
    return began


def dated_name(store: Store, moment: datetime | None = None) -> str:
    """A backup's file name saying when (UTC) and which workstation: ``teleavis-YYYYmmdd-HHMMSS-<id>.tvbak``,
    the scheduled backups' and ``teleavis backup FOLDER``'s (written with ``new_file``: never over another)."""
    return f"teleavis-{(moment or utc_now()).astimezone(UTC):%Y%m%d-%H%M%S}-{_station(store)}{SUFFIX}"


def _station(store: Store) -> str:
    """This workstation's id in its backups' names, drawn at its first scheduled backup."""
    station = str(store.settings.get(_STATION) or "")
    if not re.fullmatch(r"[0-9a-f]{8}", station):
        station = secrets.token_hex(4)
        store.settings.set(_STATION, station)
    return station


def record_cases(settings: Settings, info: BackupInfo) -> None:
    """Remember which cases did not open when the backup ``info`` was written (``holding_whole`` asks)."""
    seen = dict(_seen(settings))
    # (Under its absolute name: ``backup FOLDER`` lists them so, a cron line giving a relative folder.)
    seen[os.path.abspath(info.path)] = {"created": info.created, "not_opening": list(info.not_opening)}
    extra = len(seen) - _SEEN_REMEMBERED
    for path in list(seen):
        if extra <= 0:
            break
        if not Path(path).exists():
            del seen[path]
            extra -= 1
    settings.set(_CASES_SEEN, seen)


def _seen(settings: Settings) -> dict[str, Any]:
    """What the backups recorded of their cases (``record_cases``); nothing when it was changed outside Teleavis
    (found in review: every backup then failed once written, while data was damaged, when it matters most; read as
    nothing, each older backup is kept while a case does not open, and it is recorded afresh)."""
    try:
        seen = settings.get(_CASES_SEEN)
    except DataAltered:
        log.warning("what the backups recorded of their cases was altered: recorded afresh")
        return {}
    return seen if isinstance(seen, dict) else {}


def cases_recorded(settings: Settings, path: str) -> bool:
    """Whether what the backup ``path`` found of its cases was recorded (``record_cases``): not for one written by
    an earlier release, which ``holding_whole`` keeps as it may hold a case whole, without knowing it."""
    return isinstance(_seen(settings).get(os.path.abspath(path)), dict)


def holding_whole(
    settings: Settings, conn: sqlite3.Connection, older: list[str], not_opening: tuple[str, ...] | list[str]
) -> dict[str, list[str]]:
    """The backups among ``older`` (oldest first) to keep for the cases ``not_opening`` now: for each case, the
    newest one still found, written after the case was made, in which it still opened, and the ones newer than it
    written by a release that did not record its cases (which may be the one). Returns each such path with the
    cases it is kept for. A case no backup held whole (made since the last one) keeps none."""
    seen = _seen(settings)
    kept: dict[str, list[str]] = {}
    for case_id in not_opening:
        made = _made(conn, case_id)
        for path in reversed(older):
            record = seen.get(os.path.abspath(path))
            if not isinstance(record, dict):  # written before backups recorded their cases: it may be the one
                kept.setdefault(path, []).append(case_id)
                continue
            if case_id in (record.get("not_opening") or []):  # held it as it is now
                continue
            if not Path(path).exists():
                # Removed by hand, or on a drive not plugged in: not counted on (found in review: taken as the one,
                # the older one still here that held the case whole was removed). An older one is looked for.
                continue
            written = _moment(record.get("created"))
            if made is not None and written is not None and written <= made:
                break  # written before the case was made: neither it nor an older one holds it
            kept.setdefault(path, []).append(case_id)
            break
    return kept


def _made(conn: sqlite3.Connection, case_id: str) -> datetime | None:
    """When the case was made, at the earliest of its row's time and its creation in the audit log: its row, in
    clear, is the very one changed outside Teleavis (found in review: moved ahead with the damage, every backup
    looked written before the case, none was kept for it); the audit log is chained and append-only."""
    row = conn.execute("SELECT created_at FROM cases WHERE id = ?", (case_id,)).fetchone()
    logged = conn.execute(
        "SELECT at FROM audit WHERE case_id = ? AND action = 'created' ORDER BY seq LIMIT 1", (case_id,)
    ).fetchone()
    times = [moment for found in (row, logged) if found is not None and (moment := _moment(found[0])) is not None]
    return min(times, default=None)


def _moment(text: object) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def _prune(folder: Path, written: list[str], whole: set[str] | None = None) -> list[str]:
    """Remove this workstation's older scheduled backups in ``folder`` beyond the last ``KEEP_SCHEDULED``
    it wrote (``written``, oldest first; the last one is the backup just written), but none of ``whole`` (the
    last ones holding whole a case that no longer opens, ``holding_whole``). Only these: the names
    in the folder say nothing of who wrote them (another workstation sharing the folder, a person) nor,
    with a clock once wrong, of which is the latest. Returns the list to keep recording: the files still
    there (one written in another folder is forgotten, never removed)."""
    ours = [Path(p) for p in written if Path(p).parent == folder and _SCHEDULED.match(Path(p).name)]
    kept: list[str] = []
    for index, old in enumerate(ours):
        if index >= len(ours) - KEEP_SCHEDULED or str(old) in (whole or set()):
            kept.append(str(old))
            continue
        try:
            old.unlink(missing_ok=True)
        except OSError:
            log.warning("an old scheduled backup could not be removed")
            kept.append(str(old))
    return [p for p in kept if Path(p).exists()]
