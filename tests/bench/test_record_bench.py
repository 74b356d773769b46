"""Benchmarks of the case record: the report of 8 images of 12 MP, and backup / restore.

Baselines are measured in the same run (these machines are noisy; ratios hold, absolute times
don't), and each is the work the feature cannot avoid:
- the report embeds the stored JPEG bytes as they are: reading (decrypting) the eight images once
  and writing the same bytes out (printed); what the images add to the report (against the same
  report with small photos) must cost less than decoding them once, which the report never does;
- a backup copies the live database (SQLite's online backup), reads it and every blob and writes
  them sealed (AES-GCM, 1 MiB chunks) into one file, fsynced; a restore derives the key from the
  passphrase, opens those chunks and writes each file (the database first), fsynced.
"""

from __future__ import annotations

import io
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from PIL import Image

from app.backup import restore_backup, write_backup
from app.db import DB_FILE, backup_to, connect
from app.fsutil import fsync_dir, fsync_file
from app.keystore import KeyStore
from app.report import build_report
from app.sealed import CHUNK, SealedReader, SealedWriter
from app.store import Store
from tests.record.record_cases import PASSPHRASE, answer, jpeg, make_case, opened_with_site

pytestmark = pytest.mark.bench
TWELVE_MP = (4000, 3000)


