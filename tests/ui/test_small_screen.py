"""What a nurse reads and clicks on a 1366 × 768 laptop, in French and in English: the selected image's
actions in view without scrolling, words cut with « … » and said whole in their tooltip."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtWidgets import QLabel, QWidget

from app import forms
from app.model import Case, Consent, Patient
from app.store import Store
from tests.support.french import fr_spaced
from tests.ui import test_layout as layout_tests
from ui.capture_panel import CapturePanel
from ui.elided_label import ElidedLabel
from ui.main_window import MainWindow

#: A maximised window on a 1366 × 768 screen, under the title bar and the task bar.
SCREEN = (1366, 740)
#: The same screen at 150 % (Windows' display scaling): 911 × 512 to lay out, under the title bar.
SCALED_150 = (895, 472)

language = layout_tests.language


@pytest.fixture
def small_window(qtbot: Any, store: Store, sync_runner: None) -> Iterator[MainWindow]:
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    window.show()
    qtbot.waitExposed(window)
    yield window
    window.shutdown()


def open_case(qtbot: Any, window: MainWindow, store: Store, specialty: str, images: int = 2) -> CapturePanel:
    """A case of ``specialty`` with blurred images (long findings), opened, its first image selected."""
    case = Case(
        specialty=specialty,
        patient=Patient(family="LEROY", given=["Marc"], ins="15002851234560"),
        consent=Consent(given=True, recorded_by="Inf. Durand"),
        question="Avis ?",
    )
    store.create_case(case, [layout_tests.blurred_image(specialty) for _ in range(images)])
    window.open_case(case.id)
    page = window.case_page
    panel = page.capture.ensure()
    panel.select_image(page.case.images[0].id)
    qtbot.wait(200)
    return panel


def in_view(widget: QWidget, viewport: QWidget) -> bool:
    """Whether all of ``widget`` lies in ``viewport``'s visible rectangle."""
    return viewport.rect().contains(QRect(widget.mapTo(viewport, QPoint(0, 0)), widget.size()))


def whole_height_in_view(widget: QWidget, viewport: QWidget) -> bool:
    """Whether ``widget``'s top and bottom are in ``viewport`` (a strip scrolls sideways to its tiles)."""
    top = widget.mapTo(viewport, QPoint(0, 0)).y()
    return top >= 0 and top + widget.height() <= viewport.height()


@pytest.mark.parametrize("specialty", forms.FORM_SPECIALTIES)
def test_the_selected_images_actions_are_in_view_without_scrolling(
    qtbot: Any, small_window: MainWindow, store: Store, language: str, specialty: str
) -> None:
    panel = open_case(qtbot, small_window, store, specialty)
    labels = panel.labels
    column = panel.right_column
    assert column.verticalScrollBar().value() == 0
    actions = (
        labels.rotate_left_button,
        labels.rotate_right_button,
        labels.retake_button,
        labels.anonymise_button,
        labels.delete_button,
    )
    for button in actions:
        assert button.isVisible() and button.isEnabled(), button.text()
        assert in_view(button, column.viewport()), (
            f"«{button.text()}» at y={button.mapTo(column.viewport(), QPoint(0, 0)).y()} "
            f"in a {column.viewport().height()} px tall column"
        )


def shown(label: QLabel) -> str:
    """The words a label shows on screen (an eliding label paints fewer than its ``text()``)."""
    return str(getattr(label, "shown_text", label.text)())


