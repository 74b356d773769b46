"""``inside_folder`` (a backup or watched folder inside the data folder, which a restore erases) compared paths
only: the data folder reached by another path, a bind mount (or another letter case on a case-insensitive
filesystem), was taken for another folder (note 36). Now it also compares device and inode, walking up the
parents, as ``os.path.samefile`` does; a folder not created yet is judged by its parents. The bind mount is
made for real, in a mount namespace of its own (``unshare``), skipped where the system allows none."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.setting_checks import inside_folder

_CHILD = """
import sys
from pathlib import Path
from app.setting_checks import inside_folder
data, other = Path(sys.argv[1]), Path(sys.argv[2])
print(inside_folder(other, data), inside_folder(other / "backups", data), inside_folder(other / "new" / "sub", data),
      inside_folder(data.parent / "elsewhere", data))
"""


def _in_a_bind_mount(data: Path, other: Path) -> str:
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("no unshare here")
    probe = subprocess.run([unshare, "--user", "--map-root-user", "--mount", "true"], capture_output=True, check=False)
    if probe.returncode != 0:
        pytest.skip("no mount namespace allowed here")
    script = 'mount --bind "$1" "$2" && exec "$3" -c "$4" "$1" "$2"'
    done = subprocess.run(
        [
            unshare,
            "--user",
            "--map-root-user",
            "--mount",
            "sh",
            "-c",
            script,
            "sh",
            str(data),
            str(other),
            sys.executable,
            _CHILD,
        ],
        capture_output=True,
        text=True,
        check=False,
        cwd=Path(__file__).resolve().parents[2],
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_data_folder_reached_through_a_bind_mount_is_inside_it(tmp_path: Path) -> None:
    data, other = tmp_path / "data", tmp_path / "mnt"
    (data / "backups").mkdir(parents=True)
    other.mkdir()
    (tmp_path / "elsewhere").mkdir()
    assert _in_a_bind_mount(data, other) == "True True True False"


def test_paths_alone_still_decide_for_folders_not_made(tmp_path: Path) -> None:
    data = tmp_path / "data"
    assert inside_folder(data / "a" / "b", data)
    assert not inside_folder(tmp_path / "data2", data)
    data.mkdir()
    assert inside_folder(data / "not-yet", data) and not inside_folder(tmp_path, data)
