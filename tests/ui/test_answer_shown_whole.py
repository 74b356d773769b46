"""The expert's answer is shown whole and as written (found from outside, audit of how answers are
shown): the platform's words never read as HTML, a long conclusion or question readable to its end,
every PDF of the report reachable, an attachment not shown here said."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.db import transaction
from app.model import Answer, CaseState
from app.store import Store
from tests.support.french import fr_spaced
from tests.support.ui import answered_case, shown

#: What an expert wrote (ECHO): a tag Qt knows, a drug name in angle brackets, a line break.
AS_WRITTEN = (
    "<b>Lésion suspecte</b> : exérèse rapide.\n"
    "Ne pas appliquer <Diprosone> sur la lésion avant l'exérèse.\n"
    "Emoji ⚠️🩺 ; hébreu שלום ; arabe مرحبا بكم ; fin."
)


def test_the_platforms_words_are_shown_as_written_never_as_html(qtbot: Any, store: Store) -> None:
    """Found from outside (F9): « Ne pas appliquer <Diprosone> sur la lésion » showed as « Ne pas appliquer
    sur la lésion », on one line: Qt took the conclusion for HTML."""
    from PySide6.QtWidgets import QLabel

    from app.answers import NOT_FOUND, missing_item

    answer = Answer(
        conclusion=AS_WRITTEN,
        expert="<i>Dr</i> MOREAU",
        issued="2026-11-23T10:00:00+01:00",
        amended=True,
        earlier=[{"conclusion": AS_WRITTEN, "expert": "<i>Dr</i> MOREAU", "issued": "2026-11-22T10:00:00+01:00"}],
        missing=[missing_item("<Lettre>", NOT_FOUND)],
    )
    case_id = answered_case(store, answer=answer)
    with transaction(store.conn) as conn:
        store.set_platform_words(conn, case_id, status_reason="<b>Doublon</b> <Dossier 12>")
    view = shown(qtbot, store, case_id)
    assert view.conclusion.text() == AS_WRITTEN
    assert AS_WRITTEN in view.earlier.text() and "<Diprosone>" in view.earlier.text()
    assert "<Dossier 12>" in view.detail.text() and "<Lettre>" in view.missing.text()
    for label in (view.conclusion, view.earlier, view.expert, view.detail, view.missing, view.follow_up):
        assert label.textFormat() == Qt.TextFormat.PlainText, label
    assert all(label.textFormat() == Qt.TextFormat.PlainText for label in view.findChildren(QLabel))


def test_a_refusal_in_the_platforms_words_is_shown_as_written(store: Store, window: Any) -> None:
    from app.outbox import Outbox
    from tests.sync.sync_helpers import make_case

    case_id = make_case(store)
    store.transition(case_id, CaseState.SENDING)
    Outbox(store).needs_attention(case_id, "le champ <birthDate> est absent.")
    window.open_case(case_id)
    page = window.case_page
    assert page.attention.isVisible() and "<birthDate>" in page.attention.text()
    assert page.attention.textFormat() == Qt.TextFormat.PlainText


#: A conclusion of a full page (ROMEO, about 4,500 characters), its decision on its last line.
LONG_CONCLUSION = (
    "Analyse détaillée des images : lésion pigmentée du dos, asymétrique, bords réguliers par endroits. " * 45
    + "\nCONCLUSION CORRIGEE : pas d'exérèse, simple surveillance à 6 mois."
)


def readable_to_the_end(qtbot: Any, label: Any) -> bool:
    """Whether ``label``'s last line can be brought on screen: the label is as tall as its words, and
    the scroll area it is in (if any) scrolls down to its bottom."""
    from PySide6.QtCore import QPoint
    from PySide6.QtWidgets import QApplication, QScrollArea

    if label.height() < label.heightForWidth(label.width()):
        return False  # cut: its last lines are never drawn
    bottom = QPoint(label.width() // 2, label.height() - 1)
    parent = label.parentWidget()
    while parent is not None:
        if isinstance(parent, QScrollArea) and parent.widget() is not None:
            at = label.mapTo(parent.widget(), bottom)
            parent.ensureVisible(at.x(), at.y(), 0, 0)
        parent = parent.parentWidget()
    QApplication.processEvents()
    return label.visibleRegion().contains(bottom)


def test_a_long_conclusion_and_the_version_it_replaced_are_readable_to_the_end(
    qtbot: Any, store: Store, window: Any
) -> None:
    """Found from outside (F2): a conclusion of a full page was cut at 113 px at 1280×720, its decision
    on the last line never on screen, nothing to scroll; « Version précédente… » was cut the same way;
    and opening the case marked it read."""
    answer = Answer(
        conclusion=LONG_CONCLUSION,
        expert="Hélène MOREAU",
        issued="2026-11-24T10:00:00+01:00",
        amended=True,
        earlier=[
            {
                "conclusion": "Première lecture : " + "lésion à surveiller, " * 60 + "EXERESE conseillée.",
                "expert": "Hélène MOREAU",
                "issued": "2026-11-23T10:00:00+01:00",
            }
        ],
    )
    case_id = answered_case(store, answer=answer)
    for width, height in ((1280, 720), (1366, 768)):
        window.resize(width, height)
        window.open_case(case_id)
        follow = window.case_page.follow
        qtbot.waitUntil(follow.conclusion.isVisible)
        assert follow.conclusion.text().endswith("simple surveillance à 6 mois.")
        assert readable_to_the_end(qtbot, follow.conclusion), (width, height)
        assert readable_to_the_end(qtbot, follow.earlier), (width, height)
        assert readable_to_the_end(qtbot, follow.expert), (width, height)


def asked(store: Store, text: str) -> str:
    """A case the expert put on hold with a question of ``text``."""
    from app.outbox import Outbox

    case_id = answered_case(store)
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "com-1", text, "2026-11-24T10:00:00+01:00")
        store.transition(case_id, CaseState.ON_HOLD, conn=conn)
    return case_id


def test_a_long_question_of_the_expert_is_readable_to_the_end(qtbot: Any, store: Store) -> None:
    """Found from outside (F3): a question of 4,500 characters was one item 896 px tall in a list 190 px
    high that scrolled by items: its last line, the question itself, was never on screen."""
    from PySide6.QtWidgets import QApplication

    question = (
        "## Contexte\n\n"
        + "- Les photos actuelles sont floues, merci de les reprendre à la lumière du jour.\n" * 60
        + "**QUESTION FINALE : le patient a-t-il des antécédents de mélanome chez ses parents ?**"
    )
    view = shown(qtbot, store, asked(store, question))
    view.resize(1280, 720)
    conversation = view.conversation
    qtbot.waitUntil(conversation.isVisible)
    QApplication.processEvents()
    item = conversation.item(0)
    assert item.text().endswith("chez ses parents ?**")
    viewport = conversation.viewport()
    assert conversation.visualItemRect(item).height() > viewport.height()  # longer than the list: it scrolls
    assert conversation.visualItemRect(item).width() <= viewport.width()  # wrapped, not cut on the right
    bar = conversation.verticalScrollBar()
    bar.setValue(bar.maximum())
    QApplication.processEvents()
    rect = conversation.visualItemRect(item)
    assert 0 <= rect.bottom() <= viewport.height(), "its last line is on screen"


def letter(conclusion: str) -> bytes:
    """An expert's letter as the training platform writes it (longer words, more pages)."""
    from datetime import date

    from sync.sandbox.letter import AnswerLetter, render_letter

    return render_letter(
        AnswerLetter(
            expert_name="Hélène MOREAU",
            expert_title="Dermatologue",
            patient_name="Paul MARTIN",
            patient_birth_date="03/02/1950",
            requester_name="Anne DURAND",
            specialty_label="Dermatologie",
            question="Lésion pigmentée évolutive du dos : avis sur exérèse ?",
            conclusion=conclusion,
            follow_up="Pas de consultation en présentiel nécessaire.",
            issued=date(2026, 11, 24),
        )
    )


