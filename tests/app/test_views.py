"""The expected views of a case (app/views.py): one rule for the capture panel's « Vues attendues »,
the window's checklist and ``case send``."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app import i18n
from app.forms import FORM_SPECIALTIES
from app.model import DISC_SIDE_CHECK, Case, CaseImage, QualityFinding
from app.validation import validate_images
from app.views import canonical, expected_views, missing_views, rules
from tests.support.views import covered, view_codes


def case_of(specialty: str, images: list[CaseImage], single_eye_reason: str = "") -> Case:
    return Case(specialty=specialty, images=images, single_eye_reason=single_eye_reason)


# --- what the forms ask for -----------------------------------------------------------------------


def test_the_forms_declare_the_views_their_expert_wants() -> None:
    assert rules("dermatology") == (("far", True), ("close-up", True), ("medium", False), ("dermoscopy", False))
    assert rules("wound-care") == (("far", True), ("close-up", True), ("medium", False))
    # The ophthalmology form is a diabetic retinopathy screening: the macula-centred field of each eye,
    # the disc-centred one advised (many programmes take one field an eye).
    assert rules("ophthalmology") == (("macula", True), ("disc", False))
    assert rules("other") == ()
    assert rules("no-such-specialty") == ()


def test_aliases_the_panel_knew_now_count_for_sending_too() -> None:
    assert canonical(" Proche ") == "close-up" and canonical("loin") == "far"
    assert canonical("papille") == "disc" and canonical("Fovea") == "macula"
    assert canonical("vue  intermédiaire") == "medium" and canonical("moyenne") == "medium"
    assert canonical("un texte libre") == "un texte libre"
    case = case_of("dermatology", [CaseImage(view="loin"), CaseImage(view="proche")])
    assert view_codes(case) == []


# --- dermatology and wound care ---------------------------------------------------------------------


def test_far_and_dermoscopy_still_lack_the_close_up_everywhere() -> None:
    images = [CaseImage(body_site="dos", view="far"), CaseImage(body_site="dos", view="dermoscopy")]
    case = case_of("dermatology", images)
    assert [v.key for v in missing_views("dermatology", images)] == ["view:close-up"]
    assert view_codes(case) == ["views.close-up"]
    (finding,) = [f for f in validate_images(case) if f.code == "views.close-up"]
    assert finding.message == "Vue rapprochée manquante (lésion nette, remplissant le cadre)."


def test_wound_care_offers_no_dermoscopy() -> None:
    views = expected_views("wound-care", [CaseImage(view="far"), CaseImage(view="close-up")])
    assert [(v.key, v.required, v.present) for v in views] == [
        ("view:far", True, True),
        ("view:close-up", True, True),
        ("view:medium", False, False),
    ]


def test_a_wound_s_image_without_a_view_is_not_told_of_dermoscopy() -> None:
    """Found by testers: « indiquez la vue (éloignée, intermédiaire, rapprochée, dermoscopie) » for a wound, whose
    form expects no dermoscopy. The dermatology case still names it."""
    from app.views import offered_views

    assert offered_views("wound-care") == ("far", "medium", "close-up")
    assert offered_views("dermatology") == ("far", "medium", "close-up", "dermoscopy")
    assert offered_views("other") == ("far", "medium", "close-up", "dermoscopy")  # no form's views: all offered
    assert offered_views("ophthalmology") == ("macula", "disc")
    (wound,) = [
        f.message
        for f in validate_images(case_of("wound-care", [CaseImage(body_site="talon")]))
        if f.code == "image.view"
    ]
    assert wound == "Image 1 : indiquez la vue (éloignée, intermédiaire, rapprochée).", wound
    (skin,) = [
        f.message
        for f in validate_images(case_of("dermatology", [CaseImage(body_site="dos")]))
        if f.code == "image.view"
    ]
    assert skin == "Image 1 : indiquez la vue (éloignée, intermédiaire, rapprochée, dermoscopie).", skin
    i18n.set_language("en")
    try:
        (wound,) = [
            f.message
            for f in validate_images(case_of("wound-care", [CaseImage(body_site="heel")]))
            if f.code == "image.view"
        ]
        assert wound == "Image 1: give the view (far, medium, close-up).", wound
    finally:
        i18n.set_language(None)


def test_labels_in_french_and_english() -> None:
    views = {v.key: v for v in expected_views("dermatology", [CaseImage(view="far")])}
    assert views["view:close-up"].missing_text == "vue rapprochée manquante"
    assert views["view:far"].label == "vue éloignée (localisation)"
    fields = {v.key: v for v in expected_views("ophthalmology", [CaseImage(eye="left", view="macula")])}
    assert fields["right:disc"].missing_text == "œil droit : champ centré sur la papille manquant"
    i18n.set_language("en")
    try:
        assert views["view:close-up"].missing_text == "close-up view missing"
        assert fields["left:macula"].label == "left eye: macula-centred field"
    finally:
        i18n.set_language(None)


# --- retinography, eye by eye ------------------------------------------------------------------------


def both(eye: str) -> list[CaseImage]:
    return [CaseImage(eye=eye, view="macula"), CaseImage(eye=eye, view="papille")]


def test_a_one_eye_retinography_is_incomplete_without_a_reason() -> None:
    case = case_of("ophthalmology", both("right"))
    assert view_codes(case) == ["fields.left"]
    (finding,) = [f for f in validate_images(case) if f.code == "fields.left"]
    assert finding.field == "single_eye_reason"  # F6 goes to the field that settles it
    assert "Œil gauche : aucune rétinographie" in finding.message
    assert {v.key for v in missing_views("ophthalmology", case.images)} == {"left:macula"}


def test_a_stated_reason_makes_one_eye_enough() -> None:
    case = case_of("ophthalmology", both("left"), "Énucléation de l'œil droit")
    assert view_codes(case) == []
    assert [v.key for v in expected_views(case.specialty, case.images, case.single_eye_reason)] == [
        "left:macula",
        "left:disc",
    ]
    blank = case_of("ophthalmology", both("left"), "   ")
    assert view_codes(blank) == ["fields.right"]


def test_each_photographed_eye_needs_its_macula_and_is_advised_its_disc() -> None:
    case = case_of("ophthalmology", [CaseImage(eye="right", view="macula"), CaseImage(eye="left", view="disc")])
    assert view_codes(case) == ["fields.left.macula"]
    advised = [f for f in validate_images(case) if f.severity == "warning" and f.code.startswith("fields.")]
    assert [f.code for f in advised] == ["fields.right.disc"]
    # A reason does not excuse a photographed eye's missing field.
    case.single_eye_reason = "énucléation"
    assert view_codes(case) == ["fields.left.macula"]


def test_retinographs_without_any_eye_are_one_finding() -> None:
    case = case_of("ophthalmology", [CaseImage(view="macula")])
    assert view_codes(case) == ["fields.eye"]
    assert len(missing_views("ophthalmology", case.images)) == 2


# --- the panel's list and the validation agree, whatever the images -----------------------------

VIEW_WORDS = [
    "far",
    "close-up",
    "medium",
    "dermoscopy",
    "proche",
    "Loin",
    "papille",
    "macula",
    "disc",
    "fovea",
    "",
    "texte libre",
]
images_strategy = st.lists(
    st.builds(
        CaseImage,
        eye=st.sampled_from([None, "right", "left"]),
        view=st.sampled_from(VIEW_WORDS),
        body_site=st.just("dos"),
    ),
    max_size=6,
)


@settings(max_examples=300, deadline=None)
@given(
    specialty=st.sampled_from(FORM_SPECIALTIES),
    images=images_strategy,
    reason=st.sampled_from(["", "  ", "énucléation de l'œil gauche"]),
)
def test_panel_and_validation_agree(specialty: str, images: list[CaseImage], reason: str) -> None:
    case = case_of(specialty, images, reason)
    panel_missing = {v.key for v in missing_views(specialty, images, reason)}
    if not images:  # nothing to tick: the validation asks for an image first
        assert [f.code for f in validate_images(case)] == ["images.none"]
        return
    assert covered(case) == panel_missing


# --- the eye chosen against where the optic disc lies ---------------------------------------------


def disc_at(offset: float) -> QualityFinding:
    """The quality checks' fact: the disc's horizontal offset from the field's centre (negative: left)."""
    return QualityFinding(DISC_SIDE_CHECK, "ok", "Papille …", offset, 0.25)


