"""A damaged HEIC crashed the whole program (found in review: an iPhone's HEIC with byte 1086 set to 0xAA made
libheif, through pi-heif, die of a segmentation fault) at the import, at a reply's images, at ``case import``
and as soon as the device folder's list read the photo's date. HEIC is now decoded in a child process
(capture/heif_child.py): its crash is the ordinary « image illisible » refusal, nothing else is lost.

Each path is run in a process of its own, so that a crash is a failed test, not a dead test run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.support.cases import example_case
from tests.support.cli import SITE, run_process, write_json

ROOT = Path(__file__).resolve().parents[2]
REAL_HEIC = ROOT / "tests" / "fixtures" / "real-cameras" / "IMG_5195.HEIC"
DAMAGED_WORDS = "est incomplète ou abîmée et ne peut pas être lue"


def damaged_heic(folder: Path, name: str = "IMG_5195.HEIC") -> Path:
    """The iPhone's HEIC with one byte changed: libheif 1.19 (pi-heif 1.4.0) dies on it."""
    data = bytearray(REAL_HEIC.read_bytes())
    data[1086] = 0xAA
    path = folder / name
    path.write_bytes(bytes(data))
    return path


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), LANG="fr_FR.UTF-8", **env),
        timeout=300,
    )


def test_a_damaged_heic_is_refused_at_the_import_and_the_program_lives_on(tmp_path: Path) -> None:
    """The capture panel's « Importer un fichier… » and a reply's « Ajouter des images… » both read the file
    with prepare_image_file: the damaged HEIC is refused in words, then a good HEIC still imports upright."""
    bad = damaged_heic(tmp_path)
    code = (
        "import pathlib, sys\n"
        "from app.errors import ImageRejected\n"
        "from capture.pipeline import prepare_image_file\n"
        "try:\n"
        f"    prepare_image_file(pathlib.Path({str(bad)!r}), specialty='dermatology')\n"
        "except ImageRejected as exc:\n"
        "    print('REFUSED', exc)\n"
        f"good = prepare_image_file(pathlib.Path({str(REAL_HEIC)!r}), specialty='dermatology')\n"
        "print('GOOD', good.width, good.height)\n"
        "print('LIBHEIF_HERE', 'pi_heif' in sys.modules or 'pillow_heif' in sys.modules)\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"REFUSED L'image « {bad.name} » {DAMAGED_WORDS}" in done.stdout
    assert "GOOD 2566 3313" in done.stdout  # (stored upright, as before)
    assert "LIBHEIF_HERE False" in done.stdout  # the program itself never loads libheif


def test_a_damaged_heic_on_the_device_folder_has_no_date_and_the_list_is_shown(tmp_path: Path) -> None:
    """The device folder's list reads each photo's date (ui/capture_folder.py, in the background): no crash on the
    damaged HEIC, the good one beside it has its own date."""
    bad = damaged_heic(tmp_path, "IMG_5196.HEIC")
    good = tmp_path / "IMG_5195.HEIC"
    good.write_bytes(REAL_HEIC.read_bytes())
    code = (
        "import pathlib\n"
        "from ui.capture_folder import earlier_session, taken_at\n"
        f"print('BAD', taken_at(pathlib.Path({str(bad)!r})))\n"
        f"print('GOOD', taken_at(pathlib.Path({str(good)!r})))\n"
        f"earlier_session([pathlib.Path({str(bad)!r}), pathlib.Path({str(good)!r})])\n"
        "print('LISTED')\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    # (Its EXIF is whole, read from its boxes without libheif: dated; only its pixels are damaged.)
    assert "BAD 2021-04-11 15:47:53" in done.stdout
    assert "GOOD 2021-04-11 15:47:53" in done.stdout
    assert "LISTED" in done.stdout


def test_case_import_refuses_a_damaged_heic_in_words(tmp_path: Path) -> None:
    """``case import`` of a case file naming the damaged HEIC: refused (exit 1) with the file's name and what
    to do, no crash, nothing stored; with a good image instead, the case imports."""
    home = tmp_path / "home"
    env = {"TELEAVIS_HOME": str(home), "LANG": "fr_FR.UTF-8", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env["TELEAVIS_PASSPHRASE"] = "correct horse battery staple 42"
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE)), env=env).code == 0
    folder = tmp_path / "case"
    case_file = example_case(folder)
    doc = json.loads(case_file.read_text(encoding="utf-8"))
    doc["images"][1]["file"] = damaged_heic(folder).name
    case_file.write_text(json.dumps(doc), encoding="utf-8")
    done = run_process("case", "import", str(case_file), env=env)
    assert done.code == 1, (done.code, done.err[-2000:])
    assert f"« IMG_5195.HEIC » {DAMAGED_WORDS}" in done.err
    assert "Segmentation" not in done.err
    listed = run_process("case", "list", "--json", env=env)
    assert listed.code == 0 and listed.json() == []
    doc["images"][1]["file"] = "dos-loin.jpg"
    doc["images"] = doc["images"][:1]
    case_file.write_text(json.dumps(doc), encoding="utf-8")
    assert run_process("case", "import", str(case_file), env=env).code == 0


