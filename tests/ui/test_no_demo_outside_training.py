"""The demo camera draws realistic skin and fundus pictures with no mark on them: outside training mode it
is never listed, chosen, remembered or started. Found by an outside tester: a nurse whose camera cable was
loose was offered « Caméra de démonstration » under a real patient's case, and could capture a synthetic
picture and send it to a real expert."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.model import Case, Patient
from app.store import Store
from tests.support.french import fr_spaced
from ui.capture_panel import CapturePanel

JOB_MS = 20_000


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    """A real workstation's store: training mode off (a platform is set)."""
    with Store.open(teleavis_home) as opened:
        opened.settings.set("training", "off")
        opened.settings.set("platform.url", "https://plateforme.example/fhir")
        yield opened


def new_case(store: Store) -> Case:
    case = Case(specialty="dermatology", patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"))
    store.create_case(case, [])
    return store.get_case(case.id)


def show(qtbot: Any, panel: CapturePanel) -> None:
    panel.window().show()
    qtbot.waitExposed(panel.window())


def listed(panel: CapturePanel) -> list[str]:
    return [str(panel.camera_choice.itemData(i)) for i in range(panel.camera_choice.count())]


def test_no_camera_outside_training_lists_and_starts_no_demo_and_says_what_to_do(
    qtbot: Any, panel: CapturePanel, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    panel.set_case(new_case(store))
    show(qtbot, panel)
    qtbot.wait(500)  # time for a demo camera, wrongly started, to show frames
    assert not any(camera.startswith("demo") for camera in listed(panel)), listed(panel)
    assert not panel.camera.is_running() and panel.preview.frames_shown == 0
    said = panel.preview.placeholder
    assert said.startswith(fr_spaced("Aucune caméra trouvée.")), said
    assert "Branchez la caméra" in said and "Importer un fichier" in said and "Dossier de l'appareil" in said

    # The camera plugged in (its cable pushed back): it is found and starts by itself, no case to reopen.
    import capture.camera
    from capture.camera import CameraIdentity
    from capture.demo import DemoCamera

    dermatoscope = CameraIdentity("Dermatoscope USB", 0x1234, 0x5678, "/dev/video0", 200)
    monkeypatch.setattr(capture.camera, "enumerate_cameras", lambda **_options: [dermatoscope])
    # No dermatoscope on the test machine: its frames are drawn (the source opened for the real camera's id).
    opened: list[str] = []
    monkeypatch.setattr(
        "ui.capture_camera.open_source",
        lambda choice_id, _resolution="": opened.append(choice_id) or DemoCamera(kind="dermatology"),
    )
    qtbot.waitUntil(lambda: panel.camera.is_running() and panel.preview.frames_shown >= 1, timeout=JOB_MS)
    assert opened == [dermatoscope.id] and panel.camera.device_name == "Dermatoscope USB"


def test_a_demo_camera_remembered_from_training_does_not_start_on_a_real_platform(
    qtbot: Any, panel: CapturePanel, store: Store
) -> None:
    store.settings.set("camera.id", "demo:dermatology")
    panel.set_case(new_case(store))
    show(qtbot, panel)
    panel.start_camera()
    qtbot.wait(500)
    assert not panel.camera.is_running() and panel.preview.frames_shown == 0
    assert "demo" not in " ".join(listed(panel))


def test_the_settings_offer_no_demo_camera_outside_training(qtbot: Any, store: Store) -> None:
    from ui.settings_dialog import SettingsDialog

    store.settings.set("camera.id", "demo")
    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    items = [dialog.camera.itemText(i) for i in range(dialog.camera.count())]
    assert not any("démonstration" in item for item in items), items
    assert fr_spaced("Automatique (caméra branchée)") in items
    assert "demo" not in dialog.camera.currentText()


def test_training_still_offers_the_demo_camera(qtbot: Any, panel: CapturePanel, store: Store) -> None:
    store.settings.set("training", "on")
    panel.set_case(new_case(store))
    show(qtbot, panel)
    assert panel.camera_choice.currentData() == "demo:dermatology"
    qtbot.waitUntil(lambda: panel.camera.is_running() and panel.preview.frames_shown >= 1, timeout=JOB_MS)

    from ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(store)
    qtbot.addWidget(dialog)
    items = [dialog.camera.itemText(i) for i in range(dialog.camera.count())]
    assert "Caméra de démonstration" in items
    assert "Automatique (caméra branchée, sinon démonstration)" in items
