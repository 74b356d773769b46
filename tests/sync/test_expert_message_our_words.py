"""What Teleavis says of an expert's message it cannot show whole (a file joined it cannot show, a message it
cannot read) is kept apart from the expert's words (found reviewing words36): written into the message's
stored text in the language of the window at the poll, it stayed so in the other language later and in a
report printed with `--lang`. Those words are now said in the reader's language, wherever they are read."""

from __future__ import annotations

from pathlib import Path

from app import i18n
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
        "Merci de refaire les photos selon le protocole joint.\n\n(L'expert a aussi joint « Protocole », qui ne "
        "peut pas être affiché ici : consultez-le sur la plateforme.)",
        "(L'expert a joint « Questionnaire », qui ne peut pas être affiché ici : consultez-le sur la plateforme.)",
    ]
    (unread,) = [m for m in Outbox(store).messages(other_case) if m.direction == "from-expert"]
    assert unread.text == "L'expert a envoyé un message que Teleavis ne sait pas lire : consultez-le sur la plateforme."

    # The report printed in English (`--lang en`) from a French session: our words in English, hers as she wrote.
    said = [row[2] for row in conversation_words(Outbox(store).messages(case_id), "en")[1]]
    assert said == english, said
    said = [row[2] for row in conversation_words(Outbox(store).messages(other_case), "en")[1]]
    assert said == ["The expert sent a message Teleavis cannot read: see it on the platform."], said
