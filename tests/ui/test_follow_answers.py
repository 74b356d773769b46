"""The window shows every shape of answer a platform sends (issue 15.5): several files, no PDF, what
could not be read, an amended report, a refusal or cancellation by the platform; and a notification
never carries the platform's words (issue 13.11)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app.model import CaseImage, CaseState
from app.store import NewImage, Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from sync.sandbox import SandboxServer
from sync.sandbox.shapes import AnswerShape
from tests.support.french import fr_spaced
from tests.support.ui import sent_case, shown
from tests.sync.recording_server import RecordingServer, recording_server
from tests.sync.sync_helpers import make_case

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "answers"


def answer_shape(name: str, **overrides: Any) -> AnswerShape:
    shapes = json.loads((FIXTURES / "answer-shapes.json").read_text(encoding="utf-8"))
    return AnswerShape.from_dict({**shapes[name], **overrides})


@pytest.fixture
def answered(store: Store, tmp_path: Path) -> Iterator[tuple[dict[str, str], RecordingServer]]:
    """One case per shape, answered through a sandbox platform in that shape."""
    names = ["several-files", "no-pdf", "foreign-url", "amended", "rejected", "cancelled"]
    with (
        recording_server() as foreign,
        SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=2) as sandbox,
        PlatformClient(
            ClientConfig(sandbox.base_url, 2.0, 10.0), StaticToken(None), policy=RetryPolicy(base_s=0.02, cap_s=0.2)
        ) as client,
    ):
        ids = {name: make_case(store, seed=n) for n, name in enumerate(names)}
        for name, case_id in ids.items():
            sandbox.expert.shapes[case_id] = answer_shape(name, foreign_base=foreign.base_url)
        engine = Engine(store, client, case_budget_s=10.0)
        engine.run_once()
        sandbox.expert.run_until_idle()
        engine.run_once()
        sandbox.expert.amend(ids["amended"])
        engine.run_once()
        assert foreign.requests == []
        yield ids, foreign


def test_the_answer_column_cannot_be_folded_away(
    qtbot: Any, store: Store, answered: tuple[dict[str, str], RecordingServer]
) -> None:
    """Found from outside: dragged to nothing, the answer column hid the conclusion (and a withdrawal's
    warning) for every case of the session, while an answer on screen still counted as seen."""
    ids, _ = answered
    view = shown(qtbot, store, ids["several-files"])
    view.resize(1000, 700)
    view.split.setSizes([0, 1000])
    assert view.answer_box.width() >= 200 and not view.answer_box.visibleRegion().isEmpty()


def test_each_shape_of_answer_shows_in_the_case_page(
    qtbot: Any, store: Store, answered: tuple[dict[str, str], RecordingServer]
) -> None:
    ids, _ = answered
    view = shown(qtbot, store, ids["several-files"])
    assert view.answer_box.isVisible() and view.conclusion.text() == store.answer(ids["several-files"]).conclusion
    assert view.expert_images.isVisible() and view.expert_images.count() == 2
    assert [view.expert_images.item(n).text() for n in range(2)] == ["Photo annotée 1", "Photo annotée 2"]
    assert not view.expert_images.item(0).icon().isNull()
    assert view.open_pdf.isEnabled() and view.pdf_document.pageCount() >= 1
    assert not view.missing.isVisible() and not view.amended.isVisible() and not view.status_warning.isVisible()
    assert not view.earlier.isVisible()
    assert view.conclusion.objectName() == "answerBanner"

    view = shown(qtbot, store, ids["no-pdf"])
    assert view.conclusion.text() == store.answer(ids["no-pdf"]).conclusion
    assert not view.open_pdf.isEnabled() and not view.pdf_view.isVisible()
    assert not view.missing.isVisible() and not view.expert_images.isVisible()

    view = shown(qtbot, store, ids["foreign-url"])
    assert view.missing.isVisible()
    assert "Compte rendu non récupérable : adresse hors plateforme" in view.missing.text()
    assert view.conclusion.text() and not view.open_pdf.isEnabled()

    view = shown(qtbot, store, ids["amended"])
    assert view.amended.isVisible() and "modifiée" in view.amended.text()
    assert view.conclusion.text().startswith("Compte rendu modifié")
    # The version it replaced, which the requester may have acted on, is still there to read.
    assert view.earlier.isVisible() and view.earlier.text().startswith("Version précédente (")

    for name, state in (("rejected", CaseState.REJECTED), ("cancelled", CaseState.CANCELLED)):
        view = shown(qtbot, store, ids[name])
        assert store.state(ids[name]) == state
        assert not view.answer_box.isVisible()
        assert (
            fr_spaced("Motif donné par la plateforme, dans ses propres mots : « WORDS »").replace(
                "WORDS", answer_shape(name).reason
            )
            in view.detail.text()
        )
        assert view.state.text().lower().endswith(("refusé", "annulé"))


def test_the_amended_answer_is_unread_again_in_the_list(
    qtbot: Any, store: Store, answered: tuple[dict[str, str], RecordingServer]
) -> None:
    ids, _ = answered
    assert store.platform_info(ids["amended"])["unread"] == 1
    assert [e["kind"] for e in store.history(ids["amended"])].count("amended") == 1


def test_a_notification_never_says_the_platforms_words(qtbot: Any, window: Any, store: Store) -> None:
    secret = "Refus : Mme ZORGLUB suivie ailleurs"
    for state in ("needs-attention", "rejected", "cancelled"):
        window.sync.case_state.emit("0123456789abcdef", state, secret)
        qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
        title, text = window.notifier.shown.pop()
        assert (title, text) == ("Teleavis", "Le dossier 01234567 demande votre attention.")  # its id, never words
    window.sync.case_state.emit("0123456789abcdef", "answered", "amended")
    qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
    assert window.notifier.shown.pop() == (
        "Réponse de l'expert modifiée",
        "La réponse du dossier 01234567 a été modifiée par l'expert.",
    )
    window.sync.case_state.emit("0123456789abcdef", "answered", "completed")
    qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
    assert window.notifier.shown.pop() == (
        "Compte rendu de l'expert reçu",
        "Le compte rendu qui manquait au dossier 01234567 est arrivé.",
    )
    for state, detail, said in (
        ("answered", "withdrawn", ("Réponse de l'expert retirée", "La réponse du dossier 01234567 a été retirée")),
        ("in-progress", "reopened", ("Dossier repris par l'expert", "L'expert a repris le dossier 01234567")),
    ):
        window.sync.case_state.emit("0123456789abcdef", state, detail)
        qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
        title, text = window.notifier.shown.pop()
        assert title == said[0] and text.startswith(said[1])


def test_a_new_user_in_training_gets_a_question_and_tries_the_reply_loop(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    import uuid

    from PySide6.QtCore import Qt

    from app.casefile import parse_case, read_json_file
    from app.commands.cases import load_images
    from sync.sandbox.shapes import asks_question
    from tests.support.cases import example_case
    from tests.support.ui import activate, open_from_list, type_text
    from ui.main_window import MainWindow

    store.settings.set("sandbox.question_rate", 0.25)  # what a new installation has
    path = example_case(tmp_path / "case")
    parsed = parse_case(read_json_file(path), tmp_path / "case")
    parsed.case.id = next(c for c in (str(uuid.uuid4()) for _ in range(1000)) if asks_question(c, 0.25))
    case_id = store.create_case(parsed.case, load_images(parsed.images, parsed.case.specialty, parsed.case))
    window = MainWindow(store)
    qtbot.addWidget(window)
    activate(qtbot, window)
    window.start()
    open_from_list(qtbot, window, case_id)
    page = window.case_page
    qtbot.keyClick(page.editor.question, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ON_HOLD, timeout=60_000)
    qtbot.waitUntil(lambda: any(title == "Question de l'expert" for title, _ in window.notifier.shown), timeout=60_000)
    follow = page.follow
    qtbot.waitUntil(lambda: follow.question_box.isVisible() and follow.send_reply.isEnabled(), timeout=60_000)
    assert follow.conversation.count() == 1 and "?" in follow.conversation.item(0).text()
    # Who asked and when, as on paper (the question had neither).
    assert re.match(fr_spaced(r"Expert, \d\d/\d\d/\d{4} \d\d:\d\d : "), follow.conversation.item(0).text())
    follow.reply.setFocus()
    type_text(follow.reply, "Voici les précisions demandées.")
    qtbot.mouseClick(follow.send_reply, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: store.state(case_id) == CaseState.ANSWERED, timeout=60_000)
    qtbot.waitUntil(lambda: follow.answer_box.isVisible() and bool(follow.conclusion.text()), timeout=60_000)
    assert follow.conversation.count() == 2
    # Found by an outside run: « elle part avec la prochaine synchronisation » stayed under the answer.
    assert follow.reply_saved.text() == ""
    window.shutdown()


def test_a_withdrawn_report_is_said_before_its_conclusion_and_in_the_colour_of_a_problem(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    from tests.support.scripted_platform import following, report, scripted_platform, send_to_sandbox, task

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("w",))
        platform.reports["w"] = report("w", "Exérèse sous un mois.")
        with following(store, platform) as engine:
            engine.run_once()
            platform.reports["w"] = report("w", "Exérèse sous un mois.", status="entered-in-error", version="2")
            engine.run_once()
    view = shown(qtbot, store, case_id)
    assert view.status_warning.isVisible()
    assert view.status_warning.text() == "Compte rendu retiré par l'expert : n'en tenez pas compte."
    layout = view.answer_box.layout()
    assert layout.indexOf(view.status_warning) < layout.indexOf(view.conclusion)  # read before the conclusion
    assert view.conclusion.objectName() == "attentionBanner" and view.amended.isVisible()
    # Found by an outside run: « État : réponse reçue », and its follow-up still given as advice.
    assert view.state.text() == fr_spaced("État : réponse retirée par l'expert")
    assert not view.follow_up.isVisible()


def test_an_answer_whose_request_the_platform_withdrew_says_not_to_rely_on_it(qtbot: Any, store: Store) -> None:
    from app.model import CaseState
    from tests.support.ui import answered_case

    case_id = answered_case(store)
    store.transition(case_id, CaseState.CANCELLED)
    view = shown(qtbot, store, case_id)
    assert view.status_warning.isVisible() and "ne vous y fiez pas" in view.status_warning.text()
    assert view.conclusion.objectName() == "attentionBanner"


def test_an_answer_the_expert_took_back_says_it_may_change(qtbot: Any, store: Store) -> None:
    from app.model import CaseState
    from tests.support.ui import answered_case

    case_id = answered_case(store)
    store.transition(case_id, CaseState.IN_PROGRESS)
    view = shown(qtbot, store, case_id)
    assert view.status_warning.isVisible() and "peut encore changer" in view.status_warning.text()


def test_an_answer_the_platform_took_back_says_so_and_is_not_shown_as_current(qtbot: Any, store: Store) -> None:
    """Reassigned to another expert after its answer (sync/follow.py): the answer box says the platform
    took it back, in the colour of a problem, before the conclusion; the window's notification says it."""
    from dataclasses import replace

    from app.db import transaction
    from app.model import AnswerNews, CaseState
    from tests.support.ui import answered_case
    from ui.main_window import MainWindow

    case_id = answered_case(store)
    known = store.answer(case_id)
    assert known is not None
    with transaction(store.conn) as conn:
        store.set_answer(conn, case_id, replace(known, platform_withdrawn=True))
    store.transition(case_id, CaseState.ACCEPTED)
    view = shown(qtbot, store, case_id)
    assert view.status_warning.isVisible()
    assert view.status_warning.text() == (
        "La plateforme a retiré cette réponse (demande réattribuée à un autre expert) : attendez la nouvelle réponse."
    )
    assert view.conclusion.objectName() == "attentionBanner"
    window = MainWindow(store)
    qtbot.addWidget(window)
    window._case_state(case_id, CaseState.ACCEPTED.value, AnswerNews.WITHDRAWN)
    assert window.notifier.shown[-1] == (
        "Réponse retirée par la plateforme",
        fr_spaced(f"La plateforme a retiré la réponse du dossier {case_id[:8]} : attendez la nouvelle réponse."),
    )
    window.shutdown()