def test_the_child_gets_neither_the_passphrase_nor_the_home(monkeypatch: pytest.MonkeyPatch) -> None:
    from capture.heif_child import child_environment

    monkeypatch.setenv("TELEAVIS_PASSPHRASE", "never to the child")
    monkeypatch.setenv("TELEAVIS_HOME", "/somewhere")
    env = child_environment()
    assert not any(name.startswith("TELEAVIS") for name in env)
    assert "never to the child" not in env.values()


def test_a_heic_over_the_pixel_limit_is_refused_before_its_pixels_come_back() -> None:
    from capture.heif_child import HeifTooLarge, decode_heif

    with pytest.raises(HeifTooLarge) as raised:
        decode_heif(REAL_HEIC.read_bytes(), 1_000_000)
    assert (raised.value.width, raised.value.height) == (2566, 3313)


def test_the_childs_pixels_and_metadata_are_the_files() -> None:
    """Pixels, EXIF and colour profile come back whole (orientation and date are read from that EXIF)."""
    from capture.heif_child import decode_heif, heif_photo_facts

    data = REAL_HEIC.read_bytes()
    decoded = decode_heif(data, 100_000_000)
    assert decoded.mode == "RGB" and decoded.size == (2566, 3313)
    assert len(decoded.pixels) == 2566 * 3313 * 3
    assert decoded.info["exif"].startswith(b"Exif\x00\x00") or decoded.info["exif"][:2] in (b"MM", b"II")
    assert decoded.info["icc_profile"][36:40] == b"acsp"
    facts = heif_photo_facts(data)
    assert facts is not None and facts.captured_at is not None and facts.captured_at.startswith("2021-04-11T15:47:53")


