"""The expert's answer as a nurse reads it on paper and in ``case show`` (found by an outside reading):
the follow-up advice one wording with its deadline, an answer not to act on said on every page, whose
every page is, a training case never taken for a real one, the questions and replies printed."""

from __future__ import annotations

import io
from dataclasses import asdict, replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from app.answers import follow_up_words
from app.db import transaction
from app.model import Answer, Patient
from app.outbox import Outbox
from app.report import build_report
from app.store import Store
from tests.support.cli import run_inprocess
from tests.support.ui import REQUESTER, answered_case


def pages_text(pdf: bytes) -> list[str]:
    return [" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def with_answer(store: Store, case_id: str, **changes: object) -> None:
    answer = store.answer(case_id)
    assert answer is not None
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, replace(answer, **changes))  # type: ignore[arg-type]


def test_a_follow_up_of_hours_is_not_zero_days_and_says_by_when(paris: None) -> None:
    """12 hours showed « revoir le patient sous 0 jour » in the window and « dans 0.5 jours » on paper;
    « sous 14 jours » and « dans 14 jours » said two things, counted from nobody knew when."""
    issued = "2026-12-02T10:15:00+01:00"
    assert follow_up_words(Answer(follow_up_days=0.5, issued=issued), "fr") == (
        "revoir le patient sous 12 heures, avant le 02/12/2026 22:15"
    )
    assert follow_up_words(Answer(follow_up_days=14, issued=issued), "fr") == (
        "revoir le patient sous 14 jours, avant le 16/12/2026"
    )
    assert follow_up_words(Answer(follow_up_days=14, issued=issued), "en") == (
        "see the patient again within 14 days, by 2026-12-16"
    )
    assert follow_up_words(Answer(), "fr") == ""


def test_a_withdrawn_answer_says_so_on_every_printed_page_and_comes_first(store: Store) -> None:
    """A withdrawn report printed as a valid one: page 1 said « réponse reçue », the conclusion came
    on page 2 after the request, and no page but one said not to apply it."""
    store.settings.set("site.requester", asdict(REQUESTER))
    case_id = answered_case(store)
    with_answer(store, case_id, report_status="entered-in-error")
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "c1", "Depuis quand la lésion a-t-elle changé ?", "")
    Outbox(store).queue_reply(case_id, "Depuis deux mois environ.", [], "c1")
    pages = pages_text(build_report(store, case_id, lang="fr").pdf)
    assert all("RÉPONSE À NE PAS APPLIQUER TELLE QUELLE" in page for page in pages)
    assert all("FORMATION : patient fictif" in page for page in pages), "a training workstation's paper says it"
    first = pages[0]
    assert first.index("Réponse de l'expert") < first.index("Compte rendu retiré") < first.index("La demande")
    assert first.index("exérèse conseillée") < first.index("Question posée")
    # Found by an outside run: « État : réponse reçue » and its deadline « revoir le patient sous 14
    # jours, avant le … » still printed as advice for an answer the expert withdrew.
    assert "réponse retirée par l'expert" in first and "réponse reçue" not in first
    assert "revoir le patient" not in first
    whole = " ".join(pages)
    assert "Questions de l'expert et réponses" in whole
    assert whole.index("Depuis quand la lésion a-t-elle changé ?") < whole.index("Depuis deux mois environ.")
    assert "Heures données à l'heure de ce poste (UTC" in first


def test_every_printed_page_says_whose_it_is_as_identity_vigilance_wants(store: Store) -> None:
    store.settings.set("site.requester", asdict(REQUESTER))
    qualified = Patient(
        family="MARTIN",
        given=["Paul"],
        birth_date="1950-02-03",
        sex="male",
        ins="150027512345691",
        identity_status="qualified",
    )
    case_id = answered_case(store, qualified)
    pages = pages_text(build_report(store, case_id, lang="fr").pdf)
    # A qualified identity by its INS traits (tests/app/test_qualified_traits_shown.py).
    assert all("MARTIN PAUL, né le 03/02/1950, masculin, INS 1 50 02 75 123 456 91" in page for page in pages)