def test_every_pdf_of_the_answer_can_be_shown_opened_and_printed(
    qtbot: Any, store: Store, tmp_path: Any, monkeypatch: Any
) -> None:
    """Found from outside (F12): with a « Compte rendu » and an « Ordonnance », the window showed, opened
    and printed the first PDF only; the prescription could not be reached."""
    from PySide6.QtCore import QUrl
    from PySide6.QtGui import QDesktopServices
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter, QPrinterInfo

    from app.report_pdf import pdf_page_count

    report = letter("Kératose actinique : traitement selon ordonnance jointe.")
    prescription = letter("Ordonnance : " + "Efudix crème, une application le soir pendant trois semaines. " * 80)
    assert pdf_page_count(report) == 1 and (pdf_page_count(prescription) or 0) > 1
    blobs = [store.objects.put(report), store.objects.put(prescription)]
    answer = Answer(
        conclusion="Kératose actinique : traitement selon ordonnance jointe.",
        expert="Hélène MOREAU",
        issued="2026-11-24T10:00:00+01:00",
        pdf_blobs=blobs,
        files=[
            {"blob": blobs[0], "content_type": "application/pdf", "title": "Compte rendu"},
            {"blob": blobs[1], "content_type": "application/pdf", "title": "Ordonnance"},
        ],
    )
    view = shown(qtbot, store, answered_case(store, answer=answer))
    assert view.pdf_choice.isVisible() and view.pdf_choice_words.isVisible()
    assert "2 documents PDF" in view.pdf_choice_words.text()
    assert [view.pdf_choice.itemText(n) for n in range(view.pdf_choice.count())] == [
        "1. Compte rendu",
        "2. Ordonnance",
    ]
    assert view.pdf_document.pageCount() == 1
    # Found by a nurse's pass: « Ouvrir le compte rendu » opened the prescription. With several PDFs the
    # buttons act on the one chosen, and say so.
    assert view.open_pdf.text() == "Ouvrir le document choisi"
    assert view.print_pdf.text() == "Imprimer le document choisi…"
    assert "compte rendu" not in view.outside_note.text()

    view.pdf_choice.setFocus()
    qtbot.keyClick(view.pdf_choice, Qt.Key.Key_Down)
    assert view.pdf_choice.currentText() == "2. Ordonnance"
    assert view.pdf_document.pageCount() == pdf_page_count(prescription)

    from pathlib import Path

    opened: list[bytes] = []
    monkeypatch.setattr(
        QDesktopServices,
        "openUrl",
        staticmethod(lambda url: opened.append(Path(QUrl(url).toLocalFile()).read_bytes()) or True),
    )
    qtbot.mouseClick(view.open_pdf, Qt.MouseButton.LeftButton)
    assert opened == [prescription]

    printed = tmp_path / "printed.pdf"

    class ToFile(QPrinter):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            self.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
            self.setOutputFileName(str(printed))

    import PySide6.QtPrintSupport as print_support

    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    monkeypatch.setattr(QPrintDialog, "exec", lambda _dialog: 1)
    monkeypatch.setattr(print_support, "QPrinter", ToFile)
    qtbot.mouseClick(view.print_pdf, Qt.MouseButton.LeftButton)
    assert pdf_page_count(printed.read_bytes()) == pdf_page_count(prescription)

    view.refresh()  # a sync shows the case again: the document chosen stays on screen
    assert view.pdf_choice.currentText() == "2. Ordonnance"


