from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from app.identifiers import finess_is_valid, ins_is_valid, ins_key, luhn_is_valid, rpps_is_valid


def with_key(first13: str) -> str:
    return f"{first13}{ins_key(first13):02d}"


def test_the_cli_example_ins_is_valid() -> None:
    assert ins_is_valid("150028512345615")
    assert ins_is_valid("1 50 02 85 123 456 15")


def test_a_wrong_key_is_refused() -> None:
    assert not ins_is_valid("150028512345616")
    assert not ins_is_valid("15002851234561")  # 14 characters
    assert not ins_is_valid("950028512345615")  # no such first digit


def test_corsica_uses_19_and_18_in_place_of_2a_and_2b() -> None:
    for dept, digits in (("2A", "19"), ("2B", "18")):
        first13 = f"16003{dept}123456"
        key = 97 - int(first13.replace(dept, digits)) % 97
        assert ins_key(first13) == key
        assert ins_is_valid(f"{first13}{key:02d}")
        assert ins_is_valid(f"{first13.lower()}{key:02d}")
        assert not ins_is_valid(f"{first13}{(key % 97) + 1:02d}")


def test_letters_anywhere_but_the_department_are_refused() -> None:
    assert not ins_is_valid("1600312A34561" + "00")
    assert not ins_is_valid("2A0031234561200")


@given(st.integers(min_value=1, max_value=2).map(str), st.text("0123456789", min_size=12, max_size=12))
def test_every_computed_key_validates_and_any_other_does_not(sex: str, rest: str) -> None:
    first13 = sex + rest
    good = with_key(first13)
    assert ins_is_valid(good)
    wrong = (int(good[13:]) % 97) + 1
    assert not ins_is_valid(f"{first13}{wrong:02d}")


def test_luhn_numbers_of_the_site_file() -> None:
    assert rpps_is_valid("10101010105")
    assert not rpps_is_valid("10101010106")
    assert finess_is_valid("750000010")
    assert not finess_is_valid("750000011")
    assert not luhn_is_valid("12a4")
    assert not rpps_is_valid("0101010105")  # 10 digits


#: Real FINESS numbers of Corsica, as the Agence régionale de santé de Corse publishes them in the
#: prefectures' collections of administrative acts (recueils des actes administratifs 2A-2024-029,
#: 2A-2025-178, 2B-2024-02-015, 2B-2024-07-003): hospitals of Bonifacio, Castelluccio, Sartène, Bastia,
#: Calvi, Corte-Tattone, and care homes.
CORSICAN_FINESS = (
    "2A0000170",
    "2A0000386",
    "2A0002606",
    "2A0000261",
    "2A0002051",
    "2B0000020",
    "2B0005342",
    "2B0004246",
    "2B0000442",
    "2B0003107",
    "2B0003057",
    "2B0004238",
    "2B0000939",
    "2B0003628",
    "2B0003073",
    "2B0000459",
    "2B0001341",
)


def test_a_corsican_finess_has_its_key_checked_as_the_directory_computes_it() -> None:
    """A Corsican FINESS (2A/2B) was taken on its shape alone: a slip in its digits reached the platform,
    which refused every case of the site. Its key is Luhn's with the department's letter read as its
    rank (A as 1, B as 2): every real number above agrees, any other reading fails them."""
    for number in CORSICAN_FINESS:
        assert finess_is_valid(number), number
    for number in CORSICAN_FINESS:
        for slip in "0123456789":
            if slip != number[-1]:
                assert not finess_is_valid(number[:-1] + slip), number[:-1] + slip
    assert not finess_is_valid("2A0000107")  # two digits swapped
    assert not finess_is_valid("2C0000170")
    # The national structure id built on it, as FR Core sends it.
    from app.identifiers import idnst_is_valid

    assert idnst_is_valid("12B0000020") and not idnst_is_valid("12B0000021")


def test_adeli_siren_and_siret_have_their_keys_checked() -> None:
    """A requester without RPPS (a nurse still under ADELI) or a structure without FINESS (a health centre
    known by its SIRET): their numbers carry a Luhn key as the RPPS and FINESS do. The ADELI numbers are
    real ones the ANS directory answers (annuaire-sante-fhir-documentation issues 164 and 174); the SIREN
    and SIRET are real structures of the FINESS open data."""
    from app.identifiers import adeli_is_valid, idnps_is_valid, idnst_is_valid, siren_is_valid, siret_is_valid

    for adeli in ("879101558", "349102665"):
        assert adeli_is_valid(adeli) and idnps_is_valid("0" + adeli)
        assert not adeli_is_valid(adeli[:-1] + str((int(adeli[-1]) + 1) % 10))
    assert not adeli_is_valid("87910155") and not adeli_is_valid("8791015580") and not adeli_is_valid("")
    assert not idnps_is_valid("879101558") and not idnps_is_valid("9879101558")
    for siren in ("260104633", "772201489", "304368764"):
        assert siren_is_valid(siren) and idnst_is_valid("2" + siren)
        assert not siren_is_valid(siren[:-1] + str((int(siren[-1]) + 1) % 10))
    assert siret_is_valid("77220148900022") and idnst_is_valid("377220148900022")
    assert not siret_is_valid("77220148900023") and not siret_is_valid("7722014890002")
    assert not idnst_is_valid("77220148900022") and not idnst_is_valid("477220148900022")


def test_an_adeli_of_corsica_or_overseas_is_taken() -> None:
    """ADELI numbers begin with the department that registered the professional: Corsica's are 2A/2B and
    the overseas departments' 9A (Guadeloupe), 9B, 9C, 9D (La Réunion), 9F (Mayotte), as the national
    psychologists' scheme that checks real ADELI numbers reads them (betagouv/sante-psy, formatAdeliId and
    isAdeliIdValidDepartment). Nine digits with a Luhn key refused every nurse of those departments under
    ADELI: her site could not be set up. No published rule computes their key over a letter, so their shape
    is checked and the key left to the directory, as for any other number the platform resolves."""
    from app.identifiers import adeli_is_valid, idnps_is_valid

    for adeli in ("2A6012345", "2B9300017", "9A6000123", "9D9312345", "9F6000001"):
        assert adeli_is_valid(adeli), adeli
        assert idnps_is_valid("0" + adeli), adeli
    for wrong in ("2C6012345", "9G6000123", "3A6000123", "2A601234", "2A60123456", "A26012345", "2A60X2345"):
        assert not adeli_is_valid(wrong), wrong
    # The numbers of the mainland keep their key.
    assert adeli_is_valid("879101558") and not adeli_is_valid("879101559")
