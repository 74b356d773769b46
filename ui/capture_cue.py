"""The cue that a still was taken: a short click when sound works (the flash is the preview's)."""

from __future__ import annotations

import logging
import math
import struct
import tempfile
import wave
from pathlib import Path

from PySide6.QtCore import QObject, QUrl
from PySide6.QtWidgets import QApplication

log = logging.getLogger(__name__)


def _click_wav(path: Path, rate: int = 22050, ms: int = 60) -> None:
    """A short, soft shutter click, written once to a temporary file for QSoundEffect."""
    frames = int(rate * ms / 1000)
    samples = (
        int(9000 * math.exp(-i / (rate * 0.012)) * math.sin(2 * math.pi * 1800 * i / rate)) for i in range(frames)
    )
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(b"".join(struct.pack("<h", s) for s in samples))


class CaptureCue(QObject):
    """Plays the click through QtMultimedia if it loads on this machine, else the system beep."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._effect = None
        self.sounds = 0
        try:
            from PySide6.QtMultimedia import QSoundEffect
        except ImportError:  # no audio libraries (a headless cart, CI): the beep and the flash remain
            log.info("QtMultimedia unavailable; the capture cue is the system beep")
            return
        self._folder = tempfile.TemporaryDirectory(prefix="teleavis-cue-")
        path = Path(self._folder.name) / "click.wav"
        _click_wav(path)
        effect = QSoundEffect(self)
        effect.setSource(QUrl.fromLocalFile(str(path)))
        effect.setVolume(0.6)
        self._effect = effect

    def play(self) -> None:
        self.sounds += 1
        if self._effect is not None:
            self._effect.play()
        else:
            QApplication.beep()
