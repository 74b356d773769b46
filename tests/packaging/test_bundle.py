"""The built program works on its own: no source tree, no virtual environment, no PYTHONPATH.

It is run from an empty folder outside the repository with a clean environment, and does the
whole headless loop against the sandbox platform that the same bundle serves.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest

from tests.packaging.built import ROOT, Build
from tests.support.cases import example_case
from tests.support.cli import SITE, write_json

# The session's build is made during the first of these tests; a first one compiles OpenCV.
pytestmark = [pytest.mark.slow, pytest.mark.timeout(3600)]


def clean_env(home: Path, **extra: str) -> dict[str, str]:
    """Only what a user's session would have: no PYTHONPATH, no virtual environment, no repository."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "TELEAVIS_PASSPHRASE": "une phrase assez longue",
    }
    env.update(extra)
    return env


def run(
    program: Path, cwd: Path, env: dict[str, str], *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(program), *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, f"{result.args}: {result.returncode}\n{result.stdout}\n{result.stderr}"
    return result.stdout


def test_the_bundle_is_self_contained(build: Build) -> None:
    assert not ROOT.resolve().is_relative_to(build.folder.resolve())
    assert not build.folder.resolve().is_relative_to(ROOT.resolve())
    internal = build.folder / "_internal"
    # Our packages are compiled into the archive, not copied as sources next to the program.
    assert not (internal / "app").exists() and not (internal / "ui").exists()
    for needed in (
        "resources/forms/dermatology.json",
        "resources/forms/ophthalmology.json",
        "resources/icons/teleavis.svg",
        "PySide6/Qt/plugins/platforms/libqoffscreen.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so",
        "cv2/data/haarcascade_frontalface_default.xml",
    ):
        assert (internal / needed).exists(), needed
    assert list(internal.glob("keyring-*.dist-info/entry_points.txt")), "keyring backends are found by metadata"
    for unused in ("QtWebEngineCore", "Qt3DCore", "QtQuick3D", "QtMultimedia"):
        assert not list(internal.rglob(f"*{unused}*")), unused


def test_version_doctor_and_a_case_sent_and_answered_by_the_bundled_sandbox(build: Build, tmp_path: Path) -> None:
    work = tmp_path / "poste"
    work.mkdir()
    env = clean_env(tmp_path / "home", TELEAVIS_HOME=str(tmp_path / "data"))
    assert "teleavis 0.1.0" in ok(run(build.program, work, env, "--version"))

    doctor = run(build.program, work, env, "doctor", "--json")
    assert doctor.returncode in (0, 1), doctor.stderr
    checks = {c["name"]: c for c in json.loads(doctor.stdout)["checks"]}
    assert set(checks) == {
        "camera",
        "keyring",
        "data_dir",
        "free_space",
        "database",
        "backup",
        "platform",
        "tls",
        "clock",
    }
    assert checks["keyring"]["status"] == "warning"

    sandbox_env = clean_env(tmp_path / "home", TELEAVIS_HOME=str(tmp_path / "sandbox-home"))
    sandbox = subprocess.Popen(
        [str(build.program), "sandbox", "--port", "0", "--answer-after", "1"],
        cwd=work,
        env=sandbox_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert sandbox.stdout is not None
        url = sandbox.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:") and url.endswith("/fhir"), url
        _the_loop(build.program, work, env, url, tmp_path)
    finally:
        sandbox.terminate()
        _out, err = sandbox.communicate(timeout=30)
    assert sandbox.returncode == 0, err


def _the_loop(program: Path, work: Path, env: dict[str, str], url: str, tmp_path: Path) -> None:
    site = write_json(tmp_path / "site.json", SITE)
    case_file = example_case(tmp_path / "cas")
    ok(run(program, work, env, "init", "--site", str(site)))
    ok(run(program, work, env, "config", "set", "platform.url", url))
    case_id = ok(run(program, work, env, "case", "import", str(case_file))).strip()
    ok(run(program, work, env, "case", "send", case_id))
    summary = json.loads(ok(run(program, work, env, "sync", "--timeout", "5", "--json")))
    assert summary["sent"] == [case_id] and summary["needs_attention"] == []

    doctor = json.loads(ok(run(program, work, env, "doctor", "--json", "--no-camera")))
    checks = {c["name"]: c for c in doctor["checks"]}
    assert checks["platform"]["status"] == "ok" and checks["clock"]["status"] == "ok"
    assert checks["database"]["status"] == "ok" and "1 dossier" in checks["database"]["detail"]

    deadline = time.monotonic() + 60
    answered: list[Any] = []
    while not answered and time.monotonic() < deadline:
        answered = json.loads(ok(run(program, work, env, "sync", "--once", "--json")))["answered"]
        time.sleep(0.5)
    assert answered == [case_id]
    listed = json.loads(ok(run(program, work, env, "case", "list", "--json")))
    assert [(c["id"], c["state"]) for c in listed] == [(case_id, "answered")]
    pdf = tmp_path / "rapport.pdf"
    ok(run(program, work, env, "case", "export", case_id, "--pdf", str(pdf)))
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_window_starts_from_the_bundle(build: Build, tmp_path: Path) -> None:
    """The window opens (offscreen) and stays open until stopped: Qt, its plugins and ui/ are all there."""
    env = clean_env(tmp_path / "home", TELEAVIS_HOME=str(tmp_path / "data"), TELEAVIS_READY_MARKER="1")
    proc = subprocess.Popen(
        [str(build.program), "--training"],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        out, err = proc.communicate(timeout=8)
    except subprocess.TimeoutExpired:
        proc.terminate()
        out, err = proc.communicate(timeout=30)
        still_running = True
    else:
        still_running = False
    # Either the window is up and waiting for the user, or it printed the ready marker and quit.
    assert still_running or ("TELEAVIS_READY" in out and proc.returncode == 0), f"{proc.returncode}\n{out}\n{err}"
    assert "Traceback" not in err and "could not load the Qt platform plugin" not in err.lower(), err
    assert os.path.isdir(tmp_path / "data")


# Why each of the bundle's largest parts is there. A new large part without a reason here fails
# the test below: someone must say why it ships before a rural site downloads it.
WHY = {
    "PySide6": "Qt 6 for the window: Core, Gui, Widgets, Network, Pdf (the answer's report), the xcb, "
    "Wayland and offscreen platforms, and ICU (31 MB), which Qt Core links",
    "cv2": "OpenCV as packaging/build_opencv.py builds it: the quality checks, JPEG/PNG, camera "
    "capture (V4L2), face and eye detection; no FFmpeg, no OpenBLAS",
    "numpy.libs": "OpenBLAS as numpy links it (numpy cannot load without it)",
    "numpy": "arrays for every image check and the camera frames",
    "pi_heif.libs": "libheif and libde265: photos from iPhones (HEIC), decoding only",
    "pillow.libs": "JPEG, PNG, TIFF and WebP codecs of Pillow: importing photos and making thumbnails",
    "cryptography": "AES-GCM and scrypt: everything stored is sealed",
    "libpython3.11.so.1.0": "the Python runtime",
    "python3.11": "the Python standard library's compiled modules (ssl, sqlite3, zlib…)",
    "pydantic_core": "validation of the FHIR resources before sending (fhir.resources)",
    "PIL": "Pillow: reading and writing images",
    "libcrypto.so.3": "OpenSSL, for TLS to the platform",
    "reportlab": "the case report (PDF)",
    "fhir": "the FHIR R4B models",
    "base_library.zip": "the Python standard library",
    "pydicom": "DICOM import (retinographs)",
    "PySide6/Qt": "Qt's libraries and plugins",
}
# What a rural site downloads over a few Mbit/s (issue 18): 420 MB and 117 MB with the PyPI wheels
# of OpenCV (FFmpeg, OpenBLAS, every module) and pillow-heif (x265).
MAX_BUNDLE_MB = 300
MAX_DEB_MB = 100


def test_the_ten_largest_parts_each_have_a_reason_and_the_download_stays_small(build: Build) -> None:
    internal = build.folder / "_internal"

    def size(path: Path) -> int:
        if path.is_file():
            return path.stat().st_size
        return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())

    # Top-level links (PyInstaller links each wheel's .libs into _internal) point at files counted
    # in their own folder.
    parts = sorted(((size(p), p.name) for p in internal.iterdir() if not p.is_symlink()), reverse=True)[:10]
    bundle_mb = size(build.folder) / 1024**2
    deb_mb = build.deb.stat().st_size / 1024**2
    print(f"\n[bench] bundle {bundle_mb:.0f} MB unpacked, .deb {deb_mb:.0f} MB; the ten largest parts:")
    for bytes_, name in parts:
        print(f"  {bytes_ / 1024**2:6.1f} MB  {name}: {WHY.get(name, '?')}")
    assert [name for _, name in parts if name not in WHY] == []
    assert [str(p) for p in build.folder.rglob("*") if p.is_symlink() and not p.exists()] == []
    # What the program never loads stays out (packaging/teleavis.spec, NEVER_LOADED_PREFIXES).
    qt = internal / "PySide6" / "Qt"
    assert not list(qt.rglob("libQt6Quick*")) and not list(qt.rglob("libQt6Qml*"))
    assert not list(qt.rglob("libqtvirtualkeyboardplugin*")) and not list(qt.rglob("libqeglfs*"))
    assert {p.name for p in (qt / "translations").glob("*.qm")} <= {
        "qt_fr.qm",
        "qt_en.qm",
        "qtbase_fr.qm",
        "qtbase_en.qm",
    }
    # Video codecs, linear algebra and HEIC encoders: never called, so never shipped.
    for unused in ("libavcodec*", "libavformat*", "libopenblas*", "libx265*", "libaom*", "libvpx*"):
        assert not list(internal.rglob(unused)), unused
    assert not (internal / "opencv_python_headless.libs").exists()
    assert not (internal / "pillow_heif").exists() and not (internal / "pillow_heif.libs").exists()
    assert sorted(p.name for p in (internal / "cv2" / "data").glob("*.xml")) == [
        "haarcascade_eye.xml",
        "haarcascade_frontalface_default.xml",
    ]
    assert bundle_mb <= MAX_BUNDLE_MB
    assert deb_mb <= MAX_DEB_MB


def test_the_bundle_imports_photos_from_real_cameras_and_a_dicom_retinograph(build: Build, tmp_path: Path) -> None:
    """What was left out of the bundle is not what import needs: a phone's HEIC, a camera's JPEG
    with its EXIF rotation, and a DICOM retinograph, through the bundled program."""
    import numpy as np
    from PIL import Image

    from tests.support.dicom import retinograph

    work = tmp_path / "poste"
    work.mkdir()
    env = clean_env(tmp_path / "home", TELEAVIS_HOME=str(tmp_path / "data"))
    site = write_json(tmp_path / "site.json", SITE)
    ok(run(build.program, work, env, "init", "--site", str(site)))
    folder = tmp_path / "cas"
    folder.mkdir()
    cameras = ROOT / "tests" / "fixtures" / "real-cameras"
    for name in ("IMG_5195.HEIC", "hdr_canon_hdr_YES.jpg"):
        (folder / name).write_bytes((cameras / name).read_bytes())
    with Image.open(ROOT / "tests" / "fixtures" / "real" / "retina-normal-left-eye.jpg") as fundus:
        frame = np.asarray(fundus.convert("RGB"))
    (folder / "retino.dcm").write_bytes(retinograph([frame], eye="L"))
    patient = {"family": "MARTIN", "given": ["Paul"], "birth_date": "1950-02-03", "sex": "male", "local_id": "D-1"}
    consent = {"given": True, "date": "2026-11-20", "recorded_by": "Inf. Durand"}
    photos = write_json(
        folder / "photos.json",
        {
            "specialty": "dermatology",
            "priority": "routine",
            "question": "Lésion ?",
            "summary": "Depuis 6 mois.",
            "patient": patient,
            "consent": consent,
            "images": [
                {"file": "hdr_canon_hdr_YES.jpg", "body_site": "dos", "view": "far"},
                {"file": "IMG_5195.HEIC", "body_site": "dos", "view": "close-up"},
            ],
        },
    )
    retina = write_json(
        folder / "retine.json",
        {
            "specialty": "ophthalmology",
            "priority": "routine",
            "question": "Rétinopathie ?",
            "summary": "Diabète.",
            "patient": patient,
            "consent": consent,
            "single_eye_reason": "œil droit énucléé",
            "images": [{"file": "retino.dcm"}],
        },
    )

    shown = {}
    for case_file in (photos, retina):
        case_id = ok(run(build.program, work, env, "case", "import", str(case_file))).strip()
        shown[case_file.stem] = json.loads(ok(run(build.program, work, env, "case", "show", case_id, "--json")))
    far, close = shown["photos"]["images"]
    assert (far["width"], far["height"]) == (1536, 2048)  # EXIF orientation 6 applied
    assert (close["width"], close["height"]) == (2566, 3313)
    (eye,) = shown["retine"]["images"]
    assert eye["eye"] == "left" and eye["width"] > 0


def test_the_bundle_and_the_package_carry_the_licences_of_what_they_ship(build: Build) -> None:
    """Whoever installs Teleavis receives the licences of its parts (packaging/licenses.py)."""
    internal, licences = build.folder / "_internal", build.folder / "licenses"
    index = (licences / "THIRD-PARTY.txt").read_text("utf-8")

    def text(pattern: str) -> str:
        found = sorted(licences.glob(pattern))
        assert found, pattern
        return found[0].read_text("utf-8", errors="replace")

    assert "PYTHON SOFTWARE FOUNDATION LICENSE" in text("Python/*")
    assert "Apache License" in text("OpenCV/LICENSE")
    for compiled_in in (
        "libjpeg-turbo/LICENSE.md",
        "libjpeg-turbo/README.ijg",
        "libpng/LICENSE",
        "zlib/LICENSE",
        "libtiff/LICENSE.md",
    ):
        assert (licences / "OpenCV" / compiled_in).is_file(), compiled_in
    assert "GNU LESSER GENERAL PUBLIC LICENSE" in text("PySide6_Essentials-*/LGPL-3")
    assert "GNU GENERAL PUBLIC LICENSE" in text("PySide6_Essentials-*/GPL-3")  # LGPL-3 is GPL-3's addendum
    assert "libheif" in text("pi_heif-*/LICENSES_bundled.txt")  # the HEIC decoder inside pi-heif
    assert "OpenBLAS" in text("numpy-*/LICENSE.txt")  # numpy's wheel vendors it
    assert "Md Nazrul Islam" in text("fhir.resources-*/LICENSE")  # kept in packaging/third-party/

    # Every distribution whose metadata the bundle carries, and every library taken from the build
    # machine (by its Debian package), is in the index.
    def normalised(name: str) -> str:  # PEP 503: fhir_resources-8.3.0.dist-info is fhir.resources
        return re.sub(r"[-_.]+", "-", name).lower()

    listed = {normalised(line.split(" ", 1)[0]) for line in index.splitlines() if line}
    for info in internal.glob("*.dist-info"):
        name = normalised(info.name.removesuffix(".dist-info").rsplit("-", 1)[0])
        assert name in listed, name
    if (Path("/usr/bin/dpkg-query")).exists():
        libraries = sorted(
            p.name
            for p in internal.iterdir()
            if ".so" in p.name and p.is_file() and not p.is_symlink() and not p.name.startswith("_")
        )
        assert libraries
        # (libpython comes with the interpreter: Python's licence, above)
        assert [name for name in libraries if name not in index and not name.startswith("libpython")] == []
        assert "Of no known system package" not in index, index
    packaged = subprocess.run(
        ["dpkg-deb", "--contents", str(build.deb)], capture_output=True, text=True, check=True
    ).stdout
    assert "./opt/teleavis/licenses/THIRD-PARTY.txt" in packaged
    assert "./usr/share/doc/teleavis/copyright" in packaged
