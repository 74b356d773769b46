"""Where Teleavis keeps its data: ``$TELEAVIS_HOME`` or the OS user data directory."""

from __future__ import annotations

import os
from pathlib import Path

HOME_ENV = "TELEAVIS_HOME"


def data_dir() -> Path:
    configured = os.environ.get(HOME_ENV)
    if configured:
        return Path(configured).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("teleavis", appauthor=False, roaming=False))


def log_dir(root: Path) -> Path:
    return root / "logs"