def test_a_tiles_long_sentence_ends_with_an_ellipsis_and_is_whole_in_its_tooltip(
    qtbot: Any, small_window: MainWindow, store: Store, language: str
) -> None:
    panel = open_case(qtbot, small_window, store, "dermatology")
    case = panel.case()
    assert case is not None
    strip = panel.strip
    for image in case.images:
        tile = panel.tile(image.id)
        # The whole tile in the strip: nothing of it cut by the strip's lower edge.
        assert in_view(tile, strip.viewport()), (
            f"tile {tile.height()} px tall in a {strip.viewport().height()} px strip"
        )
        for label in (tile.sentence, tile.caption):
            assert label.height() >= label.heightForWidth(label.width())
        words = tile.sentence.text()
        metrics = tile.sentence.fontMetrics()
        # A verdict longer than two of the tile's lines (the blurred photo's) is cut with « … » …
        assert metrics.horizontalAdvance(words) > 2 * tile.sentence.width(), words
        assert shown(tile.sentence).endswith("…"), shown(tile.sentence)
        assert shown(tile.sentence).count("\n") == 1
        for line in shown(tile.sentence).split("\n"):
            assert metrics.horizontalAdvance(line) <= tile.sentence.contentsRect().width(), line
        # … and is whole in its tooltip, with the accessible name.
        assert words in tile.sentence.toolTip()
        assert words in tile.accessibleName()
    # A short one is shown whole, with no tooltip of its own.
    tile = panel.tile(case.images[0].id)
    tile.sentence.setText("Image de bonne qualité.")
    assert shown(tile.sentence) == "Image de bonne qualité." and not tile.sentence.toolTip()


@pytest.mark.parametrize("specialty", forms.FORM_SPECIALTIES)
def test_every_tile_is_whole_in_the_strip(
    qtbot: Any, small_window: MainWindow, store: Store, language: str, specialty: str
) -> None:
    # Four tiles are wider than the strip: its scroll bar takes some of the height too.
    panel = open_case(qtbot, small_window, store, specialty, images=4)
    case = panel.case()
    assert case is not None
    assert panel.strip.horizontalScrollBar().isVisible()
    for image in case.images:
        tile = panel.tile(image.id)
        assert whole_height_in_view(tile, panel.strip.viewport()), (
            f"tile {tile.height()} px tall in a {panel.strip.viewport().height()} px strip"
        )
        for label in (tile.sentence, tile.caption):
            assert label.height() >= label.heightForWidth(label.width()), label.text()


def test_a_new_photos_tile_is_whole_on_screen_in_training_mode(
    qtbot: Any, qapp: Any, store: Store, sync_runner: None
) -> None:
    """Found from outside at 1366 × 768: in training mode (its banner above the case, the case's own line)
    with the window's style, a new case's first photo had its tile cut by the lower edge of the panel's
    view, its caption under it: the camera's view kept its least height and the panel scrolled."""
    from tests.support.ui import activate
    from tests.ui.test_case_page import new_case
    from ui import resources
    from ui.application import set_style

    store.settings.set("training", "on")
    set_style(qapp)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    activate(qtbot, window)
    try:
        page = new_case(qtbot, window)
        panel = page.capture.ensure()
        qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=30_000)
        panel.capture_still()
        qtbot.waitUntil(lambda: len(panel.tiles()) == 1, timeout=30_000)
        qtbot.wait(300)  # laid out again as its thumbnail and words come
        assert window.banner.isVisible() and page.training_mark.isVisible()
        (tile,) = panel.tiles()
        shown_area = page.capture.scroll_area.viewport()
        assert whole_height_in_view(tile, shown_area), (
            f"tile at y={tile.mapTo(shown_area, QPoint(0, 0)).y()}, {tile.height()} px tall, "
            f"in {shown_area.height()} px"
        )
        assert whole_height_in_view(tile, panel.strip.viewport())
        page.capture.stop_camera()
    finally:
        window.shutdown()
        resources.use_style(False)