def test_a_single_pdf_needs_no_choice(qtbot: Any, store: Store) -> None:
    blob = store.objects.put(letter("Naevus bénin."))
    answer = Answer(conclusion="Naevus bénin.", pdf_blobs=[blob], files=[{"blob": blob, "title": "Compte rendu"}])
    view = shown(qtbot, store, answered_case(store, answer=answer))
    assert view.open_pdf.isEnabled() and view.pdf_document.pageCount() == 1
    assert not view.pdf_choice.isVisible() and not view.pdf_choice_words.isVisible()
    assert view.open_pdf.text() == "Ouvrir le compte rendu"
    assert view.print_pdf.text() == "Imprimer le compte rendu…"


def test_the_pdf_buttons_words_follow_the_answer_shown(qtbot: Any, store: Store) -> None:
    """From one case with two PDFs to one with a single report: the words follow the case shown."""
    first, second = store.objects.put(letter("Kératose actinique.")), store.objects.put(letter("Ordonnance."))
    two = Answer(conclusion="", pdf_blobs=[first, second], files=[{"blob": first}, {"blob": second}])
    view = shown(qtbot, store, answered_case(store, answer=two))
    assert view.open_pdf.text() == "Ouvrir le document choisi"
    assert view.conclusion.text() == fr_spaced("(pas de conclusion écrite : voir les documents joints)")
    one = store.objects.put(letter("Naevus bénin."))
    view.set_case(store.get_case(answered_case(store, answer=Answer(conclusion="", pdf_blobs=[one]))))
    assert view.open_pdf.text() == "Ouvrir le compte rendu"
    assert view.conclusion.text() == fr_spaced("(pas de conclusion écrite : voir le compte rendu)")


