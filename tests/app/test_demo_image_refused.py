"""A demo camera's still (unmarked synthetic skin or fundus) never leaves for the real platform: the
checklist refuses it at send. Found by an outside tester: outside training the window offered the demo
camera when no camera was found (fixed in ui.capture_camera); an image captured that way, or made in
training and carried into a case for the real platform, keeps the demo camera's name as its device, and
this is the last guard."""

from __future__ import annotations

import pytest

from app import i18n
from app.model import Case, CaseImage, Patient
from app.store import Store
from app.validation import DEMO_DEVICES, DEMO_IMAGE
from capture.demo import DemoCamera


def case_with(store: Store, device: str) -> Case:
    case = Case(specialty="dermatology", patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"))
    store.create_case(case, [])
    image = CaseImage(view="overview", body_site="dos", device=device)
    return Case(**{**store.get_case(case.id).__dict__, "images": [image]})


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("kind", ["dermatology", "ophthalmology"])
def test_the_demo_cameras_names_are_known_in_every_language(language: str, kind: str) -> None:
    before = i18n.language()
    i18n.set_language(language)
    try:
        assert DemoCamera(kind=kind).name in DEMO_DEVICES
    finally:
        i18n.set_language(before)


def test_a_demo_still_in_a_case_for_the_real_platform_blocks_sending_with_its_sentence(store: Store) -> None:
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    case = case_with(store, "Caméra de démonstration")
    findings = [f for f in store.checklist(case) if f.code == DEMO_IMAGE]
    assert len(findings) == 1 and findings[0].blocks_sending()
    assert findings[0].field == "images[0].device"
    assert "démonstration" in findings[0].message and "Supprimez-la" in findings[0].message
    # a real camera's still is not refused
    assert DEMO_IMAGE not in [f.code for f in store.checklist(case_with(store, "Dermatoscope USB"))]


def test_a_demo_still_in_training_is_not_refused(store: Store) -> None:
    store.settings.set("training", "on")
    assert DEMO_IMAGE not in [f.code for f in store.checklist(case_with(store, "Caméra de démonstration"))]