def test_the_frozen_programs_entry_point_runs_the_child_before_anything_else() -> None:
    """The bundle has no ``-m``: its program, given :data:`CHILD_FLAG` first, is the child (packaging/teleavis_main.py,
    run here as PyInstaller runs it, as ``__main__``), and answers without the window's or the CLI's modules."""
    from capture.heif_child import CHILD_FLAG

    code = (
        "import runpy, sys\n"
        f"sys.argv = ['teleavis', {CHILD_FLAG!r}, 'metadata', '0']\n"
        "try:\n"
        "    runpy.run_path('packaging/teleavis_main.py', run_name='__main__')\n"
        "finally:\n"
        "    sys.stderr.write('APP_LOADED %s' % ('app.main' in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        input=REAL_HEIC.read_bytes(),
        capture_output=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    header = json.loads(done.stdout.split(b"\n", 1)[0])
    assert set(header["blocks"]) == {"exif", "icc_profile", "xmp"}
    assert b"APP_LOADED False" in done.stderr


def libheif_written(folder: Path) -> Path:
    """A HEIC written by libheif's own writer (pillow-heif), turned (orientation 6) and dated: its boxes are laid
    out otherwise than the iPhone's (the EXIF item's bytes elsewhere, other box versions)."""
    import pillow_heif
    from PIL import Image

    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(0x8769)[0x9003] = "2024:02:29 08:07:06"
    path = folder / "libheif.heic"
    pillow_heif.from_pillow(Image.new("RGB", (64, 48), (200, 30, 30))).save(path, exif=exif.tobytes(), quality=50)
    return path


def test_the_device_folders_dates_of_heic_are_read_without_a_child(tmp_path: Path) -> None:
    """The device folder's list reads every photo's date: a child per HEIC cost a process start each (0.24 s of CPU,
    7 s for a card of 30 on a 2-core PC). A HEIC's EXIF is a plain TIFF block in the file's 'Exif' item, found by
    reading its boxes (no libheif): dated with no child at all (the program to start one is made missing here)."""
    code = (
        "import pathlib, sys\n"
        "sys.executable = '/nonexistent/python'\n"
        "from ui.capture_folder import taken_at\n"
        f"print('IPHONE', taken_at(pathlib.Path({str(REAL_HEIC)!r})))\n"
        f"print('LIBHEIF', taken_at(pathlib.Path({str(libheif_written(tmp_path))!r})))\n"
    )
    done = run_python(code)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "IPHONE 2021-04-11 15:47:53" in done.stdout
    assert "LIBHEIF 2024-02-29 08:07:06" in done.stdout, done.stdout


def test_a_heics_exif_read_from_its_boxes_is_the_one_libheif_gives(tmp_path: Path) -> None:
    """The facts read from the EXIF found in the boxes (time, camera; the orientation 1, the pixels being turned by
    libheif after the 'irot' box, as the child's EXIF says) are those read from the child's (libheif's) EXIF."""
    from PIL import Image

    from capture.heif_child import heif_exif, heif_metadata, heif_photo_facts
    from capture.metadata import photo_facts

    for path in (REAL_HEIC, libheif_written(tmp_path)):
        data = path.read_bytes()
        assert heif_exif(data) is not None
        with Image.new("L", (1, 1)) as holder:
            holder.info["exif"] = heif_metadata(data)["exif"]
            by_child = photo_facts(holder)
        assert heif_photo_facts(data) == by_child and by_child.captured_at is not None, path.name


def test_damaged_boxes_give_no_exif_and_never_raise(tmp_path: Path) -> None:
    """Every single byte of the boxes' first 4 KiB changed, each file cut short anywhere: no exception, at most no
    EXIF (the boxes are read by this program itself: nothing may go past the file's end or loop)."""
    from capture.heif_child import heif_exif

    for path in (REAL_HEIC, libheif_written(tmp_path)):
        data = path.read_bytes()
        for at in range(min(4096, len(data))):
            for value in (0x00, 0xFF, data[at] ^ 0x80):
                changed = bytearray(data)
                changed[at] = value
                found = heif_exif(bytes(changed))
                assert found is None or isinstance(found, bytes)
        for end in range(0, 4096, 7):
            assert heif_exif(data[:end]) is None or end > 0


def box(kind: bytes, content: bytes, full: int | None = None) -> bytes:
    """An ISOBMFF box (a full box when ``full`` gives its version, flags 0)."""
    if full is not None:
        content = bytes([full, 0, 0, 0]) + content
    return (8 + len(content)).to_bytes(4, "big") + kind + content


def test_a_hostile_heics_item_locations_are_not_read_on_and_on(monkeypatch: pytest.MonkeyPatch) -> None:
    """An 'iloc' of 4096 items of 65,535 extents each, its sizes all 0 (so no extent takes a byte): read whole, 268
    million extents, minutes of the device folder's worker for a file of 50 KiB. At most 4096 extents are read."""
    import capture.heif_child as heif_child

    infe = box(b"infe", (1).to_bytes(2, "big") + b"\0\0" + b"Exif" + b"\0", full=2)
    iinf = box(b"iinf", (1).to_bytes(2, "big") + infe, full=0)
    items = b"".join((n + 2).to_bytes(2, "big") + b"\0\0" + b"\0\0" + (65535).to_bytes(2, "big") for n in range(4096))
    iloc = box(b"iloc", b"\0\0" + (4096).to_bytes(2, "big") + items, full=1)
    data = box(b"ftyp", b"heic\0\0\0\0mif1heic") + box(b"meta", box(b"hdlr", b"\0" * 20, full=0) + iinf + iloc, full=0)
    read = []
    real_uint = heif_child._uint

    def counted(*args: object) -> tuple[int, int]:
        read.append(1)
        return real_uint(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(heif_child, "_uint", counted)
    assert heif_child.heif_exif(data) is None
    assert len(read) < 50_000


@pytest.mark.skipif(sys.platform == "win32", reason="no resource limits on Windows (the timeout still holds)")
def test_a_child_left_alone_cannot_decode_for_ever() -> None:
    """The 60 s timeout is the parent's: if the program is ended (SIGTERM, kill -9) while a child decodes a hostile
    HEIC that makes libheif loop, nothing stops that child any more. The child limits its own CPU time, which the
    system enforces on it without the parent (SIGXCPU then SIGKILL)."""
    code = (
        "import resource, sys\n"
        "sys.argv = ['x', 'metadata', '0']\n"
        "from capture.heif_child import main\n"
        "main(sys.argv[1:])\n"
        "print('CPU', *resource.getrlimit(resource.RLIMIT_CPU))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], input=REAL_HEIC.read_bytes(), capture_output=True, cwd=ROOT, timeout=300
    )
    soft, hard = (int(n) for n in done.stdout.rsplit(b"CPU", 1)[1].split())
    assert 0 < soft <= hard < 1000, (soft, hard)