def test_a_report_part_the_window_cannot_show_is_said_by_its_title(qtbot: Any, store: Store, tmp_path: Any) -> None:
    """Found from outside (F13): a report's letter in HTML (« Lettre », the expert's decision in it) was
    kept, and the window showed « Voir lettre jointe. » with no PDF, no button, and nothing about it."""
    import base64

    from tests.support.scripted_platform import following, report, scripted_platform, send_to_sandbox, task

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    letter_words = "<p>Carcinome basocellulaire probable : exérèse avec marges de 4 mm.</p>"
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Voir lettre jointe.")
        platform.reports["r"]["presentedForm"] = [
            {"contentType": "text/html", "title": "Lettre", "data": base64.b64encode(letter_words.encode()).decode()},
            {"contentType": "application/msword", "data": base64.b64encode(b"\xd0\xcf\x11\xe0").decode()},
        ]
        with following(store, platform) as engine:
            engine.run_once()
    view = shown(qtbot, store, case_id)
    assert view.conclusion.text() == "Voir lettre jointe."
    assert view.unshown.isVisible()
    assert view.unshown.text().splitlines() == [
        # Their kind in words, not their MIME type (« text/html », « application/msword »).
        fr_spaced("Pièce jointe « Lettre » (page web) : Teleavis ne peut pas l'afficher, lisez-la sur la plateforme."),
        fr_spaced(
            "Pièce jointe sans titre (fichier Word) : Teleavis ne peut pas l'afficher, lisez-la sur la plateforme."
        ),
    ]


def test_an_attachment_beside_the_experts_words_is_said_by_its_title(qtbot: Any, store: Store, tmp_path: Any) -> None:
    """Found from outside (F11): « Merci de refaire les photos selon le protocole joint. » came with the
    protocol as a PDF; the window showed the sentence only, nothing said a protocol was attached."""
    from tests.support.scripted_platform import communication, following, scripted_platform, send_to_sandbox, task

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        asking = communication("q", task_id, "Merci de refaire les photos selon le protocole joint.")
        asking["payload"].append(
            {"contentAttachment": {"contentType": "application/pdf", "url": "Binary/proto", "title": "Protocole photo"}}
        )
        platform.communications[task_id] = [asking]
        with following(store, platform) as engine:
            engine.run_once()
    view = shown(qtbot, store, case_id)
    said = view.conversation.item(0).text()
    assert "Merci de refaire les photos selon le protocole joint." in said
    assert (
        "(L'expert a aussi joint «\u00a0Protocole photo\u00a0», qui ne peut pas être affiché ici\u00a0: "
        "consultez-le sur la "
        "plateforme.)" in said
    )


def test_the_experts_files_are_shown_as_what_their_bytes_are_whatever_their_label(qtbot: Any, store: Store) -> None:
    """Found in review: the window chose the reader of each file by the type the platform declared. A PDF
    labelled ``image/jpeg`` was a blank picture and no report to open or print; a photo labelled
    ``application/pdf`` an empty PDF viewer. Each is shown by what its bytes are."""
    from pathlib import Path

    photo = (Path(__file__).resolve().parents[1] / "fixtures" / "real" / "coffee-cup.jpg").read_bytes()
    pdf, jpeg = store.objects.put(letter("Naevus bénin : surveillance simple.")), store.objects.put(photo)
    answer = Answer(
        conclusion="Naevus bénin.",
        pdf_blobs=[jpeg],
        files=[
            {"blob": pdf, "content_type": "image/jpeg", "title": "Compte rendu"},
            {"blob": jpeg, "content_type": "application/pdf", "title": "Lésion annotée"},
        ],
    )
    view = shown(qtbot, store, answered_case(store, answer=answer))
    assert view.open_pdf.isEnabled() and view.pdf_document.pageCount() == 1
    assert not view.pdf_choice.isVisible()
    assert view.expert_images.count() == 1 and view.expert_images.item(0).text() == "Lésion annotée"
    assert not view.expert_images.item(0).icon().isNull()
    assert not view.unshown.isVisible()


