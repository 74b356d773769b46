"""The frozen program's entry point (PyInstaller runs this file as ``__main__``)."""

import sys

if __name__ == "__main__":
    if sys.argv[1:2] == ["--teleavis-heif-child"]:  # capture.heif_child.CHILD_FLAG: a HEIC decoded apart
        from capture.heif_child import main as heif_child

        sys.exit(heif_child(sys.argv[2:]))
    from app.main import run

    sys.exit(run())