def test_the_reply_picker_offers_what_the_import_takes(qtbot: Any, store: Store, monkeypatch: Any) -> None:
    """Found from outside: a Nokia's .heif and a DICOM without extension could not be picked for a
    reply (no *.heif, no « Tous les fichiers »), though the case's own import takes them."""
    import ui.follow_view as follow_view
    from tests.support.ui import answered_case

    asked: list[str] = []
    monkeypatch.setattr(follow_view, "open_images", lambda _parent, _title, filters: asked.append(filters) or [])
    view = shown(qtbot, store, answered_case(store))
    view._pick_images()
    assert "*.heif" in asked[0] and "*.dcm" in asked[0] and "Tous les fichiers (*)" in asked[0]


def test_a_reply_begun_in_one_case_never_goes_into_another_patients(
    qtbot: Any, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found by an outside run: a reply typed in GARNIER's case and not sent was still in DUPONT's box,
    ready to go to DUPONT's expert; and « Réponse enregistrée » followed into cases never replied to."""
    from PySide6.QtCore import Qt

    from app.model import CaseImage
    from app.outbox import Outbox
    from app.store import NewImage
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import type_text
    from tests.sync.sync_helpers import jpeg
    from ui import follow_view

    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    view = shown(qtbot, store, first)
    assert view.send_reply.isEnabled()
    type_text(view.reply, "Depuis trois semaines.")
    # Images still being prepared when the user opens another case stay with the case they were for.
    pending: list[Any] = []
    monkeypatch.setattr(follow_view, "run_task", lambda work, done, failed: pending.append(done))
    view.add_reply_files([Path("photo.jpg")])
    view.set_case(store.get_case(second))
    assert view.reply.toPlainText() == "" and view.reply_images.text() == ""
    made = NewImage(CaseImage(content_type="image/jpeg", width=64, height=48), jpeg(seed=77), None)
    pending[0]([("photo.jpg", made)])  # what the worker made, delivered after the switch
    assert view.reply_images.text() == ""
    type_text(view.reply, "Stable.")
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    assert "réponse à l'expert est enregistrée" in view.reply_saved.text()
    assert view.reply_saved.objectName() == "fieldHint"
    assert [m.text for m in Outbox(store).messages(second) if m.direction != "from-expert"] == ["Stable."]
    view.set_case(store.get_case(first))
    assert view.reply.toPlainText() == "Depuis trois semaines.", "each case keeps its own reply"
    # The French catalogue's plural once a test before has installed it, the source's words before.
    assert view.reply_images.text().splitlines()[0] in ("1 image jointe", "1 image(s) jointe(s)")
    assert view.reply_saved.text() == "" and view.reply_problem.text() == ""
    assert [m.text for m in Outbox(store).messages(first) if m.direction != "from-expert"] == []


def test_images_joined_to_a_reply_are_checked_as_an_import_and_can_be_taken_back(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found by a nurse's pass: a photo from another patient's case, or one already in this case, was
    joined to a reply and sent to the expert as this patient's, unchecked; nothing said what the check
    found; and a wrong image could not be taken back before sending."""
    from PIL import ImageFilter
    from PySide6.QtCore import Qt

    from app.model import Case, Consent, Patient
    from app.outbox import Outbox
    from capture.pipeline import prepare_image_file
    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import type_text

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    photos = tmp_path / "photos"
    photos.mkdir()
    other_patients = photos / "BERNARD.jpg"
    other_patients.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=31), quality=92))
    near = photos / "vue-rapprochée.jpg"
    near.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=32), quality=92))
    blurred = photos / "floue.jpg"
    blurred.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=33).filter(ImageFilter.GaussianBlur(30)), quality=92))
    other = Case(
        patient=Patient(family="BERNARD", given=["Luc"], birth_date="1961-07-08", sex="male"),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
    )
    prepared = prepare_image_file(other_patients, specialty="dermatology")
    stored = NewImage(
        CaseImage(content_type=prepared.content_type, width=prepared.width, height=prepared.height),
        prepared.data,
        prepared.thumbnail,
        prepared.source_sha1,
    )
    other_id = store.create_case(other, [stored])

    view = shown(qtbot, store, case_id)
    view.add_reply_files([other_patients, near, near])
    problem = view.reply_problem.text()
    assert f"« BERNARD.jpg » est déjà dans le dossier {other_id[:8]} d'un autre patient" in problem
    assert fr_spaced("« vue-rapprochée.jpg » est déjà jointe à cette réponse") in problem
    assert (
        len(view._reply_images) == 1
        and view.reply_images.text().splitlines()[1] == "1. vue-rapprochée.jpg — bonne qualité"
    )
    # Unusable (✗), as a case's photo it would block the sending: it is not joined, and says why.
    view.add_reply_files([blurred])
    assert len(view._reply_images) == 1
    assert view.reply_problem.text().startswith(fr_spaced("« floue.jpg » n'est pas jointe : "))

    # Taken back before sending: the text goes alone.
    assert view.drop_images.isVisible()
    qtbot.mouseClick(view.drop_images, Qt.MouseButton.LeftButton)
    assert view._reply_images == [] and view.reply_images.text() == "" and not view.drop_images.isVisible()
    type_text(view.reply, "Depuis trois semaines.")
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    (reply,) = [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"]
    assert reply.image_ids == []
    assert [image.id for image in store.get_case(other_id).images] == [stored.record.id]


def test_printing_never_writes_the_letter_to_a_file(qtbot: Any, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by a nurse's pass: with no printer installed, « Imprimer… » offered only Qt's « Imprimer dans
    un fichier », print.pdf in the home folder: the expert's letter and the patient's identity, in clear."""
    from PySide6.QtCore import QTimer
    from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinterInfo
    from PySide6.QtWidgets import QApplication, QMessageBox

    from tests.support.ui import answered_case

    case_id = answered_case(store)
    view = shown(qtbot, store, case_id)
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: []))
    # No printer: said calmly, with the way to a file at hand (the case's PDF report, the expert's letter
    # in it, where she chooses), not a button to find elsewhere on the page. Closed, nothing is written.
    for choice, asked in (("Fermer", []), ("Enregistrer le PDF…", [case_id])):
        said: list[str] = []
        exported: list[str] = []
        view.export_pdf.connect(exported.append)

        def answer(choice: str = choice, said: list[str] = said) -> None:
            box = QApplication.activeModalWidget()
            assert isinstance(box, QMessageBox)
            said.append(box.text())
            buttons = [b for b in box.buttons() if b.text() == choice]
            (buttons[0] if buttons else box.button(QMessageBox.StandardButton.Ok) or box).click()

        QTimer.singleShot(0, answer)
        view._print()
        view.export_pdf.disconnect(exported.append)
        assert len(said) == 1 and said[0].startswith("Aucune imprimante n'est installée sur cet ordinateur")
        assert "Rapport PDF du dossier" not in said[0]
        assert exported == asked

    to_file: list[bool] = []
    monkeypatch.setattr(QPrinterInfo, "availablePrinters", staticmethod(lambda: [QPrinterInfo()]))
    monkeypatch.setattr(
        QPrintDialog,
        "exec",
        lambda dialog: to_file.append(dialog.testOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile)) or 0,
    )
    view._print()
    assert to_file == [False]