def eye_side_codes(case: Case) -> list[tuple[str, str, str]]:
    return [(f.code, f.field, f.severity) for f in validate_images(case) if f.code == "image.eye.side"]


def test_a_disc_on_the_other_eyes_side_is_a_warning_on_that_image_s_eye() -> None:
    images = [
        CaseImage(eye="right", view="macula", quality=[disc_at(0.55)]),  # right of the image: a right eye
        CaseImage(eye="right", view="macula", quality=[disc_at(-0.6)]),  # left of the image: a left eye
        CaseImage(eye="left", view="macula", quality=[disc_at(-0.5)]),
        CaseImage(eye="left", view="disc", quality=[disc_at(0.1)]),  # central: a disc-centred field
    ]
    assert eye_side_codes(case_of("ophthalmology", images)) == [("image.eye.side", "images[1].eye", "warning")]
    # Changing the eye chosen is all it takes: the fact stays, the warning follows the label.
    images[1].eye = "left"
    assert eye_side_codes(case_of("ophthalmology", images)) == []
    # No eye yet: the missing eye is said, not a side.
    images[1].eye = None
    assert eye_side_codes(case_of("ophthalmology", images)) == []


def test_the_eye_side_is_a_retinography_s_business_only() -> None:
    photo = CaseImage(body_site="dos", view="far", eye="right", quality=[disc_at(-0.6)])
    assert eye_side_codes(case_of("dermatology", [photo])) == []


@settings(max_examples=200)
@given(
    offset=st.floats(-1.5, 1.5, allow_nan=False),
    eye=st.sampled_from(["right", "left"]),
    language=st.sampled_from(["fr", "en"]),
)
def test_a_warning_exactly_when_the_disc_is_clearly_on_the_other_side(offset: float, eye: str, language: str) -> None:
    i18n.set_language(language)
    try:
        case = case_of("ophthalmology", [CaseImage(eye=eye, view="macula", quality=[disc_at(offset)])])
        warnings = [f for f in validate_images(case) if f.code == "image.eye.side"]
    finally:
        i18n.set_language(None)
    other_side = offset <= -0.25 if eye == "right" else offset >= 0.25
    assert len(warnings) == (1 if other_side else 0)
    for warning in warnings:
        assert not warning.blocks_sending()
        assert ("papille" in warning.message) == (language == "fr")
        assert ("optic disc" in warning.message) == (language == "en")