def test_case_show_says_what_stands_against_the_answer_before_it_and_no_promise_once_kept(
    store: Store, capsys: pytest.CaptureFixture[str], teleavis_home: Path
) -> None:
    case_id = answered_case(store)
    with_answer(store, case_id, report_status="preliminary")
    with transaction(store.conn) as conn:
        store.set_due(conn, case_id, "2026-11-30T10:00:00+00:00")
    store.close()
    shown = run_inprocess(capsys, "case", "show", case_id)
    assert shown.code == 0
    out = shown.out
    assert out.index("ATTENTION :") < out.index("Réponse de l'expert")
    assert "Rendue par Hélène MOREAU, le 23/11/2026" in out
    assert "Conseil de suivi : revoir le patient sous 14 jours, avant le 07/12/2026." in out
    assert "promise" not in out


def test_a_reply_longer_than_a_page_is_printed_across_pages(store: Store) -> None:
    """Seen in review: one message of a page and more (a pasted report) in its table row stopped the
    whole PDF with a layout error."""
    case_id = answered_case(store)
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "c1", "Pouvez-vous préciser ?", "")
    long = "\n".join(f"Ligne {n} du compte rendu collé par l'infirmière, avec ses détails." for n in range(160))
    Outbox(store).queue_reply(case_id, long, [], "c1")
    pages = pages_text(build_report(store, case_id, lang="fr").pdf)
    whole = " ".join(pages)
    assert "Ligne 0 du compte rendu" in whole and "Ligne 159 du compte rendu" in whole


def test_a_long_identity_fits_beside_the_title_and_the_page_number() -> None:
    """Seen in review: a long name with its INS ran over the title, then past the page's edge, in the
    header and the footer: the INS's last digits were cut."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    from app.report_pdf import Furniture, draw_furniture, fonts

    drawn: list[tuple[float, float, float, str]] = []  # (line, left, right, text)

    class Recording(Canvas):  # type: ignore[misc]
        def drawString(self, x: float, y: float, text: str, *args: object, **kwargs: object) -> None:
            drawn.append((y, x, x + self.stringWidth(text, self._fontname, self._fontsize), text))

        def drawRightString(self, x: float, y: float, text: str, *args: object, **kwargs: object) -> None:
            drawn.append((y, x - self.stringWidth(text, self._fontname, self._fontsize), x, text))

    patient = (
        "DE LA TOUR D'AUVERGNE-LAURAGUAIS Marie-Thérèse Geneviève Élisabeth, née le 03/02/1950, féminin, "
        "INS 250027512345619"
    )
    furniture = Furniture(
        "Demande de télé-expertise", patient, "Dossier 7d11c691-e43b-4278-87bb-37bee120a7be", "page {n} / {total}"
    )
    width, height = A4
    draw_furniture(Recording(io.BytesIO(), pagesize=A4), furniture, fonts(), 1, 6, width, height)
    identity = [d for d in drawn if "INS 250027512345619" in d[3]]
    assert len(identity) == 2  # the header and the footer
    for line, _left, right, _text in identity:
        beside = [d for d in drawn if d[0] == line and d[3] != _text]  # the title (the page number is higher)
        assert (not beside or right < min(d[1] for d in beside)) and right <= width - 15 * mm
    # Too long for one line at a legible size, it is on two, whole: the names above the traits.
    assert sum(d[3] == "DE LA TOUR D'AUVERGNE-LAURAGUAIS Marie-Thérèse Geneviève Élisabeth" for d in drawn) == 2


def test_a_row_that_fits_on_a_page_is_never_split_across_two() -> None:
    """Found by an outside reading: a form row at the foot of a page was split for nothing, and its
    half lost the table's padding and rule. Only a row longer than half a page may be split."""
    from app.report import T, _grid, _styles
    from app.report_pdf import fonts

    f = fonts()
    styles, t = _styles(f), T("fr", f)
    short = _grid([("Antécédent familial de mélanome (parent, frère, sœur, enfant) ?", "Non")], t, styles)
    pasted = "\n".join(f"Ligne {n} du compte rendu collé." for n in range(160))
    long = _grid([("Réponse", pasted)], t, styles)
    assert (short.splitInRow, long.splitInRow) == (0, 1)