@pytest.fixture
def store(teleavis_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("TELEAVIS_PASSPHRASE", PASSPHRASE)
    with opened_with_site(teleavis_home) as opened:
        yield opened


@pytest.fixture(scope="module")
def photos() -> list[bytes]:
    return [jpeg(*TWELVE_MP, seed=n, quality=92) for n in range(8)]


def timed(work: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    """Seconds ``work(*args, **kwargs)`` took."""
    start = time.perf_counter()
    work(*args, **kwargs)
    return time.perf_counter() - start


def from_a_quiet_disk(work: Callable[..., Any], *args: Any, **kwargs: Any) -> float:
    """Seconds ``work`` took, started once what the round wrote before is on disk (``os.sync``, not
    timed): a round writes four copies of the blobs, and whichever came last would otherwise pay for
    the write-back of the others (the kernel throttles a writer once enough is dirty)."""
    os.sync()
    return timed(work, *args, **kwargs)


def write_report(store: Store, case_id: str, target: Path) -> None:
    target.write_bytes(build_report(store, case_id).pdf)


def read_and_write_images(store: Store, case_id: str, target: Path) -> None:
    """What the report cannot avoid: each stored image decrypted once, its bytes written once."""
    with open(target, "wb") as out:
        for image in store.images(case_id):
            out.write(store.objects.get(image.blob))


def decode_images(photos: list[bytes]) -> None:
    """What the report must never do, as a yardstick: decoding each photo once (a re-encode would add more)."""
    for data in photos:
        with Image.open(io.BytesIO(data)) as image:
            image.load()


def test_report_of_eight_12mp_images(store: Store, photos: list[bytes], tmp_path: Path) -> None:
    case_id = make_case(store, "dermatology", images=8, image_data=photos)
    answer(store, case_id, pdf_pages=3)
    # The same case with 8 small photos of the same shape: the same 13 pages, laid out alike. Its
    # report is the fixed cost (fonts, layout, the expert's pages appended), measured on this machine
    # in the same rounds rather than written down as seconds.
    small_id = make_case(store, "dermatology", images=8, image_data=[jpeg(400, 300, seed=n) for n in range(8)])
    answer(store, small_id, pdf_pages=3)
    stored = sum(len(p) for p in photos)

    # Rounds interleaved, best of each compared (noise only adds time); each round writes new files.
    rounds: list[tuple[float, float, float, float]] = []
    for n in range(7):
        pdf, small_pdf = tmp_path / f"report-{n}.pdf", tmp_path / f"small-{n}.pdf"
        rounds.append(
            (
                timed(read_and_write_images, store, case_id, tmp_path / f"images-{n}.bin"),
                timed(decode_images, photos),
                timed(write_report, store, case_id, pdf),
                timed(write_report, store, small_id, small_pdf),
            )
        )
        for written in (pdf, small_pdf, tmp_path / f"images-{n}.bin"):
            written.unlink()
    baseline, decode_time, report_time, layout_time = (min(column) for column in zip(*rounds, strict=True))
    report = build_report(store, case_id)
    grows = report_time - layout_time

    print(
        f"\n8 × 12 MP: images {stored / 1e6:.1f} MB; reading and writing them {baseline:.2f} s; "
        f"report {report_time:.2f} s ({report_time / baseline:.2f}×), {len(report.pdf) / 1e6:.1f} MB "
        f"({len(report.pdf) / stored:.3f}× the images), {report.pages} pages; the same report with small "
        f"photos {layout_time:.2f} s, so the 12 MP images add {grows:.2f} s "
        f"({grows / baseline:.1f}× reading and writing them, {grows / decode_time:.2f}× decoding them once: "
        f"{decode_time:.2f} s, limit 1)"
    )
    # What grows with the images must stay a few copies of their bytes (reportlab writes them, hashes
    # them twice, pypdf appends the expert's pages after them): about ten times reading and writing
    # them, a fraction of a second. Decoding and re-encoding them, which the report must never do,
    # costs more than decoding them once, and fails this; both sides are CPU work of a few tenths of a
    # second at least, so a busy machine slows them alike.
    assert grows <= decode_time
    assert len(report.pdf) <= 1.02 * stored


def seal_files(files: list[Path], target: Path, database: Path) -> None:
    """The backup's irreducible work: a consistent copy of the database taken (as any backup of a live
    database must), then it and every file read and written sealed into one file, fsynced, and put in
    place whole (renamed, its folder fsynced: a cut-off archive must never pass for one)."""
    snapshot = target.with_suffix(".db")
    conn = connect(database)
    try:
        backup_to(conn, snapshot)
    finally:
        conn.close()
    key = AESGCM.generate_key(bit_length=256)
    part = target.with_suffix(".part")
    with open(part, "wb") as out:
        sealed = SealedWriter(out, key, b"baseline")
        for path in [snapshot, *files]:
            sealed.write(path.read_bytes())
        sealed.finish()
        out.flush()
        os.fsync(out.fileno())
    part.replace(target)
    fsync_dir(target.parent)
    target.with_suffix(".key").write_bytes(key)
    target.with_suffix(".db-size").write_text(str(snapshot.stat().st_size))  # for the restore's baseline
    snapshot.unlink()


def unseal_files(source: Path, files: list[tuple[str, int]], folder: Path, data_dir: Path) -> None:
    """The restore's: the key derived from the passphrase, the chunks opened, each file written in its
    folder (the store's layout: a folder per hash prefix), then every file and folder put on disk. The
    database comes first, as the backup's baseline sealed it.

    Files are flushed once all are written, as the restore does: how a disk takes one flush per file
    written against one pass at the end depends on the machine and on what it wrote before (here the
    per-file way was the slower by 10 %; in a fresh-clone run the restore's pass measured 1.6x this
    baseline while they were alike elsewhere). Both pay the same way, so the ratio measures the
    restore's own work."""
    KeyStore(data_dir, lambda _confirm: PASSPHRASE).unlock()
    files = [(DB_FILE, int(source.with_suffix(".db-size").read_text())), *files]
    with open(source, "rb") as handle:
        reader = SealedReader(handle, source.with_suffix(".key").read_bytes(), b"baseline")
        for name, size in files:
            target = folder / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as out:
                for start in range(0, size, CHUNK):
                    out.write(reader.read(min(CHUNK, size - start)))
    for name, _size in sorted(files):
        fsync_file(folder / name)
    for made in {folder / name for name, _size in files}:
        fsync_dir(made.parent)
    fsync_dir(folder)


def test_backup_and_restore_throughput(store: Store, photos: list[bytes], tmp_path: Path) -> None:
    # Enough blobs (~140 MB) that a fraction of a second of noise is not the result. (At twice as much,
    # 275 MB, the restore measured 1.5-2.4x its baseline while it fsynced each file as it wrote it, 2.4x
    # on a CI machine where a system-wide sync replaced that; it now flushes its own files once all are
    # written.)
    for _ in range(4):
        make_case(store, "dermatology", images=8, image_data=photos)
    archive = tmp_path / "b.tvbak"
    files = sorted(p for p in store.objects.root.rglob("*") if p.is_file())
    stored = sum(p.stat().st_size for p in files)
    sealed = tmp_path / "baseline.sealed"

    # Each round measures all four, each from a quiet disk, so a busy spell on a shared machine slows
    # the baseline and the measure alike; the best of five rounds is compared (best to best). Each
    # backup is a new file and each restore goes to a new folder, as on a new machine (replacing them
    # would add deleting the old ones to what is measured).
    database = store.data_dir / DB_FILE
    layout = [(str(p.relative_to(store.objects.root)), p.stat().st_size) for p in files]
    rounds: list[tuple[float, float, float, float]] = []
    for n in range(5):
        unsealed, backup, restored = tmp_path / f"unsealed-{n}", tmp_path / f"b-{n}.tvbak", tmp_path / f"restored-{n}"
        rounds.append(
            (
                from_a_quiet_disk(seal_files, files, sealed, database),
                from_a_quiet_disk(unseal_files, sealed, layout, unsealed, store.data_dir),
                from_a_quiet_disk(write_backup, store, backup),
                from_a_quiet_disk(restore_backup, backup, restored, PASSPHRASE, force=True),
            )
        )
        shutil.rmtree(unsealed)
        shutil.rmtree(restored)
        sealed.unlink()
        backup.replace(archive)
    seal_time, unseal_time, backup_time, restore_time = (min(column) for column in zip(*rounds, strict=True))
    print(
        f"\nbackup of {stored / 1e6:.0f} MB of blobs: {backup_time:.2f} s vs sealing them {seal_time:.2f} s "
        f"({backup_time / seal_time:.2f}×), archive {archive.stat().st_size / stored:.3f}× ; "
        f"restore {restore_time:.2f} s vs unlocking and unsealing them {unseal_time:.2f} s "
        f"({restore_time / unseal_time:.2f}×)"
    )
    assert archive.stat().st_size < 1.05 * stored + 1_000_000
    assert backup_time <= 1.5 * seal_time
    assert restore_time <= 1.5 * unseal_time
