"""A retinograph its device recorded as the other eye than the one it is filed under is shown as an eye
to check wherever the disc's doubt is: the tile, the labels of the selected image, the checklist, the
question before « Envoyer à l'expert », and a reply's images. Found from outside: the device's laterality
(a DICOM's ImageLaterality) lost without a word once the image had an eye, and overwritten at sending."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt

from app import clock
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from capture.demo import fundus_scene
from tests.support.dicom import retinograph
from tests.support.french import fr_spaced
from tests.support.ui import activate
from tests.ui.test_expected_views import retinograph_filed_as_right
from tests.ui.test_eye_side_confirm import (
    CHECK,
    EXPECTED,
    SEND,
    asked,
    no_answer_left,  # noqa: F401 - (autouse: no question left to answer)
    retinograph_in_a_reply,
)

DEVICE_SAYS_LEFT = "L'appareil a enregistré cette image comme un œil gauche, pas l'œil droit indiqué."


def left_eye_dicom(acquired: str = "20261120101112") -> bytes:
    """A disc-centred field of a left eye (its disc in the middle: the disc's side tells nothing), the
    device recording it as a left eye (``acquired``: its AcquisitionDateTime)."""
    frames = [fundus_scene(1400, 1050, seed=5, eye="left", field="disc")]
    return retinograph(frames, eye="L", field="disc", acquired=acquired)


def filed_as_right(store: Store) -> tuple[str, str]:
    """The DICOM filed as the right eye (as a retake's or a case file's labels file it), with the
    checks of its import; the case complete but for the other eye, said photographed elsewhere."""
    case_id, image_id = retinograph_filed_as_right(store, left_eye_dicom(), "OD.dcm", thumbnail=True)
    (image,) = store.get_case(case_id).images
    assert [e for e in (f.device_eye() for f in image.quality) if e] == ["left"]
    return case_id, image_id


def device_lines(page: Any) -> list[str]:
    items = page.checklist.items
    return [items.item(i).text() for i in range(items.count()) if "appareil a enregistré" in items.item(i).text()]


def test_the_device_eye_against_the_label_is_shown_asked_and_goes_once_the_label_agrees(
    qtbot: Any, window: Any, store: Store
) -> None:
    case_id, image_id = filed_as_right(store)
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        assert device_lines(page) == ["⚠ " + fr_spaced(f"Image 1 : {DEVICE_SAYS_LEFT} Vérifiez l'œil choisi.")]
        tile = panel.tile(image_id)
        assert tile.caption.text().endswith("\n⚠ Œil à vérifier")
        assert DEVICE_SAYS_LEFT in tile.caption.toolTip()
        panel.select_image(image_id)
        assert DEVICE_SAYS_LEFT in panel.labels.findings.text()
        assert "L'appareil a enregistré cette image comme un œil gauche." in panel.labels.findings.text()

        seen = asked(CHECK)
        assert not page.send()
        assert seen == [
            (
                "Œil à vérifier",
                "L'image 1 est classée œil droit mais l'appareil l'a enregistrée comme un œil gauche.\n\n"
                + EXPECTED.split("\n\n")[2],
                CHECK,
                CHECK,
            )
        ]
        assert store.state(case_id) == CaseState.DRAFT

        # The nurse files it as the device did: nothing is said, nothing asked.
        panel.labels.eye.setCurrentIndex(panel.labels.eye.findData("left"))
        qtbot.waitUntil(lambda: device_lines(page) == [], timeout=10_000)
        assert "Œil à vérifier" not in tile.caption.text() and DEVICE_SAYS_LEFT not in tile.caption.toolTip()
        assert DEVICE_SAYS_LEFT not in panel.labels.findings.text()
    finally:
        page.capture.stop_camera()


def test_a_dicom_imported_without_an_eye_takes_the_device_eye_and_is_doubted_once_put_on_the_other(
    qtbot: Any, window: Any, store: Store, tmp_path: Path
) -> None:
    case_id, _ = filed_as_right(store)
    dicom = tmp_path / "IM0001"
    dicom.write_bytes(left_eye_dicom())
    activate(qtbot, window)
    window.open_case(case_id)
    page = window.case_page
    panel = page.capture.ensure()
    try:
        panel.import_files([dicom])
        qtbot.waitUntil(lambda: len(list(store.images(case_id))) == 2, timeout=30_000)
        new = list(store.images(case_id))[1]
        assert new.eye == "left"
        qtbot.waitUntil(lambda: panel.strip.number(new.id) is not None, timeout=10_000)
        assert "Œil à vérifier" not in panel.tile(new.id).caption.text()
        panel.select_image(new.id)
        panel.labels.eye.setCurrentIndex(panel.labels.eye.findData("right"))
        qtbot.waitUntil(lambda: len(device_lines(page)) == 2, timeout=10_000)
        assert DEVICE_SAYS_LEFT in panel.tile(new.id).caption.toolTip()
    finally:
        page.capture.stop_camera()


def test_a_dicom_joined_to_a_reply_put_on_the_other_eye_says_it_and_asks(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    # Taken now, as the case's photos on hold: a retinograph acquired on a fixed day became « a photo of an
    # earlier session » once the clock passed it by three hours (the reply's rule, app.validation), and its
    # question (« C'est bien ce patient, envoyer ») waited for an answer this test never gave, until the timeout.
    now = clock.now().replace(tzinfo=None).strftime("%Y%m%d%H%M%S")
    case_id, view, field, check = retinograph_in_a_reply(
        qtbot, store, tmp_path, "OS.dcm", left_eye_dicom(now), "Voici l'œil demandé."
    )

    assert field.currentData() == "left" and not check.isVisible()  # the device's eye, nothing to check
    field.setCurrentIndex(field.findData("right"))
    assert check.isVisible() and check.toolTip().startswith(DEVICE_SAYS_LEFT)

    seen = asked(CHECK)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert seen == [
        (
            "Œil à vérifier",
            "L'image 1 (OS.dcm) est classée œil droit mais l'appareil l'a enregistrée comme un œil gauche.\n\n"
            + EXPECTED.split("\n\n")[2],
            CHECK,
            CHECK,
        )
    ]
    assert [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"] == []
    field.setCurrentIndex(field.findData("left"))
    assert not check.isVisible()
    seen = asked(SEND)
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert seen == []
    (reply,) = [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"]
    [sent] = [image for image in store.get_case(case_id).images if image.id in reply.image_ids]
    assert sent.eye == "left"


def test_labels_set_before_the_import_keep_their_eye_and_the_device_eye_doubts_it() -> None:
    """The labels a retake carries over (or chosen before the import) win over the device's eye, as
    before; the device's word is kept with the image and makes it an eye to check."""
    from app.validation import eye_side_words
    from capture.pipeline import prepare_image_bytes
    from ui.capture_work import Labels, record_for

    prepared = prepare_image_bytes(left_eye_dicom(), filename="IM0001", specialty="ophthalmology")
    carried = record_for(prepared, Labels(eye="right", view="macula"))
    assert carried.eye == "right"
    assert eye_side_words(carried) == f"{DEVICE_SAYS_LEFT} Vérifiez l'œil choisi."
    assert eye_side_words(record_for(prepared, Labels())) is None  # no eye given: the device's, no doubt
