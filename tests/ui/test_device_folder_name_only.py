"""A DICOM whose device gave only the patient's names is not taken for this patient's.

Left alone last session (identity vigilance, RNIV): a retinograph where only the name was typed (no birth
date, no INS) wrote « DUPONT^Marie »; in Marie Dupont's case, the daughter, her mother Marie Dupont's
export came ticked without a word, exactly as an image the device recorded with her birth date. The
strict traits are the birth name, the first given name, the birth date, the sex and the birth place: names
alone (a mother and her daughter, two homonyms) are not a match. Such a file comes unticked, its line
saying the device gave the name only; one whose device also gave her birth date comes ticked as before.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pydicom
from PySide6.QtCore import Qt

from app.model import DevicePatient, Patient
from capture.demo import fundus_scene
from tests.support.dicom import retinograph
from ui.capture_folder import DeviceFolderDialog

#: The daughter, whose case is open.
DAUGHTER = Patient(family="Dupont", given=["Marie"], birth_date="1985-04-02", sex="female")


def device_dicom(folder: Path, name: str, patient: str, born: str = "", sex: str = "") -> Path:
    ds = pydicom.dcmread(io.BytesIO(retinograph([fundus_scene(320, 240, seed=5, eye="right")], eye="R")))
    ds.PatientName, ds.PatientBirthDate, ds.PatientSex = patient, born, sex
    path = folder / name
    ds.save_as(path, enforce_file_format=True)
    return path


def lines(dialog: DeviceFolderDialog) -> dict[str, Any]:
    return {
        Path(dialog.list.item(i).data(Qt.ItemDataRole.UserRole)).name: dialog.list.item(i)
        for i in range(dialog.list.count())
    }


def test_a_dicom_named_as_her_without_a_birth_date_does_not_come_ticked(qtbot: Any, tmp_path: Path) -> None:
    mother = device_dicom(tmp_path, "IM000001", "DUPONT^Marie", sex="F")  # only the names typed
    hers = device_dicom(tmp_path, "IM000002", "DUPONT^Marie", "19850402", "F")
    dialog = DeviceFolderDialog(tmp_path, ticked={mother, hers}, patient=DAUGHTER)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=20_000)
    listed = lines(dialog)
    assert listed["IM000001"].checkState() == Qt.CheckState.Unchecked
    assert listed["IM000001"].text().split("\n")[1:] == [
        "⚠ L'appareil l'a enregistrée pour DUPONT Marie, femme, sans date de naissance ni INS à comparer avec "
        "ceux du dossier : le nom seul ne dit pas que c'est ce patient (une mère et sa fille peuvent porter les "
        "mêmes noms). Non cochée : cochez-la seulement si vous avez vérifié que c'est bien lui."
    ]
    assert listed["IM000002"].checkState() == Qt.CheckState.Checked
    assert "\n" not in listed["IM000002"].text()
    assert [path.name for path in dialog.chosen()] == ["IM000002"]


def test_names_alone_are_never_a_match() -> None:
    """The check itself: the device's names, even hers written every way a device does, without a whole
    birth date nor an INS, are the names only; with her birth date (or her INS), they are not."""
    from app.device_patient import names_only

    for name in ("DUPONT^Marie", "DUPONT MARIE", "MME DUPONT MARIE", "DUPONT^Marie^^^"):
        assert names_only(DevicePatient(name=name, sex="F"), DAUGHTER), name
        assert names_only(DevicePatient(name=name, birth_date="19850400"), DAUGHTER), name  # the day unknown
        assert not names_only(DevicePatient(name=name, birth_date="19850402"), DAUGHTER), name
    mother_born = DevicePatient(name="DUPONT^Marie", birth_date="19580911")
    assert not names_only(mother_born, DAUGHTER)  # (another patient's: said as such, not « names only »)
    assert not names_only(DevicePatient(name="DEMO^Patient"), DAUGHTER)  # nobody entered: nothing said