def test_words_are_cut_as_qt_cuts_them(qtbot: Any) -> None:
    """The labels cut their words without naming Qt.TextElideMode (it builds Qt's whole namespace, ~14.5 ms
    of the start): where Qt's own cut, at every width, and fractional scaling as Qt 6 leaves it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication

    from ui.elided_label import elided

    assert (
        QGuiApplication.highDpiScaleFactorRoundingPolicy() == Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
    )  # (ui.application no longer sets it)
    label = ElidedLabel()
    qtbot.addWidget(label)
    metrics = label.fontMetrics()
    for text in (
        "Plateforme d'essai sur cette machine",
        "Réponse de l'expert reçue — à lire",
        "Dossier 3f2a9c1e : Martin-Delacroix Paul-Alexandre (03/02/1950)",
        "Nettete\u0301 insuffisante : reprenez la photo",  # an accent as a mark of its own, kept with its letter
        "Netteté insuffisante, flou, fin",  # ligatures (ff, fl, fi) cut before, not within
        "x",
        "",
    ):
        for width in range(0, metrics.horizontalAdvance(text) + 20):
            assert elided(text, label.font(), width) == metrics.elidedText(text, Qt.TextElideMode.ElideRight, width)


def test_a_warning_on_its_own_line_keeps_its_line_when_the_words_before_it_are_cut(qtbot: Any) -> None:
    label = ElidedLabel(max_lines=2)
    qtbot.addWidget(label)
    label.resize(184, 40)
    label.setToolTip("La papille est à gauche de l'image.")
    label.setText("Vue rapprochée · Œil droit (OD) · avant-bras gauche, face interne\n⚠ Œil à vérifier")
    first, second = shown(label).split("\n")
    assert first.endswith("…") and second == "⚠ Œil à vérifier"
    assert label.toolTip() == label.text() + "\nLa papille est à gauche de l'image."
    label.setText("Vue rapprochée · Œil droit (OD) · avant-bras gauche, face interne")
    assert shown(label).count("\n") == 1 and shown(label).endswith("…")
    # Wrapped on two lines without being cut: nothing more in the tooltip.
    label.setText("Centrée sur la macula · Œil gauche (OG)")
    assert shown(label).count("\n") == 1 and not label.elided()
    assert label.toolTip() == "La papille est à gauche de l'image."
    label.setText("Vue rapprochée")
    assert shown(label) == "Vue rapprochée" and label.toolTip() == "La papille est à gauche de l'image."
    label.setToolTip("")
    label.setText("Vue rapprochée · Œil droit (OD) · avant-bras gauche, face interne")
    assert label.toolTip() == label.text()
    label.clear()  # cleared, it has nothing more to say in its tooltip
    assert not shown(label) and not label.toolTip()


def test_a_label_fits_its_text_again_when_its_font_width_or_text_changes(qtbot: Any) -> None:
    # Each width's lines are kept (a case page asks ~200 heights of its tiles' labels as it opens): what
    # is kept must never outlive the text, the font or the width it was made for.
    label = ElidedLabel(max_lines=2)
    qtbot.addWidget(label)
    label.resize(184, 40)
    label.setText("Centrée sur la macula · Œil gauche (OG)")
    assert not label.elided() and shown(label).count("\n") == 1
    two_lines = label.heightForWidth(184)
    first_font = label.font()
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * 2)
    label.setFont(font)
    assert label.elided() and shown(label).endswith("…")
    assert label.heightForWidth(184) > two_lines  # the larger font's two lines
    label.resize(2000, 40)
    assert not label.elided() and "\n" not in shown(label)
    label.resize(184, 40)
    label.setFont(first_font)
    label.setText("Vue rapprochée")
    assert shown(label) == "Vue rapprochée" and not label.elided()
    assert label.heightForWidth(184) < two_lines  # one line now


@pytest.mark.parametrize("specialty", ["dermatology", "ophthalmology", "wound-care"])  # « other » expects none
def test_every_expected_view_reads_whole(
    qtbot: Any, small_window: MainWindow, store: Store, language: str, specialty: str
) -> None:
    panel = open_case(qtbot, small_window, store, specialty)
    checklist = panel.checklist
    assert checklist.count() > 0
    assert not checklist.verticalScrollBar().isVisible()
    metrics = checklist.fontMetrics()
    for row in range(checklist.count()):
        item = checklist.item(row)
        rect = checklist.visualItemRect(item)
        assert checklist.viewport().rect().contains(rect), f"«{item.text()}» at {rect} in {checklist.viewport().rect()}"
        # Tall enough for its words wrapped at the list's width (the delegate's few pixels of margin).
        flags = int(Qt.TextFlag.TextWordWrap)
        need = metrics.boundingRect(0, 0, rect.width() - 6, 10_000, flags, item.text()).height()
        assert rect.height() >= need, f"«{item.text()}» {rect.height()} px tall, its lines need {need}"


#: Words from the network or the disk: as long as they come (a path, an address, advice).
LONG_WORDS = (
    "la plateforme https://teleexpertise.ght-exemple.fr/fhir/R4 n'a pas répondu dans le délai de 30 s : "
    "vérifiez le réseau, le proxy ou le pare-feu de l'établissement (dernière erreur : certificate verify "
    "failed: unable to get local issuer certificate)"
)


def status_room(window: MainWindow) -> int:
    """Where Qt paints a status bar message: from 6 px to the first permanent label (QStatusBar)."""
    return min(label.x() for label in (window.waiting_label, window.last_sync_label) if label.isVisible()) - 1 - 6


def test_the_status_bar_fits_its_words_and_says_them_whole_in_its_tooltip(
    qtbot: Any, small_window: MainWindow, store: Store, language: str
) -> None:
    window = small_window
    open_case(qtbot, window, store, "dermatology")
    bar = window.statusBar()
    window.refresh_status()
    window._link(False, LONG_WORDS)  # the sync paused, with the words it stopped on
    qtbot.wait(100)
    # The window stays on the screen, the counters in the bar.
    assert window.width() <= SCREEN[0]
    for label in (window.waiting_label, window.last_sync_label):
        assert label.isVisible() and in_view(label, bar), label.text()
    connection = window.connection_label
    words = connection.text()
    assert LONG_WORDS in words
    metrics = connection.fontMetrics()
    assert metrics.horizontalAdvance(words) > connection.width()
    assert shown(connection).endswith("…") and metrics.horizontalAdvance(shown(connection)) <= connection.width()
    assert connection.toolTip() == words

    # A message of the moment (a backup that could not be made) is cut the same way; the bar's tooltip
    # and currentMessage() hold it whole.
    message = window.tr(
        fr_spaced(
            "Sauvegarde automatique non faite : {words} Vos dossiers sont intacts sur ce poste, et Teleavis réessaie "
            "tout seul vers {time}. Pour qu'elle réussisse, libérez de la place sur le disque de sauvegarde, "
            "branchez-le, ou choisissez un autre dossier dans Édition > Réglages, onglet Sécurité."
        )
    ).format(words=LONG_WORDS, time="07:45")
    bar.showMessage(message, 15000)
    qtbot.wait(50)
    on_screen = str(getattr(bar, "shown_message", bar.currentMessage)())
    assert bar.currentMessage() == message
    assert on_screen.endswith("…"), on_screen
    assert bar.fontMetrics().horizontalAdvance(on_screen) <= status_room(window)
    assert bar.toolTip() == message
    # The counters' words grow while it shows (the clock, a count): the message is cut again to its room.
    window.last_sync_label.setText(window.last_sync_label.text() + " — " + window.tr("jamais"))

    def cut_again() -> bool:  # (waited for: under load the bar's layout comes later than 50 ms)
        on_screen = str(getattr(bar, "shown_message", bar.currentMessage)())
        return on_screen.endswith("…") and bar.fontMetrics().horizontalAdvance(on_screen) <= status_room(window)

    qtbot.waitUntil(cut_again, timeout=5_000)
    # A short one is shown as it is, with no tooltip; the tooltip goes with the message.
    bar.showMessage("Sauvegarde faite.", 5000)
    assert str(getattr(bar, "shown_message", bar.currentMessage)()) == "Sauvegarde faite." and not bar.toolTip()
    bar.showMessage(message)
    bar.clearMessage()
    assert not bar.currentMessage() and not bar.toolTip()


@pytest.mark.parametrize("screen", [SCREEN, SCALED_150])
def test_the_reply_to_the_experts_question_is_in_view_as_the_case_opens(
    qtbot: Any, store: Store, sync_runner: None, tmp_path: Path, screen: tuple[int, int]
) -> None:
    """Found at 150 % on a 1366 × 768 laptop: the expert's one-line question sat in a list a third of the
    window tall, the reply's box and « Envoyer la réponse » under the window's edge until one scrolled."""
    from tests.support.scripted_platform import on_hold_with_a_question

    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.setMinimumSize(*screen)  # what that screen leaves it (the tests' own screen is 800 × 600)
    window.resize(*screen)
    window.show()
    qtbot.waitExposed(window)
    window.open_case(case_id)
    qtbot.wait(100)
    follow = window.case_page.follow
    assert follow.send_reply.isVisible() and follow.send_reply.isEnabled()
    viewport = follow.column.viewport()
    for widget in (follow.conversation, follow.reply, follow.send_reply):
        assert in_view(widget, viewport), (
            f"{type(widget).__name__} at y={widget.mapTo(viewport, QPoint(0, 0)).y()} "
            f"in a {viewport.height()} px tall column"
        )
    # The question reads whole in its list.
    conversation = follow.conversation
    item = conversation.visualItemRect(conversation.item(0))
    assert conversation.viewport().rect().contains(item), f"{item} in {conversation.viewport().rect()}"
    window.shutdown()


def test_a_new_photos_findings_are_read_whole_without_scrolling_in_training_mode(
    qtbot: Any, qapp: Any, store: Store, sync_runner: None, language: str
) -> None:
    """Found from outside at 1366 × 768 in training mode: the new photo selected, its findings
    (« Définition suffisante. Image nette. Exposition correcte. C… ») were cut by the lower edge of the
    column beside the camera, which scrolled: the last of them, the one that may say what to retake,
    was out of sight."""
    from tests.support.ui import activate
    from tests.ui.test_case_page import new_case
    from ui import resources
    from ui.application import set_style

    store.settings.set("training", "on")
    set_style(qapp)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(*SCREEN)
    activate(qtbot, window)
    try:
        page = new_case(qtbot, window)
        panel = page.capture.ensure()
        qtbot.waitUntil(lambda: panel.preview.frames_shown >= 1, timeout=30_000)
        panel.capture_still()
        qtbot.waitUntil(lambda: len(panel.tiles()) == 1, timeout=30_000)
        qtbot.wait(300)  # laid out again as its thumbnail and words come
        assert window.banner.isVisible() and page.training_mark.isVisible()
        labels = panel.labels
        assert labels.findings.text(), "no findings shown for the selected photo"
        column = panel.right_column
        assert column.verticalScrollBar().maximum() == 0, (
            f"the column scrolls by {column.verticalScrollBar().maximum()} px "
            f"(findings at y={labels.findings_scroll.mapTo(column.viewport(), QPoint(0, 0)).y()}, "
            f"{labels.findings_scroll.height()} px tall, in {column.viewport().height()} px)"
        )
        assert labels.findings_scroll.verticalScrollBar().maximum() == 0
        assert in_view(labels.findings_scroll, column.viewport())
        page.capture.stop_camera()
    finally:
        window.shutdown()
        resources.use_style(False)


@pytest.mark.parametrize(
    ("specialty", "patient"),
    [
        ("ophthalmology", Patient()),  # a new draft: « Nouveau patient », its deletion button beside
        ("dermatology", Patient(family="DUPONT-MARTIN", given=["Jeanne", "Marie"], ins="15002851234560")),
    ],
)
def test_the_case_title_reads_whole_on_one_line_at_1280(
    qtbot: Any, qapp: Any, store: Store, sync_runner: None, language: str, specialty: str, patient: Patient
) -> None:
    """Found by a nurse's day at 1280 × 720: « Nouveau patient — Dermatologie — dossier 1e35f4d9 — » then
    « brouillon » alone on a second line, the case's state torn off its title. It reads on one line, in the
    window's own style (the title in 13 pt bold)."""
    from ui import resources
    from ui.application import set_style

    set_style(qapp)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.resize(1280, 690)
    window.show()
    qtbot.waitExposed(window)
    try:
        case = Case(specialty=specialty, patient=patient, consent=Consent(given=True, recorded_by="Inf. Durand"))
        store.create_case(case, [])
        window.open_case(case.id)
        qtbot.wait(100)
        header = window.case_page.header
        text = header.text()
        assert header.fontMetrics().horizontalAdvance(text) <= header.contentsRect().width(), (
            text,
            header.contentsRect().width(),
        )
    finally:
        window.shutdown()
        resources.use_style(False)
