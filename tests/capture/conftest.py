"""Fixtures for the capture tests: sample files in every format the import takes."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from app import i18n
from capture.demo import fundus_scene, skin_scene


@pytest.fixture(autouse=True)
def french() -> Iterator[None]:
    """Messages in French unless a test asks otherwise."""
    i18n.set_language("fr")
    yield
    i18n.set_language(None)


@pytest.fixture(scope="session")
def skin_rgb() -> np.ndarray:
    return skin_scene(1280, 960, seed=3)


@pytest.fixture(scope="session")
def fundus_rgb() -> np.ndarray:
    return fundus_scene(1600, 1200, seed=7, eye="left", field="macula")