def test_a_reply_begun_is_kept_sealed_through_a_crash_and_goes_once_sent(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """A nurse's pass: a reply to the expert typed and not sent lived in the window only; a crash or a
    power cut lost it, where every field of the case is saved as it is typed."""
    from PySide6.QtCore import Qt

    from app import reply_drafts
    from app.outbox import Outbox
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import type_text

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    words = "Depuis trois semaines, ça gratte la nuit."
    view = shown(qtbot, store, case_id)
    type_text(view.reply, words)
    qtbot.waitUntil(lambda: reply_drafts.load(store, case_id) == words, timeout=10_000)
    (raw,) = store.conn.execute("SELECT value FROM settings WHERE key = ?", (reply_drafts.SETTING,)).fetchone()
    assert b"gratte" not in bytes(raw) and "gratte" not in str(raw), "kept sealed"

    # The process stops here, nothing closed: the next window finds the words again.
    again = shown(qtbot, store, case_id)
    assert again.reply.toPlainText() == words
    qtbot.mouseClick(again.send_reply, Qt.MouseButton.LeftButton)
    assert [m.text for m in Outbox(store).messages(case_id) if m.direction != "from-expert"] == [words]
    assert reply_drafts.load(store, case_id) == "", "sent: nothing kept"
    third = shown(qtbot, store, case_id)
    assert third.reply.toPlainText() == ""


def test_a_reply_typed_without_a_pause_is_kept_while_it_is_typed(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """The reply was kept a moment after the last key only: typed on steadily, it was never kept, and a
    crash lost all of it. Kept at least every few seconds too."""
    from PySide6.QtCore import QElapsedTimer

    from app import reply_drafts
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import type_text
    from ui.fields import SAVE_AT_LEAST_EVERY_MS
    from ui.follow_view import DRAFT_DELAY_MS

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    words = "HbA1c à 8,1 % le 2 novembre ; un nouveau cliché de l'œil droit est joint à cette réponse."
    view = shown(qtbot, store, case_id)
    clock = QElapsedTimer()
    clock.start()
    typed = 0
    while clock.elapsed() < SAVE_AT_LEAST_EVERY_MS + 600:  # a key every 150 ms, never the pause
        type_text(view.reply, words[typed])
        typed += 1
        qtbot.wait(min(150, DRAFT_DELAY_MS // 3))
    kept = reply_drafts.load(store, case_id)
    assert kept, "nothing of the reply was kept while it was typed"
    assert words[:typed].startswith(kept)


def test_a_sent_case_shows_what_was_asked_and_sent(qtbot: Any, store: Store, tmp_path: Path) -> None:
    """A nurse's pass: once sent, the case showed its state and history only; when the expert asked for
    more, the question and the summary sent could not be read again without making a PDF."""
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    case = store.get_case(case_id)
    view = shown(qtbot, store, case_id)
    assert view.request_box.isVisibleTo(view)
    lines = view.request.text().splitlines()
    assert lines[0] == fr_spaced("Question : ") + case.question.strip()
    assert lines[1] == fr_spaced("Résumé clinique : ") + case.summary.strip()
    assert lines[2].startswith(fr_spaced(f"Images ({len(case.images)}) : 1. ")) and len(case.images) >= 1


def test_an_image_refused_for_a_reply_left_meanwhile_is_said_in_that_case_on_coming_back(
    qtbot: Any, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From the review: the check came back after the nurse had opened another case, and its refusal
    (« déjà dans ce dossier ») was dropped: on coming back, nothing said why an image was missing."""
    from PySide6.QtCore import Qt

    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.scripted_platform import on_hold_with_a_question
    from ui import follow_view

    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    photo = tmp_path / "vue.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=41), quality=92))
    view = shown(qtbot, store, first)
    pending: list[Any] = []
    monkeypatch.setattr(follow_view, "run_task", lambda work, done, failed: pending.append((work, done)))
    view.add_reply_files([photo, photo])
    view.set_case(store.get_case(second))
    work, done = pending[0]
    done(work())  # the check's answer, after the switch
    assert view.reply_problem.text() == "" and view.reply_images.text() == ""
    view.set_case(store.get_case(first))
    assert fr_spaced("« vue.jpg » est déjà jointe à cette réponse") in view.reply_problem.text()
    assert view.reply_images.text().splitlines()[1] == "1. vue.jpg — bonne qualité"
    qtbot.mouseClick(view.drop_images, Qt.MouseButton.LeftButton)
    assert view.reply_problem.text() == "" and view._reply_names == {}


@pytest.mark.parametrize("specialty", ["ophthalmology", "dermatology"])
def test_each_image_joined_to_a_reply_says_where_it_was_taken_before_it_goes(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None, specialty: str
) -> None:
    """Found from outside (a conformance pass): a retinograph joined to a reply went to the expert without
    its eye (a JPEG says none), a photo without its body site; nothing in the reply could say them."""
    from PySide6.QtCore import Qt

    from app.outbox import Outbox
    from capture.demo import fundus_scene
    from tests.support.images import jpeg_bytes, skin_photo
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.support.ui import type_text

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1, specialty)
    photo = tmp_path / "nouvelle.jpg"
    if specialty == "ophthalmology":
        from PIL import Image

        photo.write_bytes(jpeg_bytes(Image.fromarray(fundus_scene(2000, 1500, seed=5, eye="left")), quality=92))
    else:
        photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=41), quality=92))
    view = shown(qtbot, store, case_id)
    view.add_reply_files([photo])
    assert len(view._reply_images) == 1, view.reply_problem.text()
    assert view.reply_places.isVisible()
    [field] = view.reply_places.fields
    type_text(view.reply, "Voici la photo demandée.")

    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    said = view.reply_problem.text()
    assert said.startswith("Image 1 : indiquez " + ("l'œil" if specialty == "ophthalmology" else "la localisation"))
    assert "Rien n'est parti" in said
    assert [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"] == []
    assert len(view._reply_images) == 1  # kept, to be said

    if specialty == "ophthalmology":
        field.setCurrentIndex(field.findData("left"))
    else:
        assert field.completer().model().data(field.completer().model().index(0, 0)) == "dos"  # the case's site
        field.setText("dos")  # (typed, the offered sites pop up: offscreen Qt warns it cannot raise them)
    # Said where it was taken, the image is no longer said to be missing it (it was until the next send).
    assert view.reply_problem.text() == ""
    # Its view or field too (optional, as for a case's images): « voici la dermoscopie demandée ».
    [kind] = view.reply_places.views
    assert kind.currentData() == "" and kind.isVisible()
    asked = "macula" if specialty == "ophthalmology" else "dermoscopy"
    kind.setCurrentIndex(kind.findData(asked))
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    (reply,) = [m for m in Outbox(store).messages(case_id) if m.direction != "from-expert"]
    [sent] = [image for image in store.get_case(case_id).images if image.id in reply.image_ids]
    assert (sent.eye or "", sent.body_site) == (("left", "") if specialty == "ophthalmology" else ("", "dos"))
    assert sent.view == asked
    # The reply in the conversation shows the image that went with it, and what it shows: the nurse saw
    # her words only, and could not tell what she had sent.
    mine = view.conversation.item(view.conversation.count() - 1)
    assert mine.text().startswith("Vous") and "Voici la photo demandée." in mine.text()
    assert ("Œil gauche (OG)" if specialty == "ophthalmology" else "dos") in mine.text()
    qtbot.waitUntil(lambda: not view.conversation.item(view.conversation.count() - 1).icon().isNull())


def test_an_answer_arriving_while_the_case_is_open_is_shown_from_its_conclusion(qtbot: Any, store: Store) -> None:
    """Found from outside: the nurse sent her reply to the expert's question, the column scrolled down
    to it; the answer came while the case was open and landed above, out of view: « Expert : … » and
    the report showed, not the conclusion, and her next gesture marked it read."""
    from app.db import transaction
    from app.model import Answer

    case_id = sent_case(store, then=(CaseState.ACCEPTED,))
    view = shown(qtbot, store, case_id)
    view.resize(900, 260)
    qtbot.waitUntil(lambda: view.column.verticalScrollBar().maximum() > 0)
    bar = view.column.verticalScrollBar()
    bar.setValue(bar.maximum())  # down at the reply, the history

    with transaction(store.conn) as conn:
        store.set_answer(
            conn,
            case_id,
            Answer(
                conclusion="Lésion suspecte de carcinome basocellulaire superficiel : exérèse conseillée.",
                expert="Hélène MOREAU",
                issued="2026-11-23T10:00:00+01:00",
            ),
        )
        store.transition(case_id, CaseState.ANSWERED, conn=conn)
    view.refresh()

    qtbot.waitUntil(lambda: not view.conclusion.visibleRegion().isEmpty(), timeout=2000)
    assert bar.value() == 0
