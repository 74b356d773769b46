"""A reply to the expert the platform refuses (4xx with an OperationOutcome): said to the nurse, on the
reply itself and by a notification, never taken for gone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from app.db import transaction
from app.errors import TeleavisError
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.engine import Engine
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.support.french import fr_spaced
from tests.support.ui import send_reply_with_a_photo, shown, type_text
from tests.sync.sync_helpers import engine_on, make_case


def conversation(view: Any) -> list[str]:
    return [view.conversation.item(n).text() for n in range(view.conversation.count())]


@contextmanager
def asked(qtbot: Any, store: Store, *, answer_after_s: float) -> Iterator[tuple[SandboxServer, Engine, str, Any]]:
    """A case sent to a sandbox whose expert asks a question, on hold with it, and shown: the sandbox,
    the engine, the case's id and its follow view."""
    with SandboxServer(None, answer_after_s=answer_after_s, question_rate=1.0, run_expert=False, seed=3) as sandbox:
        case_id = make_case(store)
        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once()
            sandbox.expert.run_until_idle()
            engine.run_once()
            assert store.state(case_id) == CaseState.ON_HOLD
            yield sandbox, engine, case_id, shown(qtbot, store, case_id)


def test_a_reply_the_platform_refuses_is_said_not_sent_on_the_reply_itself(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside: the platform refused the reply (422), and the case page still said « elle part
    avec la prochaine synchronisation » under a conversation showing it as any reply gone; only a line
    of the status, « La plateforme refuse le dossier », said otherwise (of the whole case, it seemed)."""
    with asked(qtbot, store, answer_after_s=0.0) as (sandbox, engine, case_id, view):
        type_text(view.reply, "Depuis trois semaines.")
        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        assert "en attente d'envoi" in conversation(view)[-1]
        sandbox.inject_fault(422, count=5, retry_after=None)
        engine.run_once(poll=False)
    view.refresh()  # as the window does on the engine's news
    said = conversation(view)[-1]
    assert said.startswith("Vous, ") and "Depuis trois semaines." in said
    assert "non envoyée (voir pourquoi ci-dess" in said, said  # (above or below, as the reason stands)
    history = [view.history.item(n).text() for n in range(view.history.count())]
    assert any(h.endswith("Réponse à l'expert non envoyée (refusée par la plateforme)") for h in history), history
    assert view.reply_saved.text() == "", "« elle part avec la prochaine synchronisation » is no longer true"
    said = _said_above_the_reply(view)  # (said once, above her words back in the box)
    assert "refuse la réponse à l'expert" in said and "refuse le dossier" not in said
    assert view.send_reply.isEnabled(), "to be corrected and sent again"
    assert [m.text for m in Outbox(store).messages(case_id) if m.direction == "to-expert"] == ["Depuis trois semaines."]


def test_a_reply_sent_is_no_longer_said_to_leave_with_the_next_sync(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    with asked(qtbot, store, answer_after_s=3600.0) as (_sandbox, engine, case_id, view):
        type_text(view.reply, "Depuis trois semaines.")
        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        engine.run_once(poll=False)
    assert store.state(case_id) == CaseState.ON_HOLD  # the expert has not taken it up yet
    view.refresh()
    assert view.reply_saved.text() == ""
    assert "en attente d'envoi" not in conversation(view)[-1] and "non envoyée" not in conversation(view)[-1]


def test_a_refused_reply_is_notified_without_the_platforms_words(qtbot: Any, window: Any) -> None:
    window.sync.case_state.emit("0123456789abcdef", "reply-refused", "La plateforme refuse : Mme ZORGLUB")
    qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
    title, text = window.notifier.shown.pop()
    assert "ZORGLUB" not in title + text and "01234567" in text
    assert title == "Réponse à l'expert non envoyée"


def test_a_reply_begun_when_the_expert_answers_meanwhile_is_said_not_gone_and_can_be_erased(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside: a reply typed, then the expert answered without waiting for it. Its words stayed
    in a greyed box that could be neither sent nor erased, nothing said they had not gone, and closing
    Teleavis said, at every close, that the expert would get them « une fois Envoyer la réponse cliqué »,
    a button greyed."""
    import random

    with asked(qtbot, store, answer_after_s=0.0) as (sandbox, engine, case_id, view):
        type_text(view.reply, "Depuis trois semaines.")
        view.keep_draft()
        task = sandbox.read("Task", store.platform_info(case_id)["task_id"])
        assert task is not None
        sandbox.expert._answer(task, random.Random(1), sandbox.expert._shape(task))  # without waiting
        engine.run_once()
    assert store.state(case_id) == CaseState.ANSWERED
    view.refresh()  # as the window does on the engine's news
    assert not view.send_reply.isEnabled()
    assert view.reply_late.isVisible() and "n'est pas partie" in view.reply_late.text()
    assert view.unsent_replies() == [], "nothing the close could say « Envoyer la réponse » would send"
    assert view.reply.isEnabled(), "to be erased"
    view.reply.clear()
    assert not view.reply_late.isVisible() and not view.reply.isEnabled()


def test_a_question_withdrawn_is_notified_as_withdrawn_not_as_a_question(qtbot: Any, window: Any) -> None:
    from app.model import QUESTION_WITHDRAWN

    window.sync.case_state.emit("0123456789abcdef", CaseState.ON_HOLD.value, QUESTION_WITHDRAWN)
    qtbot.waitUntil(lambda: len(window.notifier.shown) > 0, timeout=30_000)
    title, text = window.notifier.shown.pop()
    assert title == "Question de l'expert retirée" and "01234567" in text and "pose une question" not in text


def test_the_photo_of_a_refused_reply_can_be_joined_again_and_goes_once(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside: the platform refused a reply with the dermoscopy the expert asked for; joined
    again to the corrected reply, the photo was refused, « déjà dans ce dossier (image 3) : elle n'est pas
    importée une seconde fois », and the expert could never get it."""
    from tests.support.images import jpeg_bytes, skin_photo

    photo = tmp_path / "dermoscopie.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=32), quality=92))
    with asked(qtbot, store, answer_after_s=3600.0) as (sandbox, engine, case_id, view):
        send_reply_with_a_photo(qtbot, view, photo, "dos", "Voici la dermoscopie.")
        images_before = len(store.get_case(case_id).images)
        sandbox.inject_fault(422, count=1, retry_after=None)
        engine.run_once(poll=False)
        view.refresh()
        assert "non envoyée" in conversation(view)[-1]

        assert "dermoscopie.jpg" in view.reply_images.text(), "back by itself to the reply begun"
        view.add_reply_files([photo])  # the same file, joined again to the corrected reply
        assert view.reply_problem.text() == fr_spaced("« dermoscopie.jpg » est déjà jointe à cette réponse.")
        assert view.reply_images.text().count("dermoscopie.jpg") == 1
        type_text(view.reply, "Voici la dermoscopie, lésion du dos.")
        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        assert view.reply_problem.text() == ""
        assert len(store.get_case(case_id).images) == images_before, "not stored a second time"
        engine.run_once(poll=False)
        view.refresh()
        # Found from outside: « … refuse la réponse … Elle n'est pas partie » stayed on the case once the
        # corrected reply had gone.
        assert "refuse la réponse" not in view.detail.text() and "n'est pas partie" not in view.detail.text()
        view.add_reply_files([photo])  # gone now: not joined a third time
        assert "déjà dans ce dossier" in view.reply_problem.text()
        refused, sent = [m for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]
        assert (refused.state, sent.state) == ("refused", "sent") and sent.image_ids == refused.image_ids
        comm = next(
            c for c in sandbox.resources("Communication") if "lésion du dos" in json.dumps(c, ensure_ascii=False)
        )
        assert len([p for p in comm["payload"] if "contentReference" in p or "contentAttachment" in p]) == 1
    # Gone with the corrected reply: never sent a second time.
    with pytest.raises(TeleavisError, match="déjà été envoyée"):
        queue_reply(store, case_id, "Encore.", [], sent.image_ids)


def test_the_tray_counts_cases_to_read_not_answers(
    qtbot: Any, qapp: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found from outside: with only an expert's question unread, the tray said « 1 réponse non lue », and
    the nurse looked for an answer that had not come."""
    from tests.support.scripted_platform import on_hold_with_a_question
    from ui.application import install_language
    from ui.main_window import MainWindow

    install_language(qapp, "fr")  # the plural forms

    on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    window = MainWindow(store)
    qtbot.addWidget(window)
    window.show()
    window.refresh_status()
    assert window.notifier.tip == "Teleavis — 1 dossier à lire"
    window.shutdown()


def test_the_photo_of_a_refused_reply_comes_back_to_the_reply_begun_after_a_restart(
    qtbot: Any, store: Store, teleavis_home: Path, tmp_path: Path, sync_runner: None
) -> None:
    """Found in review: the photos of a reply the platform refused came back to the reply box only if the
    nurse picked the same files again, and only in the window: Teleavis started again, the box showed none,
    and the corrected words went without the photo the expert had asked for, nothing saying so. They come
    back by themselves, kept on this workstation (app/reply_drafts.py), said back, with their site and
    verdict; taken off, they stay off."""
    from tests.support.images import jpeg_bytes, skin_photo

    photo = tmp_path / "dermoscopie.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=32), quality=92))
    with asked(qtbot, store, answer_after_s=3600.0) as (sandbox, engine, case_id, view):
        send_reply_with_a_photo(qtbot, view, photo, "dos", "Voici la dermoscopie.")
        [image_id] = Outbox(store).messages(case_id)[-1].image_ids
        sandbox.inject_fault(422, count=1, retry_after=None)
        engine.run_once(poll=False)
        view.refresh()  # as the window does on the engine's news
        assert "dos" in view.reply_images.text() and "refusée" in view.reply_images.text(), "back at once"

    with Store.open(teleavis_home) as reopened:  # Teleavis started again
        view = shown(qtbot, reopened, case_id)
        said = view.reply_images.text()
        assert said.startswith("1 image"), said
        assert "dos" in said and "bonne qualité" in said and "réponse refusée" in said, said
        assert "de nouveau jointe" in said, "she is told they are back"
        assert view.unsent_replies() == [case_id], "closing says the reply is not sent"
        assert view.reply.toPlainText() == "Voici la dermoscopie.", "its words come back with it"
        view.reply.clear()  # corrected
        type_text(view.reply, "Voici la dermoscopie, lésion du dos.")
        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        assert view.reply_problem.text() == ""
        sent = Outbox(reopened).messages(case_id)[-1]
        assert sent.text == "Voici la dermoscopie, lésion du dos." and sent.image_ids == [image_id]


def test_the_photo_of_a_refused_reply_taken_off_stays_off_after_a_restart(
    qtbot: Any, store: Store, teleavis_home: Path, tmp_path: Path, sync_runner: None
) -> None:
    from tests.support.images import jpeg_bytes, skin_photo

    photo = tmp_path / "dermoscopie.jpg"
    photo.write_bytes(jpeg_bytes(skin_photo(1600, 1200, seed=32), quality=92))
    with asked(qtbot, store, answer_after_s=3600.0) as (sandbox, engine, case_id, view):
        send_reply_with_a_photo(qtbot, view, photo, "dos", "Voici la dermoscopie.")
        sandbox.inject_fault(422, count=1, retry_after=None)
        engine.run_once(poll=False)
        view.refresh()
        qtbot.mouseClick(view.drop_images, Qt.MouseButton.LeftButton)
        assert view.reply_images.text() == ""

    with Store.open(teleavis_home) as reopened:
        view = shown(qtbot, reopened, case_id)
        assert view.reply_images.text() == "", "taken off, it came back"
        view.add_reply_files([photo])  # joined again by hand: it goes
        assert "dermoscopie.jpg" in view.reply_images.text() and view.reply_problem.text() == ""
    with Store.open(teleavis_home) as again:
        assert "dermoscopie.jpg" in shown(qtbot, again, case_id).reply_images.text()


def test_the_words_of_a_refused_reply_come_back_to_the_box_ready_to_send_again(
    qtbot: Any, store: Store, teleavis_home: Path, sync_runner: None
) -> None:
    """Found in review: a refused reply's photos came back to the box, its words did not: the nurse typed
    her answer again, or sent the photos with no words. They come back (on screen and after a restart), the
    box saying the reply did not leave, where to read why, and that it is ready to be sent again."""
    with asked(qtbot, store, answer_after_s=3600.0) as (sandbox, engine, case_id, view):
        type_text(view.reply, "Depuis trois semaines.")
        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        assert view.reply.toPlainText() == "" and not view.reply_back.isVisibleTo(view)
        sandbox.inject_fault(422, count=1, retry_after=None)
        engine.run_once(poll=False)
        view.refresh()  # as the window does on the engine's news
        assert view.reply.toPlainText() == "Depuis trois semaines.", "her words are lost"
        said = view.reply_back.text()
        assert view.reply_back.isVisibleTo(view) and "n'est pas partie" in said and "renvoy" in said, said
        assert "refuse la réponse à l'expert (422)" in said, "why, on the reply itself"
        assert "écrivez-la de nouveau" not in view.detail.text(), "told to type again what is back"
        assert view.unsent_replies() == [case_id], "closing says the reply is not sent"

    with Store.open(teleavis_home) as reopened:  # Teleavis started again
        with transaction(reopened.conn) as conn:  # the case's note says something else since
            reopened.set_platform_words(conn, case_id, last_error="Plateforme injoignable.")
        view = shown(qtbot, reopened, case_id)
        assert view.reply.toPlainText() == "Depuis trois semaines.", "lost at a restart"
        assert view.reply_back.isVisibleTo(view)
        assert "refuse la réponse à l'expert (422)" in view.reply_back.text(), "why, after a restart too"
        type_text(view.reply, " Pas de fièvre.")  # (the keyboard where her words end, not before them)
        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        assert view.reply_problem.text() == "" and not view.reply_back.isVisibleTo(view)
        assert Outbox(reopened).messages(case_id)[-1].text == "Depuis trois semaines. Pas de fièvre."


def test_a_photo_refused_as_too_large_comes_back_taken_off_and_the_others_still_go(
    qtbot: Any, store: Store, teleavis_home: Path, tmp_path: Path
) -> None:
    """Found in review: a reply refused for one photo over the platform's size limit (413) brought all its
    photos back, and « Retirer les images » took them all off: the nurse could not send the others without
    the one refused. That one comes back taken off, said so with what to do, after a restart too; the others
    go with the words corrected."""
    from app.model import CaseImage
    from app.store import NewImage
    from tests.support.scripted_platform import communication, following, on_hold_with_a_question, task
    from tests.sync.sync_helpers import jpeg
    from tests.sync.test_reply_backoff import accepted, platform_with_posts

    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    small, large = (
        NewImage(CaseImage(body_site=site, view="close-up", content_type="image/jpeg", width=w, height=h), data)
        for site, w, h, data in (
            ("dos", 64, 48, jpeg(seed=4)),
            ("bras", 640, 480, jpeg(640, 480, seed=5, noise=True)),
        )
    )
    queue_reply(store, case_id, "Voici les deux photos.", [small, large])
    limit = len(large.data) - 1

    def answer(path: str, body: bytes) -> tuple[int, dict[str, str], bytes]:
        if path.endswith("/Binary"):
            if len(body) > limit:
                return 413, {}, b""
            return 201, {"Location": "Binary/b1"}, b""
        return accepted(path, body)

    with platform_with_posts(answer) as (platform, _posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
    assert [m.state for m in Outbox(store).messages(case_id) if m.direction == "to-expert"] == ["refused"]

    view = shown(qtbot, store, case_id)
    said = view.reply_images.text()
    assert said.startswith("1 image"), said
    listed = [line for line in said.splitlines() if line[:1].isdigit() and line[1:2] == "."]
    assert len(listed) == 1 and "dos" in listed[0], said
    [note] = [line for line in said.splitlines() if "bras" in line]
    assert "retirée" in note and "dépasse la taille acceptée" in note, said
    assert fr_spaced("joignez-la de nouveau : elle partira en copie réduite") in note, (
        said
    )  # (found in review: « exportez-la »)
    with Store.open(teleavis_home) as reopened:  # Teleavis started again: still off, still said
        again = shown(qtbot, reopened, case_id)
        assert again.reply_images.text() == said
        qtbot.mouseClick(again.send_reply, Qt.MouseButton.LeftButton)
        assert again.reply_problem.text() == ""
        sent = Outbox(reopened).messages(case_id)[-1]
        assert sent.text == "Voici les deux photos." and sent.image_ids == [small.record.id]
        assert "dépasse" not in again.reply_images.text(), "« the others go with your reply », once it went"
    with Store.open(teleavis_home) as reopened:
        assert "dépasse" not in shown(qtbot, reopened, case_id).reply_images.text()


def test_the_words_of_a_reply_refused_while_another_case_is_shown_are_back_on_coming_back(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    """Sent, then another case opened: the refusal came meanwhile (the window had emptied the draft itself,
    and read nothing back from the store for this case). Back on it, the words are in the box."""
    from tests.support.scripted_platform import on_hold_with_a_question

    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    view = shown(qtbot, store, first)
    type_text(view.reply, "Depuis trois semaines.")
    qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
    view.set_case(store.get_case(second))
    type_text(view.reply, "Depuis hier.")
    [mine] = [m for m in Outbox(store).messages(first) if m.direction == "to-expert"]
    Outbox(store).reply_refused(first, mine.id, "La plateforme refuse la réponse à l'expert (422).")
    view.set_case(store.get_case(first))
    assert view.reply.toPlainText() == "Depuis trois semaines."
    assert view.reply_back.isVisibleTo(view) and "(422)" in view.reply_back.text()
    view.set_case(store.get_case(second))
    assert view.reply.toPlainText() == "Depuis hier.", "another case's words never come here"


def test_closing_does_not_ask_about_words_back_on_a_case_whose_reply_cannot_leave(
    qtbot: Any, store: Store, tmp_path: Path
) -> None:
    """A reply queued in training mode, training mode left since: the engine sets it aside (refused), and
    its words come back to the reply begun, but no reply can reach that case's expert (the box is hidden).
    Closing then asked about a reply « not sent » that could never be."""
    from app import reply_drafts
    from app.store import TRAINING
    from tests.support.scripted_platform import on_hold_with_a_question

    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    with transaction(store.conn) as conn:
        conn.execute("UPDATE cases SET destination=? WHERE id=?", (TRAINING, first))
    store.settings.set("training", "off")  # left since
    reply_drafts.save(store, first, "Depuis trois semaines.")  # (its words back, as the set-aside gives them)
    view = shown(qtbot, store, first)
    assert not view.reply.isVisibleTo(view), "no reply can leave from here"
    view.set_case(store.get_case(second))
    assert view.unsent_replies() == [], "asked at closing about a reply that cannot leave"


def _said_above_the_reply(view: Any) -> str:
    """What the page says from its top to the reply box: the case's note, then the line above the box."""
    return view.detail.text() + "\n" + (view.reply_back.text() if view.reply_back.isVisibleTo(view) else "")


def test_a_refused_reply_is_said_once_with_what_to_do_once(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None
) -> None:
    """Found by a nurse's afternoon under Xvfb: the platform's refusal was said at the top of the page with
    « corrigez-la puis envoyez-la de nouveau », followed there by « Répondez à l'expert ci-dessous … puis
    cliquez sur « Envoyer la réponse » », and the line above the box said the refusal again with « Elle est
    prête à être renvoyée … cliquez « Envoyer la réponse » »: three times what to do, twice why."""
    with asked(qtbot, store, answer_after_s=3600.0) as (sandbox, engine, _case_id, view):
        type_text(view.reply, "Depuis trois semaines.")
        qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
        sandbox.inject_fault(422, count=1, retry_after=None)
        engine.run_once(poll=False)
        view.refresh()  # as the window does on the engine's news
        assert view.reply.toPlainText() == "Depuis trois semaines."
        said = _said_above_the_reply(view)
        assert said.count("refuse la réponse à l'expert (422)") == 1, said
        assert said.count("Envoyer la réponse") + said.count("envoyez-la de nouveau") == 1, said
        assert "n'est pas partie" in view.reply_back.text(), "the line above her words says what they are"
        assert "voir pourquoi ci-dessous" in conversation(view)[-1], "the reply refused points at where it is said why"
        view.reply.clear()  # she begins anew: the refusal is still said, at the top
        assert "refuse la réponse à l'expert (422)" in view.detail.text()
        assert "voir pourquoi ci-dessus" in conversation(view)[-1]


@pytest.mark.parametrize("reason", ["sync.bug", "data.altered"])
def test_the_line_above_a_reply_refused_here_names_the_reply(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None, reason: str
) -> None:
    """Refused here (an internal error, data altered), the line above the box said the reason, about « le
    dossier » or « un élément de ce dossier », then « Elle est prête à être renvoyée »: « Elle » pointed at
    nothing. It says the reply did not leave, then why, then what to do, once."""
    from app import messages as M

    with asked(qtbot, store, answer_after_s=3600.0) as (_sandbox, _engine, case_id, view):
        message_id = queue_reply(store, case_id, "Depuis trois semaines.", [])
        Outbox(store).reply_refused(case_id, message_id, M.tr(reason))
        view.refresh()
        assert view.reply.toPlainText() == "Depuis trois semaines."
        line = view.reply_back.text()
        assert view.reply_back.isVisibleTo(view) and line.startswith("Votre réponse n'est pas partie"), line
        assert "Elle " not in line, line
        assert M.tr(reason).split(" : ")[0] in line, "why, on the reply itself"
        said = _said_above_the_reply(view)
        assert said.count(M.tr(reason).split(" : ")[0]) == 1, said
        assert said.count("Envoyer la réponse") == 1, said


def test_the_line_above_a_refused_reply_reads_in_english(
    qtbot: Any, store: Store, tmp_path: Path, sync_runner: None, qapp: Any
) -> None:
    """The same line, the window in English: the platform's reason without its French-built tail of what to
    do, said once."""
    from ui.application import install_language

    install_language(qapp, "en")
    try:
        with asked(qtbot, store, answer_after_s=3600.0) as (sandbox, engine, _case_id, view):
            type_text(view.reply, "For three weeks.")
            qtbot.mouseClick(view.send_reply, Qt.MouseButton.LeftButton)
            sandbox.inject_fault(422, count=1, retry_after=None)
            engine.run_once(poll=False)
            view.refresh()
            line = view.reply_back.text()
            assert line.startswith("Your reply has not left. Reason: The platform refuses the reply"), line
            assert "It has not left" not in line and line.count("Send the reply") == 1, line
    finally:
        install_language(qapp, "fr")
