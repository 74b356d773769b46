"""The printed report's words as a nurse or a GP reads them (found by reading the paper): the platform's
status said as such, and only when it adds to the state; the urgent mark at the top of page 1; a file's kind
in words, not its MIME type."""

from __future__ import annotations

import io
from dataclasses import replace

import pytest
from pypdf import PdfReader

from app import business_status
from app.db import transaction
from app.model import Answer, CaseState
from app.report import build_report
from app.store import Store
from tests.sync.sync_helpers import make_case, setup_site
from tests.ui.test_answer_shown_whole import letter


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def urgent_answered(store: Store, code: str = "answered") -> str:
    """An urgent case with two photos, answered with a letter and a video, the platform's status ``code``."""
    setup_site(store)
    case_id = make_case(store, queue=False)
    store.update_case(replace(store.get_case(case_id), priority="urgent"))
    store.queue(case_id)
    for state in (CaseState.SENDING, CaseState.SENT):
        store.transition(case_id, state)
    pdf = store.objects.put(letter("Kératose actinique."))
    video = store.objects.put(b"not a real video")
    answer = Answer(
        conclusion="Kératose actinique : exérèse conseillée.",
        expert="Hélène MOREAU",
        issued="2026-11-23T10:00:00+01:00",
        pdf_blobs=[pdf],
        files=[
            {"blob": pdf, "title": "Compte rendu", "content_type": "application/pdf"},
            {"blob": video, "title": "Dermoscopie", "content_type": "video/mp4"},
        ],
    )
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, answer)
        store.transition(case_id, CaseState.ANSWERED, conn=conn)
        said = business_status.BusinessStatus("x", code).words("fr")
        store.set_platform_words(conn, case_id, business_status=business_status.kept(said, code))
    return case_id


def test_the_platforms_status_is_said_as_such_and_not_when_it_repeats_the_state(store: Store) -> None:
    """« Plateforme : Réponse rendue » under « État : réponse reçue »: a nurse read a second state, in words
    of its own, under a label that said nothing of what it was."""
    same = urgent_answered(store)
    fr, en = (" ".join(pages_text(build_report(store, same, lang=lang).pdf)) for lang in ("fr", "en"))
    assert "Réponse rendue" not in fr and "Plateforme Réponse" not in fr
    assert "Answer given" not in en
    more = urgent_answered(store, "amended")
    said = business_status.BusinessStatus("x", "amended")
    fr = " ".join(pages_text(build_report(store, more, lang="fr").pdf))
    en = " ".join(pages_text(build_report(store, more, lang="en").pdf))
    assert f"Statut sur la plateforme {said.words('fr')}" in fr
    assert f"Status on the platform {said.words('en')}" in en


@pytest.mark.parametrize(
    ("lang", "urgent", "answer"),
    [("fr", "DEMANDE URGENTE", "Réponse de l'expert"), ("en", "URGENT REQUEST", "Expert's answer")],
)
def test_the_urgent_mark_comes_first_under_the_title(store: Store, lang: str, urgent: str, answer: str) -> None:
    """It stood in the middle of page 1, under the platform's reference, after the expert's answer."""
    first = pages_text(build_report(store, urgent_answered(store), lang=lang).pdf)[0]
    assert first.index(urgent) < first.index(answer)


def test_no_mime_type_is_printed_a_files_kind_is_said_in_words(store: Store) -> None:
    """« Vidéo (video/mp4) » and « Image : 64 × 48 px, image/jpeg, Phone » printed what a program reads."""
    case_id = urgent_answered(store)
    fr = " ".join(pages_text(build_report(store, case_id, lang="fr").pdf))
    en = " ".join(pages_text(build_report(store, case_id, lang="en").pdf))
    for text in (fr, en):
        assert "video/mp4" not in text and "image/jpeg" not in text
    assert "« Dermoscopie » (vidéo MP4)" in fr and "“Dermoscopie” (MP4 video)" in en
    assert "64 × 48 px, JPEG, Phone" in fr and "64 × 48 px, JPEG, Phone" in en


def test_kind_words() -> None:
    from app.report_text import kind_words

    assert kind_words("application/pdf", "fr") == "document PDF"
    assert kind_words("application/pdf", "en") == "PDF document"
    assert kind_words("image/jpeg", "fr") == "image JPEG"
    assert kind_words("IMAGE/PNG; charset=x", "en") == "PNG image"
    assert kind_words("video/quicktime", "fr") == "vidéo QuickTime"
    assert kind_words("application/dicom", "en") == "DICOM image"
    assert kind_words("application/zip", "fr") == "fichier ZIP"
    assert kind_words("application/vnd.oasis.opendocument.text", "fr") == "fichier"
    assert kind_words("", "en") == "file" and kind_words("?", "fr") == "fichier"
    assert kind_words("text/html", "fr") == "page web" and kind_words("text/html; charset=utf-8", "en") == "web page"
    assert kind_words("application/msword", "fr") == "fichier Word"


@pytest.mark.parametrize(
    ("lang", "code_row", "number_row"),
    [("fr", "Code Teleavis", "N° de dossier D2291"), ("en", "Teleavis code", "File number D2291")],
)
def test_the_teleavis_code_and_the_patients_file_number_have_two_names(
    store: Store, lang: str, code_row: str, number_row: str
) -> None:
    """Found reading the paper: « La demande » said « Dossier 26f72a6e-… » (the Teleavis code) and, under
    « Patient », « N° de dossier D2291 » (the structure's number): a secretary filing it took the first for
    the patient's file number. The code is named as the window's search names it."""
    setup_site(store)
    case_id = make_case(store, queue=False)
    case = store.get_case(case_id)
    store.update_case(replace(case, patient=replace(case.patient, local_id="D2291")))
    text = pages_text(build_report(store, case_id, lang=lang).pdf)[0]
    assert f"{code_row} {case_id}" in text, text
    assert number_row in text
