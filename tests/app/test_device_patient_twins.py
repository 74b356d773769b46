"""Twins with compound given names: the device's given name is compared whole, not by its first word.

Found in review (identity vigilance): twins share their family name, birth date and often their sex; their
given names are all that tells them apart, and French compound given names often share their first word
(Jean-Pierre and Jean-Paul, Marie-Anne and Marie-Claire). The device's given name was compared by its first
word only, so Jean-Paul's retinograph went into Jean-Pierre's case unsaid. A shortened given name (« JEAN »
for Jean-Pierre) and a given name the case lists further on (« MARIE CLAIRE » for Marie, Claire) stay hers.
"""

from __future__ import annotations

import pytest

from app.device_patient import recorded_for_another
from app.model import DevicePatient, Patient


def _twin(given: list[str], sex: str = "male") -> Patient:
    return Patient(family="Martin", given=given, birth_date="2015-04-02", sex=sex)


@pytest.mark.parametrize(
    ("device", "case", "sex"),
    [
        ("MARTIN^JEAN-PAUL", ["Jean-Pierre"], "M"),
        ("MARTIN^JEAN PAUL", ["Jean-Pierre"], "M"),  # its hyphen lost on the device
        ("MARTIN JEAN PAUL", ["Jean-Pierre"], "M"),  # one field
        ("MARTIN^MARIE-CLAIRE", ["Marie-Anne"], "F"),
        ("MARTIN^MARIE-CLAIRE", ["Marie-Anne", "Louise"], "F"),
        ("MARTIN^JEAN-PAUL", ["Jean"], "M"),  # Jean's twin Jean-Paul: a compound given name is one name
    ],
)
def test_a_twin_with_a_compound_given_name_is_another(device: str, case: list[str], sex: str) -> None:
    patient = _twin(case, "male" if sex == "M" else "female")
    assert recorded_for_another(DevicePatient(name=device, birth_date="20150402", sex=sex), patient)


@pytest.mark.parametrize(
    ("device", "case"),
    [
        ("MARTIN^JEAN-PIERRE", ["Jean-Pierre"]),
        ("MARTIN^JEAN PIERRE", ["Jean-Pierre"]),
        ("MARTIN^JEANPIERRE", ["Jean-Pierre"]),
        ("MARTIN^JEAN", ["Jean-Pierre"]),  # shortened by the device
        ("MARTIN JEAN PIERRE", ["Jean-Pierre"]),
        ("MARTIN^JEAN PAUL", ["Jean-Pierre", "Paul"]),  # her first given name shortened, then her second
        ("MARTIN^JEAN PAUL", ["Jean"]),  # the device knows a second given name the case left out
        ("MARTIN^PAUL", ["Jean-Pierre", "Paul"]),  # the one he goes by
        ("MARTIN^J-P", ["Jean-Pierre"]),  # initials
        ("MARTIN^JEAN-PIERRE PAUL", ["Jean-Pierre", "Paul"]),
    ],
)
def test_his_given_name_written_otherwise_is_his(device: str, case: list[str]) -> None:
    assert not recorded_for_another(DevicePatient(name=device, birth_date="20150402", sex="M"), _twin(case))


@pytest.mark.parametrize(
    ("device", "case", "sex"),
    [
        ("MARTIN^PIERRE", ["Jean-Pierre"], "M"),
        ("MARTIN PIERRE", ["Jean-Pierre"], "M"),  # one field
        ("MARTIN^MARIE", ["Anne-Marie"], "F"),
        ("MARTIN^MARIE", ["Anne-Marie", "Louise"], "F"),
    ],
)
def test_the_end_of_a_compound_given_name_alone_is_another(device: str, case: list[str], sex: str) -> None:
    """Found this session: the device's first given name was looked for among every word of hers, so
    « PIERRE » was Jean-Pierre's (and « MARIE » Anne-Marie's): Pierre's retinograph went into his twin
    Jean-Pierre's case unsaid. The end of a compound given name is no given name of its own; « JEAN »
    shortened from Jean-Pierre, and her second given name (« PAUL » for Jean-Pierre, Paul), stay hers."""
    patient = _twin(case, "male" if sex == "M" else "female")
    assert recorded_for_another(DevicePatient(name=device, birth_date="20150402", sex=sex), patient)


@pytest.mark.parametrize(
    ("device", "case", "sex"),
    [
        ("MARTIN^P", ["Jean-Pierre"], "M"),
        ("MARTIN^P.", ["Jean-Pierre"], "M"),
        ("MARTIN^M", ["Anne-Marie"], "F"),
    ],
)
def test_the_initial_of_the_end_of_a_compound_given_name_is_another(device: str, case: list[str], sex: str) -> None:
    """Found in review of the rule above: a device writing the initial alone (« MARTIN^P ») was still taken for
    Jean-Pierre, its initial looked for among every word of his given names: Pierre's retinograph went into
    his twin's case unsaid. An initial is compared with those of his given names said alone."""
    patient = _twin(case, "male" if sex == "M" else "female")
    assert recorded_for_another(DevicePatient(name=device, birth_date="20150402", sex=sex), patient)


@pytest.mark.parametrize(
    ("device", "case"),
    [("MARTIN^J", ["Jean-Pierre"]), ("MARTIN^P", ["Jean-Pierre", "Paul"]), ("MARTIN^P", ["Jean Pierre"])],
)
def test_the_initial_of_one_of_his_given_names_is_his(device: str, case: list[str]) -> None:
    assert not recorded_for_another(DevicePatient(name=device, birth_date="20150402", sex="M"), _twin(case))
