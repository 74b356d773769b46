"""What Teleavis says of an expert's message it cannot show whole (a file joined it cannot show, a message it
cannot read) is kept apart from the expert's words (found reviewing words36): written into the message's
stored text in the language of the window at the poll, it stayed so in the other language later and in a
report printed with `--lang`. Those words are now said in the reader's language, wherever they are read."""

from __future__ import annotations

from pathlib import Path

from app import i18n
from app.db import transaction
from app.outbox import Outbox
from app.report_text import conversation_words
from app.store import Store
from tests.support.scripted_platform import communication, following, scripted_platform, send_to_sandbox, task

MODIFIER = [{"url": "http://platform.example/fhir/StructureDefinition/retracted", "valueBoolean": True}]


def test_our_words_about_an_expert_message_follow_the_reader_s_language(store: Store, tmp_path: Path) -> None:
    (case_id, task_id), (other_case, other_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    with_a_file = communication("q1", task_id, "Merci de refaire les photos selon le protocole joint.")
    with_a_file["payload"].append({"contentAttachment": {"contentType": "application/pdf", "title": "Protocole"}})
    a_file_alone = communication("q2", task_id, "")
    a_file_alone["payload"] = [{"contentAttachment": {"contentType": "application/pdf", "title": "Questionnaire"}}]
    unreadable = {**communication("q3", other_task, "Retiré"), "modifierExtension": MODIFIER}
    i18n.set_language("en")  # the window's language at the poll
    try:
        with scripted_platform() as platform:
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.tasks[other_task] = task(other_case, other_task, "on-hold")
            platform.communications[task_id] = [with_a_file, a_file_alone]
            platform.communications[other_task] = [unreadable]
            with following(store, platform) as engine:
                engine.run_once()
        english = [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]
    finally:
        i18n.set_language("fr")
    assert english == [
        "Merci de refaire les photos selon le protocole joint.\n\n(The expert also attached “Protocole”, which "
        "cannot be shown here: see it on the platform.)",
        "(The expert attached “Questionnaire”, which cannot be shown here: see it on the platform.)",
    ]
    french = [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]
    assert french == [
        "Merci de refaire les photos selon le protocole joint.\n\n(L'expert a aussi joint «\u00a0Protocole\u00a0», "
        "qui ne "
        "peut pas être affiché ici\u00a0: consultez-le sur la plateforme.)",
        "(L'expert a joint «\u00a0Questionnaire\u00a0», qui ne peut pas être affiché ici\u00a0: consultez-le sur "
        "la plateforme.)",
    ]
    (unread,) = [m for m in Outbox(store).messages(other_case) if m.direction == "from-expert"]
    assert (
        unread.text
        == "L'expert a envoyé un message que Teleavis ne sait pas lire\u00a0: consultez-le sur la plateforme."
    )

    # The report printed in English (`--lang en`) from a French session: our words in English, hers as she wrote.
    said = [row[2] for row in conversation_words(Outbox(store).messages(case_id), "en")[1]]
    assert said == english, said
    said = [row[2] for row in conversation_words(Outbox(store).messages(other_case), "en")[1]]
    assert said == ["The expert sent a message Teleavis cannot read: see it on the platform."], said


def test_our_words_kept_in_a_message_by_an_earlier_version_are_read_in_the_reader_s_language(
    store: Store, tmp_path: Path
) -> None:
    """A message kept before, its text holding our words as the window said them at the poll: they are told
    from the expert's and said in the reader's language as well (her words as she wrote them)."""
    (case_id, _task_id), (other_case, _other_task) = send_to_sandbox(store, tmp_path / "sandbox", 2)
    outbox = Outbox(store)
    kept_before = {
        (case_id, "q1"): "Merci de refaire les photos.\n\n(The expert also attached “Protocole, v2”, which cannot "
        "be shown here: see it on the platform.)",
        (case_id, "q2"): "(The expert attached something that cannot be shown here: see it on the platform.)",
        (case_id, "q3"): "(The expert attached “Questionnaire”, which cannot be shown here: see it on the platform.)",
        (case_id, "q4"): "Depuis quand ? (see it on the platform.)",
        (other_case, "q5"): "The expert sent a message Teleavis cannot read: see it on the platform.",
    }
    with transaction(store.conn) as conn:
        for (case, platform_id), text in kept_before.items():
            assert outbox.add_expert_message(conn, case, platform_id, text, "2026-11-21T10:00:00+01:00", platform_id)
            row = conn.execute(
                "SELECT id FROM messages WHERE platform_id=? AND case_id=?", (platform_id, case)
            ).fetchone()
            body = {"text": text, "sent_at": "2026-11-21T10:00:00+01:00", "content": platform_id}  # (as kept then)
            body |= {"direction": "from-expert", "in_response_to": None}
            conn.execute("UPDATE messages SET body=? WHERE id=?", (outbox._seal(case, row["id"], body), row["id"]))
    said = [m.text for m in outbox.messages(case_id) if m.direction == "from-expert"]
    assert said == [
        "Merci de refaire les photos.\n\n(L'expert a aussi joint «\u00a0Protocole, v2\u00a0», qui ne peut pas "
        "être affiché "
        "ici\u00a0: consultez-le sur la plateforme.)",
        "(L'expert a joint un élément qui ne peut pas être affiché ici\u00a0: consultez-le sur la plateforme.)",
        "(L'expert a joint «\u00a0Questionnaire\u00a0», qui ne peut pas être affiché ici\u00a0: consultez-le sur "
        "la plateforme.)",
        "Depuis quand ? (see it on the platform.)",  # the expert's own words: as written
    ]
    (unread,) = [m for m in outbox.messages(other_case) if m.direction == "from-expert"]
    assert (
        unread.text
        == "L'expert a envoyé un message que Teleavis ne sait pas lire\u00a0: consultez-le sur la plateforme."
    )
    english = [row[2] for row in conversation_words(outbox.messages(case_id), "en")[1]]
    assert english == list(kept_before.values())[:4], english
