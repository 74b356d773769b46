"""The frozen program's entry point (PyInstaller runs this file as ``__main__``)."""

import sys

from app.main import run

if __name__ == "__main__":
    sys.exit(run())
