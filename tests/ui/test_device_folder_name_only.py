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
from tests.support.french import fr_spaced
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
        fr_spaced(
            "⚠ L'appareil l'a enregistrée pour DUPONT Marie, femme, sans date de naissance ni INS à comparer avec "
            "ceux du dossier : le nom seul ne dit pas que c'est ce patient (une mère et sa fille peuvent porter les "
            "mêmes noms). Non cochée : cochez-la seulement si vous avez vérifié que c'est bien lui."
        )
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


def test_a_worklists_file_number_under_the_sites_issuer_comes_ticked(qtbot: Any, tmp_path: Path) -> None:
    """A device fed by the site's worklist wrote her names, her file number at the site and the site's own
    issuer (``tests/app/test_worklist_site_issuer.py``): the structure's identifier says it is hers, ticked.
    Another structure's issuer with the same number says nothing: unticked, as its import says it."""
    from tests.app.test_worklist_site_issuer import OID, SYSTEM, worklist_dicom

    daughter = Patient(**{**DAUGHTER.__dict__, "local_id": "D-2291"})
    (tmp_path / "IM000001").write_bytes(worklist_dicom(issuer=OID))
    (tmp_path / "IM000002").write_bytes(worklist_dicom(issuer="CLINIQUE_VOISINE"))
    ticked = {tmp_path / "IM000001", tmp_path / "IM000002"}
    dialog = DeviceFolderDialog(tmp_path, ticked=ticked, patient=daughter, site_system=SYSTEM)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.reading(), timeout=20_000)
    listed = lines(dialog)
    assert listed["IM000001"].checkState() == Qt.CheckState.Checked and "\n" not in listed["IM000001"].text()
    assert listed["IM000002"].checkState() == Qt.CheckState.Unchecked
    assert "le nom seul ne dit pas" in listed["IM000002"].text()
    assert [path.name for path in dialog.chosen()] == ["IM000001"]