def test_a_case_is_marked_training_on_paper_by_where_it_was_sent_not_the_mode_of_the_moment(store: Store) -> None:
    """Found from outside: the mark went by the mode of the moment. A training case exported once a real
    platform was set bore none, its simulated conclusion beside a qualified identity; a real report
    exported while training mode was on bore « FORMATION » on every page."""
    store.settings.set("site.requester", asdict(REQUESTER))
    training = answered_case(store)  # queued and answered in training mode
    assert store.destination(training) == "training"
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    assert all("FORMATION : patient fictif" in page for page in pages_text(build_report(store, training).pdf))
    real = answered_case(store)  # queued for the real platform
    store.settings.set("training", "on")
    assert not any("FORMATION" in page for page in pages_text(build_report(store, real).pdf))


def test_a_case_made_in_training_and_held_back_from_the_real_platform_is_marked_on_paper(store: Store) -> None:
    """Found from outside: the paper's mark went by where the case was queued. A case made in training mode
    (a fictitious patient), queued for the real platform then held back, bore no « FORMATION » while the
    worklist and `case show` marked it as training. The paper says what they say; once the case is at the
    real platform, its answer is a real expert's and bears no mark."""
    from app.model import Case, CaseState, Consent

    store.settings.set("site.requester", asdict(REQUESTER))
    case = Case(
        patient=Patient(family="MARTIN", given=["Paul"], birth_date="1950-02-03"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Lésion pigmentée évolutive du dos : avis sur exérèse ?",
    )
    store.create_case(case, [])  # in training mode: no platform set
    store.settings.set("platform.url", "https://plateforme.example/fhir")
    store.queue(case.id)
    assert store.destination(case.id) == "platform"
    Outbox(store).withdraw(case.id)
    assert store.state(case.id) == CaseState.DRAFT and store.training_case(case.id)
    assert all("FORMATION : patient fictif" in page for page in pages_text(build_report(store, case.id).pdf))
    store.queue(case.id)  # confirmed a real patient, and it left
    for state in (CaseState.SENDING, CaseState.SENT):
        store.transition(case.id, state)
    assert not any("FORMATION" in page for page in pages_text(build_report(store, case.id).pdf))


def test_the_experts_files_are_printed_as_what_their_bytes_are_whatever_their_label(store: Store) -> None:
    """Found in review: the reader of each of the expert's files was chosen by the type the platform
    declared. A PNG labelled ``image/jpeg`` (kept as the picture it is) was embedded as a JPEG and stopped
    the whole printed report; a PDF labelled ``image/jpeg`` was said undisplayable, and a JPEG labelled
    ``application/pdf`` only referenced. Each is read as what its bytes are."""
    from PIL import Image
    from reportlab.pdfgen.canvas import Canvas

    written = io.BytesIO()
    page = Canvas(written)
    page.drawString(100, 700, "Compte rendu de l'expert")
    page.save()
    pdf = written.getvalue()
    photo = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "coffee-cup.jpg"
    out = io.BytesIO()
    with Image.open(photo) as picture:
        picture.convert("RGB").resize((300, 200)).save(out, "PNG")
        photo_size = picture.size
    png, jpeg = out.getvalue(), photo.read_bytes()
    blobs = [store.objects.put(data) for data in (png, pdf, jpeg)]
    files = [
        {"blob": blobs[0], "content_type": "image/jpeg", "title": "PNG dit JPEG"},
        {"blob": blobs[1], "content_type": "image/jpeg", "title": "PDF dit JPEG"},
        {"blob": blobs[2], "content_type": "application/pdf", "title": "JPEG dit PDF"},
    ]
    case_id = answered_case(store, answer=Answer(conclusion="Voir pièces jointes.", files=files, pdf_blobs=[blobs[2]]))

    report = build_report(store, case_id)

    assert (report.answer_images, report.answer_pages_appended, report.answer_pdfs_referenced) == (2, 1, 0)
    reader = PdfReader(io.BytesIO(report.pdf))
    sizes = sorted(image.image.size for page in reader.pages for image in page.images if image.image is not None)
    assert (300, 200) in sizes and photo_size in sizes
    texts = pages_text(report.pdf)
    assert "Compte rendu de l'expert" in texts[-1]  # the PDF's page, appended
    assert not [text for text in texts if "ne peut pas être affichée" in text]


def test_the_experts_photo_is_printed_upright(store: Store) -> None:
    """Found trying a case answered with a phone's photo: its JPEG was embedded as stored, and a PDF draws
    the pixels as stored, not as the EXIF orientation says (the window now shows it upright): the photo
    was printed lying on its side."""
    sideways = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "orientation_landscape_6.jpg"
    blob = store.objects.put(sideways.read_bytes())
    files = [{"blob": blob, "content_type": "image/jpeg", "title": "Lésion"}]
    case_id = answered_case(store, answer=Answer(conclusion="Voir la photo.", files=files))

    report = build_report(store, case_id)

    assert report.answer_images == 1
    reader = PdfReader(io.BytesIO(report.pdf))
    sizes = [image.image.size for page in reader.pages for image in page.images if image.image is not None]
    assert sizes == [(600, 450)]  # stored 450 x 600 with « turn 90° »


def test_a_reply_that_never_reached_the_expert_is_not_printed_as_one_that_did(store: Store) -> None:
    """Found from outside: the case's PDF, filed in the patient's record, printed a reply the platform
    refused (and one still waiting to leave) as the requester's answer to the expert's question, with
    nothing to tell them from one the expert read."""
    store.settings.set("site.requester", asdict(REQUESTER))
    case_id = answered_case(store)
    outbox = Outbox(store)
    with transaction(store.conn) as conn:
        outbox.add_expert_message(conn, case_id, "c1", "Depuis quand la lésion a-t-elle changé ?", "")
    refused = outbox.queue_reply(case_id, "Depuis deux mois environ.", [], "c1")
    outbox.reply_refused(case_id, refused, "La plateforme refuse la réponse à l'expert (422).")
    sent = outbox.queue_reply(case_id, "Depuis deux mois, elle a doublé.", [], "c1")
    outbox.reply_sent(case_id, sent, "r2")
    outbox.queue_reply(case_id, "Elle saigne aussi.", [], "c1")
    whole = " ".join(pages_text(build_report(store, case_id, lang="fr").pdf))
    start = whole.index("Questions de l'expert et réponses")
    first, second, third = (
        whole.index(words, start)
        for words in ("Depuis deux mois environ.", "Depuis deux mois, elle a doublé.", "Elle saigne aussi.")
    )
    assert "non envoyée" in whole[start:first] and "non envoyée" not in whole[first:third]
    assert "pas encore envoyée" in whole[second:third] and "pas encore" not in whole[start:second]
    english = " ".join(pages_text(build_report(store, case_id, lang="en").pdf))
    assert "(reply not sent: the expert did not receive it)" in english and "(reply not sent yet" in english


def test_a_follow_up_of_zero_days_says_to_see_the_patient_without_delay(paris: None) -> None:
    """The contract: the expert's valueDuration says how soon the patient must be seen in person, its
    absence that no in-person visit is needed. « 0 d » (seen at once) was read and kept, then written as no
    advice at all, in the window, case show and the PDF: the most urgent advice read as none needed."""
    from sync.follow import follow_up_days

    issued = "2026-12-02T10:15:00+01:00"
    days = follow_up_days({"value": 0, "unit": "d", "system": "http://unitsofmeasure.org", "code": "d"})
    assert days == 0
    assert follow_up_words(Answer(follow_up_days=days, issued=issued), "fr") == "revoir le patient sans attendre"
    assert follow_up_words(Answer(follow_up_days=days, issued=issued), "en") == "see the patient again without delay"
    assert follow_up_words(Answer(follow_up_days=0.0, issued="not a date"), "fr") == "revoir le patient sans attendre"
    # Under an hour and a half: one hour, said in the singular.
    assert follow_up_words(Answer(follow_up_days=1 / 24, issued=issued), "fr") == (
        "revoir le patient sous 1 heure, avant le 02/12/2026 11:15"
    )
