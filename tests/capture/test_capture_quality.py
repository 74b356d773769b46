"""Quality checks on the labelled set: degraded copies are caught, good images pass (issue §5)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
import pytest

from app import i18n
from app.model import QualityFinding
from capture.demo import fundus_scene, skin_scene
from capture.quality import check_quality, edge_blur
from tests.capture.capture_labelled import MUST_WARN, jpeg_round_trip, labelled_set

LEVELS = ("ok", "warning", "blocking")
# Which check is expected to catch each degradation.
CAUGHT_BY = {
    "blurred": {"sharpness", "gradability"},
    "motion-blurred": {"sharpness", "gradability"},
    "over-exposed": {"exposure"},
    "under-exposed": {"exposure"},
    "colour-cast": {"colour-cast"},
    "cropped-field": {"field-of-view"},
}
SEEDS = 12  # 24 good images and 132 degraded copies, about a minute on two cores


@dataclass
class Verdict:
    name: str
    label: str
    specialty: str
    findings: list[QualityFinding]

    @property
    def worst(self) -> str:
        return max((f.level for f in self.findings), key=LEVELS.index)

    def flagged_by(self, checks: set[str]) -> bool:
        return any(f.level != "ok" and f.check in checks for f in self.findings)


@pytest.fixture(scope="module")
def verdicts() -> list[Verdict]:
    return [
        Verdict(s.name, s.label, s.specialty, check_quality(s.rgb, specialty=s.specialty)) for s in labelled_set(SEEDS)
    ]


def confusion_matrix(verdicts: list[Verdict]) -> str:
    labels = ["good", *CAUGHT_BY]
    lines = [f"{'label':16s} {'n':>4s} " + " ".join(f"{lvl:>9s}" for lvl in LEVELS) + "  caught by its own check"]
    for label in labels:
        rows = [v for v in verdicts if v.label == label]
        if not rows:
            continue
        counts = Counter(v.worst for v in rows)
        own = sum(v.flagged_by(CAUGHT_BY[label]) for v in rows) if label in CAUGHT_BY else 0
        own_text = f"{own}/{len(rows)}" if label in CAUGHT_BY else "-"
        lines.append(f"{label:16s} {len(rows):4d} " + " ".join(f"{counts[lvl]:9d}" for lvl in LEVELS) + f"  {own_text}")
    return "\n".join(lines)


def test_confusion_matrix_is_reported(verdicts: list[Verdict], capsys: pytest.CaptureFixture[str]) -> None:
    table = confusion_matrix(verdicts)
    with capsys.disabled():
        print("\n\nQuality checks on the labelled set (rows: truth; columns: worst finding)\n" + table)
    assert len(table.splitlines()) == 1 + 1 + len(CAUGHT_BY)


def test_every_blurred_or_badly_exposed_copy_gets_at_least_a_warning(verdicts: list[Verdict]) -> None:
    missed = [v.name for v in verdicts if v.label in MUST_WARN and v.worst == "ok"]
    assert missed == []
    wrong_check = [v.name for v in verdicts if v.label in MUST_WARN and not v.flagged_by(CAUGHT_BY[v.label])]
    assert wrong_check == []


def test_at_most_five_percent_of_good_images_get_a_warning(verdicts: list[Verdict]) -> None:
    good = [v for v in verdicts if v.label == "good"]
    flagged = [(v.name, [(f.check, f.measure) for f in v.findings if f.level != "ok"]) for v in good if v.worst != "ok"]
    assert len(good) == 2 * SEEDS
    assert len(flagged) <= 0.05 * len(good), flagged


def test_colour_casts_are_caught_by_the_colour_check(verdicts: list[Verdict]) -> None:
    # Issue 15 §3: 7 of 24 before; at least 95 % now (the colour set's own matrix is in
    # test_capture_colour.py, with held-out and real images).
    casts = [v for v in verdicts if v.label == "colour-cast"]
    caught = [v for v in casts if v.flagged_by({"colour-cast"})]
    assert len(casts) == 2 * SEEDS
    assert len(caught) >= 0.95 * len(casts), [v.name for v in casts if v not in caught]


def test_a_cropped_retinal_field_is_caught(verdicts: list[Verdict]) -> None:
    cropped = [v for v in verdicts if v.label == "cropped-field"]
    assert cropped and all(v.flagged_by({"field-of-view"}) for v in cropped)


def test_no_optic_disc_is_ever_put_on_the_wrong_eyes_side(verdicts: list[Verdict]) -> None:
    """Every fundus of the set, good or degraded (blurred, dark, bright, cast, cropped): the disc is said
    on its eye's side of the image (the nasal side), or in the centre of a disc-centred field, or not
    at all (tests/capture/test_capture_eye_side.py for the checklist's warning)."""
    said = 0
    for verdict in verdicts:
        if verdict.specialty != "ophthalmology":
            continue
        seed = int(verdict.name.split("/")[0].rsplit("-", 1)[1])  # as capture_labelled.good_images draws them
        eye, field = ("right" if seed % 2 else "left"), ("disc" if seed % 4 == 3 else "macula")
        side = next((s for s in (f.disc_side() for f in verdict.findings) if s is not None), None)
        assert side in ((None, eye) if field == "macula" else (None,)), verdict.name
        said += side is not None
    good = [v for v in verdicts if v.specialty == "ophthalmology" and v.label == "good"]
    assert said >= 3 * len(good)  # the good ones and most of their degraded copies are recognised


def test_findings_say_what_to_do_and_carry_their_measure(verdicts: list[Verdict]) -> None:
    blurred = next(v for v in verdicts if v.label == "blurred" and v.specialty == "dermatology")
    finding = next(f for f in blurred.findings if f.check == "sharpness")
    assert "floue" in finding.message.lower()
    assert finding.measure is not None and finding.threshold is not None
    assert finding.measure > finding.threshold


def test_sharpness_does_not_depend_on_image_size() -> None:
    # The same scene at two camera resolutions measures alike on the downscaled copy.
    small = edge_blur(np.asarray(skin_scene(1024, 768, 5)[:, :, 1]))
    large = edge_blur(np.asarray(_downscaled(skin_scene(2048, 1536, 5), 1024)[:, :, 1]))
    assert abs(small - large) < 0.5


def _downscaled(rgb: np.ndarray, width: int) -> np.ndarray:
    from capture.quality import analysis_copy

    return analysis_copy(rgb, width)


def test_a_small_image_is_refused_for_resolution() -> None:
    findings = check_quality(skin_scene(640, 480, 1), specialty="dermatology")
    resolution = next(f for f in findings if f.check == "resolution")
    assert resolution.level == "blocking"
    assert "800×600" in resolution.message


def test_a_blank_frame_has_no_retinal_field() -> None:
    findings = check_quality(np.zeros((1200, 1600, 3), np.uint8), specialty="ophthalmology")
    assert any(f.check == "field-of-view" and f.level == "blocking" for f in findings)


def test_camera_frames_in_bgr_are_judged_like_rgb() -> None:
    rgb = jpeg_round_trip(fundus_scene(1600, 1200, 3))
    as_rgb = check_quality(rgb, specialty="ophthalmology")
    as_bgr = check_quality(np.ascontiguousarray(rgb[:, :, ::-1]), specialty="ophthalmology", order="bgr")
    assert [(f.check, f.level) for f in as_rgb] == [(f.check, f.level) for f in as_bgr]


def test_findings_speak_english_when_asked() -> None:
    i18n.set_language("en")
    findings = check_quality(skin_scene(640, 480, 1), specialty="dermatology")
    assert "at least 800×600" in next(f for f in findings if f.check == "resolution").message


def test_a_retinograph_too_small_is_told_to_export_it_from_the_retinograph() -> None:
    """Found from outside: a 768×576 retinograph (an older fundus camera's video size, or its preview
    export) was told « Reprenez la photo avec l'appareil en pleine définition », a camera's setting the
    nurse at a retinograph cannot find. It is told to export the shot at full size from the retinograph."""
    from PIL import Image

    from capture.pipeline import prepare_image_bytes
    from tests.support.images import jpeg_bytes

    data = jpeg_bytes(Image.fromarray(fundus_scene(768, 576, seed=3, eye="right")))
    retina = next(
        f
        for f in prepare_image_bytes(data, filename="OD.jpg", specialty="ophthalmology").quality
        if f.check == "resolution"
    )
    assert retina.level == "blocking"
    assert retina.message.startswith("Image trop petite (768×576) : il faut au moins 800×600.")
    assert "depuis le rétinographe" in retina.message and "pleine définition" in retina.message
    assert "from the retinograph" in retina.text("en")
    skin = next(
        f
        for f in prepare_image_bytes(data, filename="dos.jpg", specialty="dermatology").quality
        if f.check == "resolution"
    )
    assert "rétinographe" not in skin.message and "Reprenez la photo" in skin.message


@pytest.mark.parametrize("value", [(200, 150, 130), (128, 128, 128), (250, 250, 250)])
def test_a_uniform_frame_filed_as_a_retinograph_is_said_to_show_nothing(value: tuple[int, int, int]) -> None:
    """A frame of one colour in an eye case (a covered lens, a capture that failed) was told to be
    refocused and the patient's pupils dilated; it shows nothing, and is said so."""
    frame = np.empty((1200, 1600, 3), np.uint8)
    frame[:] = value
    findings = check_quality(frame, specialty="ophthalmology")
    sharpness = next(f for f in findings if f.check == "sharpness")
    assert sharpness.level == "blocking" and sharpness.key == "sharpness.blank", sharpness.message
    assert not any("dilatation" in f.message for f in findings), [f.message for f in findings]
    assert any(f.level == "blocking" for f in findings if f.check == "gradability")


def test_a_retinograph_is_not_taken_for_a_blank_frame() -> None:
    findings = check_quality(jpeg_round_trip(fundus_scene(1600, 1200, 3)), specialty="ophthalmology")
    assert not any(f.key in ("sharpness.blank", "gradability.blank") for f in findings)
