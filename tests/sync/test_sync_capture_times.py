"""Capture times without a time zone (issue 15 §1): what cameras and retinographs write goes through.

EXIF DateTimeOriginal is local wall-clock time, most often without OffsetTimeOriginal; FHIR refuses
a dateTime with a time and no zone. A case imported from such photos must be sent, not sent back
to "à corriger" with an internal error.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from app.model import CaseImage, CaseState
from app.moments import fhir_date_time, is_fhir_date_time
from app.store import Store
from sync.mapping import media_resource, validate_resource
from sync.sandbox import SandboxServer
from sync.sandbox.validation import validate_resource as sandbox_validate
from tests.support.cases import example_case
from tests.support.cli import SITE, run_inprocess, write_json
from tests.support.images import jpeg_bytes, skin_photo


def exif_jpeg(moment: str, offset: str | None = None, seed: int = 0) -> bytes:
    image = skin_photo(1600, 1200, seed=seed)
    exif = Image.Exif()
    exif[0x010F], exif[0x0110] = "Canon", "Canon EOS 250D"
    sub = exif.get_ifd(0x8769)
    sub[0x9003] = moment
    if offset is not None:
        sub[0x9011] = offset
    return jpeg_bytes(image, exif=exif.tobytes())


def test_the_sandbox_refuses_a_time_without_zone_as_fhir_does() -> None:
    media = {"resourceType": "Media", "status": "completed", "content": {"url": "Binary/1"}}
    assert sandbox_validate({**media, "createdDateTime": "2026-07-14T10:11:12+02:00"}, "Media") == []
    for zoneless in ("2026-07-14T10:11:12", "2026-07-14T10:11"):
        issues = sandbox_validate({**media, "createdDateTime": zoneless}, "Media")
        assert issues and "createdDateTime" in issues[0].diagnostics
    assert sandbox_validate({**media, "createdDateTime": "2026-07-14"}, "Media") == []


@pytest.mark.usefixtures("paris")
def test_a_zoneless_time_gets_the_workstations_zone_at_that_date() -> None:
    assert fhir_date_time("2026-07-14T10:11:12") == "2026-07-14T10:11:12+02:00"
    assert fhir_date_time("2026-01-14T10:11:12") == "2026-01-14T10:11:12+01:00"
    assert fhir_date_time("2026-07-14T10:11:12.25-05:00") == "2026-07-14T10:11:12-05:00"
    assert fhir_date_time("2026-07-14") == "2026-07-14"
    assert fhir_date_time("2026-02-30T10:00:00") is None
    assert fhir_date_time("n'importe quoi") is None
    assert not is_fhir_date_time("2026-07-14T10:11:12") and is_fhir_date_time("2026-07-14T10:11:12Z")


@pytest.mark.usefixtures("paris")
def test_exif_time_takes_its_own_offset_first_then_the_local_zone() -> None:
    from capture.pipeline import prepare_image_bytes

    def taken(data: bytes) -> str | None:
        return prepare_image_bytes(data, filename="p.jpg", specialty="dermatology").captured_at

    assert taken(exif_jpeg("2026:07:14 10:11:12")) == "2026-07-14T10:11:12+02:00"
    assert taken(exif_jpeg("2026:12:24 18:00:00")) == "2026-12-24T18:00:00+01:00"
    assert taken(exif_jpeg("2026:07:14 10:11:12", "-04:00")) == "2026-07-14T10:11:12-04:00"
    # A broken offset is not trusted; the local zone is used.
    assert taken(exif_jpeg("2026:07:14 10:11:12", "  :  ")) == "2026-07-14T10:11:12+02:00"
    assert taken(exif_jpeg("0000:00:00 00:00:00")) is None


def test_an_image_stored_before_the_fix_still_maps_to_valid_fhir() -> None:
    image = CaseImage(
        captured_at="2026-07-14T10:11:12", content_type="image/jpeg", size=10, sha1="2jmj7l5rSw0yVb/vlWAYkK/YBwk="
    )
    resource = media_resource(image, 0, "urn:uuid:p", "urn:uuid:s", "Binary/1")
    assert is_fhir_date_time(resource["createdDateTime"])
    validate_resource(resource)


def test_a_case_of_camera_photos_without_zone_is_sent(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "dos-loin.jpg").write_bytes(exif_jpeg("2026:11:20 09:30:00", seed=1))
    (folder / "dos-proche.jpg").write_bytes(exif_jpeg("2026:11:20 09:31:05", seed=2))
    case_file = example_case(folder)
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    imported = run_inprocess(capsys, "case", "import", str(case_file))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    with SandboxServer(tmp_path / "platform", run_expert=False) as sandbox:
        assert run_inprocess(capsys, "config", "set", "platform.url", sandbox.base_url).code == 0
        sent = run_inprocess(capsys, "case", "send", case_id)
        assert sent.code == 0, sent.err
        synced = run_inprocess(capsys, "sync", "--once", "--json")
        assert synced.code == 0, synced.err
        assert synced.json()["sent"] == [case_id], synced.err
        created = sorted(m["createdDateTime"] for m in sandbox.resources("Media"))
    assert [c[:19] for c in created] == ["2026-11-20T09:30:00", "2026-11-20T09:31:05"]
    assert all(is_fhir_date_time(c) for c in created)
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.SENT


def test_a_photo_that_gives_no_time_is_never_dated_as_if_taken_at_its_import(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, teleavis_home: Path
) -> None:
    """Found from outside: a photo without a capture time (a PNG, a picture sent by messaging, EXIF
    stripped) went with the time of its import as the time it was taken: last week's wound, dated today,
    misleads whoever compares it with today's. The contract wants a time, so the import's goes, and the
    Media's note tells the expert; the case's PDF says the date is unknown."""
    import io

    import pypdf

    from app.report import build_report
    from sync.mapping import TIME_UNKNOWN_NOTE

    folder = tmp_path / "case"
    folder.mkdir()
    (folder / "dos-loin.jpg").write_bytes(exif_jpeg("2026:11:20 09:30:00", seed=1))
    (folder / "dos-proche.jpg").write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=2)))  # no EXIF at all
    case_file = example_case(folder)
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    imported = run_inprocess(capsys, "case", "import", str(case_file))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    with Store.open(teleavis_home) as store:
        images = store.get_case(case_id).images
        report = build_report(store, case_id, lang="fr")
    assert [image.time_unknown for image in images] == [False, True]
    text = " ".join(" ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(report.pdf)).pages)
    assert "date inconnue (le fichier ne la donne pas) ; importée le" in text
    with SandboxServer(tmp_path / "platform", run_expert=False) as sandbox:
        assert run_inprocess(capsys, "config", "set", "platform.url", sandbox.base_url).code == 0
        assert run_inprocess(capsys, "case", "send", case_id).code == 0
        synced = run_inprocess(capsys, "sync", "--once", "--json")
        assert synced.json()["sent"] == [case_id], synced.err
        media = sorted(sandbox.resources("Media"), key=lambda m: m["content"]["title"])
    assert media[0]["createdDateTime"].startswith("2026-11-20T09:30:00")
    assert TIME_UNKNOWN_NOTE not in str(media[0].get("note"))
    assert is_fhir_date_time(media[1]["createdDateTime"])
    assert media[1]["note"][-1] == {"text": TIME_UNKNOWN_NOTE}, "after the nurse's own note"


@pytest.mark.usefixtures("paris")
def test_a_time_in_the_hour_skipped_in_spring_is_read_on_the_offset_before_it() -> None:
    """Found from outside: a camera's 02:30 on the night Paris springs forward (an hour the clock
    skips) was sent as 01:30+01:00, an hour before either reading of it."""
    assert fhir_date_time("2026-03-29T02:30:00") == "2026-03-29T02:30:00+01:00"
    assert fhir_date_time("2026-03-29T01:59:00") == "2026-03-29T01:59:00+01:00"
    assert fhir_date_time("2026-03-29T03:30:00") == "2026-03-29T03:30:00+02:00"
    assert fhir_date_time("2026-10-25T02:30:00") == "2026-10-25T02:30:00+02:00"  # the hour lived twice: first


@pytest.mark.usefixtures("paris")
def test_the_acr_nema_forms_of_a_dicom_date_and_time_are_read() -> None:
    """Older devices write 2026.03.29 and 10:30:00: the image went with the time of its import."""
    import warnings

    from pydicom.dataset import Dataset

    from capture.dicom import _captured_at

    ds = Dataset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom says the forms are not today's: they are read anyway
        ds.StudyDate, ds.StudyTime = "2026.03.29", "10:30:00"
        assert _captured_at(ds) == "2026-03-29T10:30:00+02:00"
    ds.StudyDate, ds.StudyTime = "20260329", "103000.5"
    assert _captured_at(ds) == "2026-03-29T10:30:00+02:00"


def test_a_capture_date_in_the_future_is_said_before_sending() -> None:
    """Found from outside: a camera whose clock was never set dated its photo 2031; it went as such
    without a word, and the expert reads the lesion's history from those dates."""
    from app.model import Case
    from app.validation import validate_images

    case = Case(images=[CaseImage(captured_at="2031-06-01T10:00:00+02:00"), CaseImage(captured_at="2026-11-20")])
    future = [f for f in validate_images(case) if f.code == "image.future"]
    assert [(f.field, f.severity) for f in future] == [("images[0].captured_at", "warning")]
    assert future[0].message.startswith("Image 1 : sa date de prise de vue est dans le futur")
