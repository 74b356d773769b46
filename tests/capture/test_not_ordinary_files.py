"""Files that are not files: a link out of the device folder, a device (/dev/zero), a named pipe.

Found from outside (an attacker's pass): anyone who can write to a shared device folder could leave a
link to a file of this workstation (another patient's export) and have it imported as this patient's
photo; a pipe left there blocked the import (and the folder's watch) for ever; /dev/zero chosen as an
image was read without end, until the memory ran out. Each is refused at once, with a clear sentence.
Run in a child process, with a time limit and a memory cap: the old reading hung or filled the memory.
"""

from __future__ import annotations

import os
import pathlib
import resource
import subprocess
import sys
import textwrap

import pytest

from tests.support.images import jpeg_bytes, skin_photo

ROOT = pathlib.Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(os.name == "nt", reason="named pipes and /dev are POSIX's")


def _capped() -> None:
    resource.setrlimit(resource.RLIMIT_DATA, (1 << 30, 1 << 30))


def in_child(code: str) -> subprocess.CompletedProcess[str]:
    """``code`` run by a child Python (the project on its path), which must end within 30 s."""
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=30,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        preexec_fn=_capped,
        check=False,
    )


def _prepare(path: pathlib.Path, **options: object) -> subprocess.CompletedProcess[str]:
    return in_child(
        f"""
        import pathlib
        from app.errors import ImageRejected
        from capture.pipeline import prepare_image_file
        try:
            prepare_image_file(pathlib.Path({str(path)!r}), specialty="dermatology", **{options!r})
        except ImageRejected as exc:
            print("REFUSED", exc.message)
        else:
            print("TAKEN")
        """
    )


@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_a_pipe_or_a_device_chosen_as_an_image_is_refused_at_once(tmp_path: pathlib.Path, kind: str) -> None:
    if kind == "fifo":
        path = tmp_path / "photo.jpg"
        os.mkfifo(path)
    else:
        path = pathlib.Path("/dev/zero")
    done = _prepare(path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("REFUSED") and "fichier ordinaire" in done.stdout, done.stdout


def test_a_link_in_the_device_folder_is_not_followed(tmp_path: pathlib.Path) -> None:
    elsewhere = tmp_path / "private" / "other-patient.jpg"
    elsewhere.parent.mkdir()
    elsewhere.write_bytes(jpeg_bytes(skin_photo()))
    folder = tmp_path / "device"
    folder.mkdir()
    (folder / "IMG_0001.jpg").symlink_to(elsewhere)
    done = _prepare(folder / "IMG_0001.jpg", follow_links=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.startswith("REFUSED") and "lien" in done.stdout, done.stdout
    # Chosen by the user in the file dialog, a link to a photo is the photo.
    assert _prepare(folder / "IMG_0001.jpg").stdout.startswith("TAKEN")


def test_a_pipe_put_in_the_device_folder_does_not_hold_the_watch(tmp_path: pathlib.Path) -> None:
    """Listed as a file a moment before (a file replaced by a pipe), it is looked at without blocking."""
    folder = tmp_path / "device"
    folder.mkdir()
    os.mkfifo(folder / "IMG_0002.jpg")
    done = in_child(
        f"""
        import pathlib
        from capture.watch import is_image_file, looks_complete
        path = pathlib.Path({str(folder / "IMG_0002.jpg")!r})
        print(is_image_file(path), looks_complete(path))
        """
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"]
