"""Benchmarks of the case record: the report of 8 images of 12 MP, and backup / restore.

Baselines are measured in the same run (these machines are noisy; ratios hold, absolute times
don't): for the report, decoding and re-encoding the eight images once with Pillow.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.backup import restore_backup, write_backup
from app.model import Requester
from app.report import build_report
from app.store import Store
from tests.record.record_cases import PASSPHRASE, answer, jpeg, make_case

pytestmark = pytest.mark.bench
TWELVE_MP = (4000, 3000)


@pytest.fixture
def store(teleavis_home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Store]:
    monkeypatch.setenv("TELEAVIS_PASSPHRASE", PASSPHRASE)
    with Store.open(teleavis_home) as opened:
        opened.settings.set("site.requester", asdict(Requester(
            rpps="10101010105", family="DURAND", given=["Anne"], role="Médecin généraliste",
            finess="750000010", organization="Centre de santé", patient_id_system="urn:oid:1.2.250.1.999.1.1")))
        yield opened


@pytest.fixture(scope="module")
def photos() -> list[bytes]:
    return [jpeg(*TWELVE_MP, seed=n, quality=92) for n in range(8)]


def best_of(runs: int, work: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def decode_and_reencode(photos: list[bytes]) -> None:
    for data in photos:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            out = io.BytesIO()
            image.save(out, "JPEG", quality=92)


def test_report_of_eight_12mp_images(store: Store, photos: list[bytes]) -> None:
    case_id = make_case(store, "dermatology", images=8, image_data=photos)
    answer(store, case_id, pdf_pages=3)
    stored = sum(len(p) for p in photos)

    baseline = best_of(3, lambda: decode_and_reencode(photos))
    report_time = best_of(3, lambda: build_report(store, case_id))
    report = build_report(store, case_id)

    print(f"\n8 × 12 MP: images {stored / 1e6:.1f} MB; decode+re-encode {baseline:.2f} s; "
          f"report {report_time:.2f} s ({report_time / baseline:.2f}×), {len(report.pdf) / 1e6:.1f} MB "
          f"({len(report.pdf) / stored:.3f}× the images), {report.pages} pages")
    assert report_time <= 2 * baseline
    assert len(report.pdf) <= 1.5 * stored


def test_backup_and_restore_throughput(store: Store, photos: list[bytes], tmp_path: Path) -> None:
    for _ in range(2):
        make_case(store, "dermatology", images=8, image_data=photos)
    archive = tmp_path / "b.tvbak"
    stored = sum(p.stat().st_size for p in store.objects.root.rglob("*") if p.is_file())

    backup_time = best_of(1, lambda: write_backup(store, archive))
    restore_time = best_of(1, lambda: restore_backup(archive, tmp_path / "restored", PASSPHRASE))

    print(f"\nbackup of {stored / 1e6:.0f} MB of blobs: {backup_time:.2f} s "
          f"({stored / 1e6 / backup_time:.0f} MB/s), archive {archive.stat().st_size / stored:.3f}× ; "
          f"restore {restore_time:.2f} s ({stored / 1e6 / restore_time:.0f} MB/s)")
    assert archive.stat().st_size < 1.05 * stored + 1_000_000