def test_a_refresh_leaves_the_report_where_it_is_read_and_reads_no_file_again(qtbot: Any, store: Store) -> None:
    """Found trying a case answered with a report and three photos: every refresh of the page (each move
    of the case, each loss or return of the network) decrypted and decoded all of the expert's files again
    on the window's thread (0.4 s frozen) and reloaded the report, sending its reader back to page 1."""
    from PySide6.QtCore import QPointF

    from tests.support.images import jpeg_bytes, skin_photo

    report = letter("Ordonnance : " + "Efudix crème, une application le soir pendant trois semaines. " * 80)
    pdf = store.objects.put(report)
    photos = [store.objects.put(jpeg_bytes(skin_photo(1600, 1200, seed=n), quality=90)) for n in range(3)]
    answer = Answer(
        conclusion="Kératose actinique.",
        pdf_blobs=[pdf],
        files=[
            {"blob": pdf, "content_type": "application/pdf", "title": "Compte rendu"},
            *({"blob": blob, "content_type": "image/jpeg", "title": f"Photo {n}"} for n, blob in enumerate(photos)),
        ],
    )
    view = shown(qtbot, store, answered_case(store, answer=answer))
    view.resize(1000, 700)
    assert view.pdf_document.pageCount() > 1 and view.expert_images.count() == 3
    navigator = view.pdf_view.pageNavigator()
    navigator.jump(1, QPointF(0, 0))
    qtbot.waitUntil(lambda: view.pdf_view.verticalScrollBar().value() > 0)
    where = view.pdf_view.verticalScrollBar().value()
    read: list[str] = []
    get = store.objects.get

    def reading(blob: str) -> bytes:
        read.append(blob)
        return get(blob)

    store.objects.get = reading  # type: ignore[method-assign]
    for offline in (True, False):  # the network lost, then back (as the case page does): the report stays
        view.offline = offline
        view.refresh()
    assert read == []
    assert navigator.currentPage() == 1 and view.pdf_view.verticalScrollBar().value() == where
    assert view.expert_images.count() == 3

    amended = Answer(**{**answer.__dict__, "files": answer.files[:2], "conclusion": "Kératose actinique (corrigé)."})
    with transaction(store.conn) as conn:
        store.set_answer(conn, view.case.id, amended)
    view.refresh()  # a new version of the answer: its files are read and shown again
    assert view.expert_images.count() == 1 and set(read) == {pdf, photos[0]}


def test_the_experts_photos_are_shown_upright_and_their_icons_decoded_small(qtbot: Any, store: Store) -> None:
    """Found trying a case answered with a phone's photo: the expert's photos were drawn as stored, a
    photo with an EXIF orientation lying on its side, and each icon held the whole decoded photo (48 MB
    for 12 MP) to show 96 pixels."""
    from pathlib import Path

    from tests.support.images import jpeg_bytes, skin_photo
    from ui.image_tile import decode_picture

    sideways = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "orientation_landscape_6.jpg"
    big = jpeg_bytes(skin_photo(4000, 3000, seed=1), quality=90)
    blobs = [store.objects.put(sideways.read_bytes()), store.objects.put(big)]
    answer = Answer(
        conclusion="Naevus bénin.",
        files=[{"blob": blob, "content_type": "image/jpeg", "title": f"Photo {n}"} for n, blob in enumerate(blobs)],
    )
    view = shown(qtbot, store, answered_case(store, answer=answer))
    icons = [view.expert_images.item(n).icon() for n in range(2)]
    sizes = [icon.availableSizes()[0] for icon in icons]
    assert all(max(size.width(), size.height()) <= 96 for size in sizes)
    assert sizes[0].width() > sizes[0].height()  # stored 450 x 600 with « turn 90° »: a landscape photo
    assert sizes[1].width() / sizes[1].height() == pytest.approx(4 / 3, rel=0.02)
    upright = decode_picture(sideways.read_bytes())
    assert (upright.width(), upright.height()) == (600, 450)


def test_the_coded_diagnosis_label_is_said_in_the_language_of_the_window(qtbot: Any, store: Store) -> None:
    """The label before the codes' words (« Diagnostic codé : ») is kept in the language Teleavis had when the
    answer was read. Found in review: a nurse switching the window to English read « Diagnostic codé : » in an
    English screen (and the other way round), the conclusion half in one language, half in the other."""
    from app import i18n
    from app.answers import earlier_words

    text = "Lésion pigmentée du dos : exérèse.\n\nSecond avis."
    read_in_french = f"{text}\n\nDiagnostic codé\u00a0: 400010006 (SNOMED CT)"
    case_id = answered_case(store, answer=Answer(conclusion=read_in_french, expert="Dr MOREAU"))
    try:
        i18n.set_language("en")
        view = shown(qtbot, store, case_id)
        assert view.conclusion.text() == f"{text}\n\nCoded diagnosis: 400010006 (SNOMED CT)"
        i18n.set_language("fr")
        view.refresh()
        assert view.conclusion.text() == read_in_french
        read_in_english = f"{text}\n\nCoded diagnosis: Naevus bénin"
        english = answered_case(store, answer=Answer(conclusion=read_in_english, expert="Dr MOREAU"))
        view = shown(qtbot, store, english)
        assert view.conclusion.text() == f"{text}\n\nDiagnostic codé\u00a0: Naevus bénin"
        replaced = Answer(conclusion="Exérèse.", earlier=[{"conclusion": read_in_french, "expert": "Dr MOREAU"}])
        assert f"{text}\n\nCoded diagnosis: 400010006" in earlier_words(replaced, "en")[0]  # the version replaced
    finally:
        i18n.set_language(None)
