"""Values a setting can never work with, found at once where they are typed: ``config set`` and the window's
settings (the wizard, the settings dialog) both ask here, and each says the answer in its own words (the CLI's
``app/messages.py``, the window's ``tr()``)."""

from __future__ import annotations

import enum
import math
import os
from pathlib import Path

#: The numbers a setting can work with: (lowest, highest or None, whether 0 turns it off, as the window's
#: settings do). Found in review: a negative read timeout was taken, and the connection test then said
#: « réponse illisible (portail d'accès, proxy ou coupure) »; a negative lock or backup period, or a
#: retention, were taken as well, each working as « off » without saying so.
RANGES: dict[str, tuple[float, float | None, bool]] = {
    "platform.timeout_s": (1, 600, False),
    "lock.minutes": (0, 240, True),
    "backup.every_hours": (0, 24 * 7, True),
    "retention.archive_days": (0, None, True),
    "retention.purge_years": (0, None, True),
    "sandbox.answer_after_s": (0, 7 * 24 * 3600, False),
    "sandbox.question_rate": (0, 1, False),
}

#: The smallest camera size asked for (``camera.resolution``): a photo under 800×600 cannot be sent
#: (capture/quality.py's resolution check blocks it).
SMALLEST_CAMERA_SIZE = (800, 600)


def camera_resolution_ok(text: str) -> bool:
    """Whether ``text`` can be ``camera.resolution``: empty (the largest the camera has), or ``WIDTHxHEIGHT`` in
    ASCII digits whose photos can be sent. Found from outside: « 640x480 » was taken, and every photo taken
    after it was too small to send; « abc » asked the camera nothing, « 1280x² » kept it from opening."""
    if not text:
        return True
    width, x, height = text.partition("x")
    if not x or not all(part.isascii() and part.isdigit() and len(part) <= 5 for part in (width, height)):
        return False
    low_long, low_short = SMALLEST_CAMERA_SIZE
    long, short = max(int(width), int(height)), min(int(width), int(height))
    return long >= low_long and short >= low_short


def inside_folder(path: Path, folder: Path) -> bool:
    """Whether ``path`` is ``folder`` or lies under it, links and ``..`` followed (a backup folder inside
    Teleavis's data folder: found from outside, a restore removed every backup kept there).

    By the paths, then, for ``folder`` reached by another path (a bind mount, another letter case on a
    case-insensitive filesystem: note 36), by device and inode, ``path`` and each of its parents against
    ``folder`` as ``os.path.samefile`` compares them; the parts of ``path`` not created yet by their parents."""
    try:
        path, folder = path.resolve(), folder.resolve()
    except (OSError, RuntimeError):  # (a loop of links: as given)
        path, folder = path.absolute(), folder.absolute()
    if path == folder or folder in path.parents:
        return True
    try:
        target = os.stat(folder)
    except OSError:  # (not made yet: the paths alone can tell)
        return False
    for candidate in (path, *path.parents):
        try:
            found = os.stat(candidate)
        except OSError:  # not created yet (or not reachable): its parents tell
            continue
        if (found.st_dev, found.st_ino) == (target.st_dev, target.st_ino):
            return True
    return False


#: Settings naming a folder of this computer.
FOLDERS = ("backup.folder", "watch.folder")


def in_range(key: str, value: float) -> bool:
    """Whether ``key`` (``RANGES``; any other key: yes) can work with the number ``value``."""
    if key not in RANGES:
        return True
    low, high, _ = RANGES[key]
    return math.isfinite(value) and value >= low and (high is None or value <= high)


class CaProblem(enum.Enum):
    """Why a file cannot be the platform's CA bundle (``platform.ca_bundle``)."""

    MISSING = "missing"
    NOT_FILE = "not_file"
    UNREADABLE = "unreadable"
    NOT_PEM = "not_pem"


def ca_bundle_problem(text: str) -> tuple[str, CaProblem | None]:
    """The CA bundle's path made absolute (the window starts in another folder than a command), and what
    keeps it from being a readable file of PEM certificates (None: nothing). Found in review: a missing file
    was accepted, and said only by the next sync or ``doctor``, far from the one who typed it."""
    import ssl  # here: every command imports this module (config registers them all), few check a file

    shown = whole_path(text)
    path = Path(shown)
    if not path.exists():
        return shown, CaProblem.MISSING
    if not path.is_file():
        return shown, CaProblem.NOT_FILE
    try:
        ssl.create_default_context(cafile=shown)  # what the client will load: every certificate, whole
    except PermissionError:
        return shown, CaProblem.UNREADABLE
    except (ssl.SSLError, OSError, ValueError):
        return shown, CaProblem.NOT_PEM
    return shown, None


def whole_path(text: str) -> str:
    """A file or folder setting's path kept whole (found in review: a path relative to where the command ran
    was looked for by the window where it starts, and no backup was made, nothing said); empty stays empty."""
    return str(Path(text).expanduser().absolute()) if text else ""
