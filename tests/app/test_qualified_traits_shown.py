"""A qualified identity is shown by its INS traits. Found in review: the window's case header, ``case show`` and
the PDF showed the names as typed (« ŒUVRAY Lætitia Marie-Éloïse ») while the platform and the DICOM header got
the traits the INSi teleservice returned (« OEUVRAY LAETITIA MARIE-ELOISE »): two writings of one identity, the
one a nurse reads not the one an expert's system files. The RNIV wants the traits shown to be the INS ones once
the identity is qualified; the used name (not an INS trait) is still shown beside them, said as such. An identity
not qualified is shown as typed, its birth name in capitals, as before."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest

from app.model import Case, Patient

QUALIFIED = Patient(
    family="Œuvray",
    given=["Lætitia", "Marie-Éloïse"],
    used_name="Lévêque",
    birth_date="1950-02-03",
    sex="female",
    ins="250028512345662",
    local_id="D-2291",
    identity_status="qualified",
    identity_document="PA",
)
TRAITS = "OEUVRAY LAETITIA MARIE-ELOISE"


def test_a_qualified_identity_is_named_by_its_ins_traits_the_used_name_beside() -> None:
    assert QUALIFIED.full_name() == TRAITS
    shown = QUALIFIED.shown_name("fr")
    assert shown.startswith(f"{TRAITS} (nom utilis") and shown.endswith("LÉVÊQUE)"), shown
    # As the platform and the DICOM header get it.
    family, given = QUALIFIED.names_sent(with_ins=True)
    assert " ".join([family, *given]) == QUALIFIED.full_name()


def test_an_identity_not_qualified_is_shown_as_typed() -> None:
    validated = replace(QUALIFIED, identity_status="validated")
    assert validated.full_name() == "ŒUVRAY Lætitia Marie-Éloïse"


def test_case_show_and_the_pdf_show_the_ins_traits(teleavis_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from pypdf import PdfReader

    from app.report import build_report
    from app.store import Store
    from tests.support.cli import run_inprocess

    with Store.open(teleavis_home) as store:
        case_id = store.create_case(Case(patient=QUALIFIED), [])
        pdf = build_report(store, case_id, lang="fr").pdf
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    assert TRAITS in text and "Lætitia" not in text, text
    assert "LÉVÊQUE" in text
    [line] = [line for line in run_inprocess(capsys, "case", "show", case_id).out.splitlines() if "Patient" in line]
    assert f"Patient : {TRAITS} (nom utilisé : LÉVÊQUE), " in line, line


def test_the_initials_are_those_of_the_name_shown() -> None:
    """The worklist shows the initials until the names can be read, and ``case list`` always: of a qualified
    identity, those of its INS traits (« O.L. » beside « OEUVRAY LAETITIA », not « Œ.L. »); else as typed."""
    assert QUALIFIED.initials() == "O.L."
    assert replace(QUALIFIED, family="Éluard", given=["Ærø"]).initials() == "E.A."
    assert replace(QUALIFIED, identity_status="validated").initials() == "Œ.L."
    assert replace(QUALIFIED, identity_status="provisional", family=" martin", given=["", "Paul"]).initials() == "M."


def test_initials_of_a_name_pasted_decomposed_are_those_of_the_name_typed() -> None:
    """Found in review: the names are shown composed (``name_text``, NFC), but the initials were cut from the name
    as stored: pasted from a Mac (NFD, « É » as « E » and a combining accent), « Émile Éric » showed « E.E. » in
    the worklist where its typed twin showed « É.É. », one patient under two initials; a typographic apostrophe
    (« ’t Hooft ») gave « ’. » where the name shown has « ' »."""
    import unicodedata

    typed = replace(QUALIFIED, identity_status="provisional", family="Émile", given=["Éric"])
    pasted = replace(typed, family=unicodedata.normalize("NFD", "Émile"), given=[unicodedata.normalize("NFD", "Éric")])
    assert pasted.family != typed.family
    assert typed.initials() == "É.É."
    assert pasted.initials() == typed.initials()
    assert replace(typed, family="\u2019t Hooft").initials() == "'.É."
