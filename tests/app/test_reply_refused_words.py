"""The words of a reply the platform refused (or that was refused here) come back to the reply begun, sealed
on this workstation with the rest of the draft (app/reply_drafts.py): found in review, only its photos came
back, and the nurse had to type her answer again, or sent the photos with no words. Recorded in the
transaction that says the reply refused: a refusal that came with Teleavis closed brings them back too."""

from __future__ import annotations

from pathlib import Path

from app import reply_drafts
from app.outbox import Outbox
from app.store import Store
from sync.follow import queue_reply
from tests.support.scripted_platform import on_hold_with_a_question
from tests.sync.sync_helpers import setup_site


def test_the_words_of_a_refused_reply_come_back_to_the_reply_begun(
    store: Store, teleavis_home: Path, tmp_path: Path
) -> None:
    setup_site(store)
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    message_id = queue_reply(store, case_id, "Depuis trois semaines, sous crème.", [])
    assert reply_drafts.load(store, case_id) == ""
    Outbox(store).reply_refused(case_id, message_id, "La plateforme refuse la réponse à l'expert (422).")
    assert reply_drafts.load(store, case_id) == "Depuis trois semaines, sous crème."
    assert reply_drafts.refused_why(store, case_id) == "La plateforme refuse la réponse à l'expert (422)."
    with Store.open(teleavis_home) as reopened:  # Teleavis started again
        assert reply_drafts.load(reopened, case_id) == "Depuis trois semaines, sous crème.", "lost at a restart"
        queue_reply(reopened, case_id, "Depuis trois semaines, sous crème.", [])
        assert reply_drafts.refused_why(reopened, case_id) == "", "said of a reply that went since"


def test_a_reply_begun_meanwhile_keeps_its_words_after_the_refused_ones(store: Store, tmp_path: Path) -> None:
    setup_site(store)
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    message_id = queue_reply(store, case_id, "Depuis trois semaines.", [])
    reply_drafts.save(store, case_id, "J'oubliais : pas de fièvre.")
    Outbox(store).reply_refused(case_id, message_id, "refusée")
    assert reply_drafts.load(store, case_id) == "Depuis trois semaines.\n\nJ'oubliais : pas de fièvre."
    Outbox(store).reply_refused(case_id, message_id, "refusée")  # said twice: not written twice
    assert reply_drafts.load(store, case_id) == "Depuis trois semaines.\n\nJ'oubliais : pas de fièvre."


def test_words_typed_before_their_reply_was_queued_are_not_kept_as_begun_after_it(store: Store, tmp_path: Path) -> None:
    """A keep of the words that lands after the reply took them (the window's writer thread behind) does not
    bring the reply sent back as begun; words typed after it are kept."""
    setup_site(store)
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    typed = reply_drafts.replies(store, case_id)
    queue_reply(store, case_id, "Depuis trois semaines.", [])
    reply_drafts.save(store, case_id, "Depuis trois semaines.", replies_before=typed)
    assert reply_drafts.load(store, case_id) == "", "the reply sent is begun again"
    reply_drafts.save(store, case_id, "Et pas de fièvre.", replies_before=reply_drafts.replies(store, case_id))
    assert reply_drafts.load(store, case_id) == "Et pas de fièvre."
