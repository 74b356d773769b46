"""A reply the engine refused says so on its case until a reply goes: then the refusal is no longer true and
goes (``Engine._says_reply_waiting``). The refusals added since that list was written (a demo camera's still,
a photo's file not read) were not on it: the corrected reply went, and the case still said « la réponse n'est
pas partie » under it, for ever."""

from __future__ import annotations

from app.outbox import Outbox
from app.store import Store
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import engine_on
from tests.sync.test_reply_demo_image_refused import REAL, asking, on_hold, photo

__all__ = ["asking"]  # (the fixture, used by name)


def test_the_demo_still_refusal_goes_once_the_corrected_reply_has_left(store: Store, asking: SandboxServer) -> None:
    from sync.follow import queue_reply

    store.settings.set("platform.url", REAL)
    case_id = on_hold(store, asking)
    outbox = Outbox(store)
    expert = [m for m in outbox.messages(case_id) if m.direction == "from-expert"]
    # Queued with a demo still before the check (the release before): refused at its sending.
    store.add_images(case_id, [photo("Caméra de démonstration", 5)], joined_to_reply=True)
    demo_id = store.get_case(case_id).images[-1].id
    outbox.queue_reply(case_id, "Voici la photo.", [demo_id], expert[-1].platform_id)
    with engine_on(store, asking.base_url) as engine:
        engine.run_once()
    said = store.platform_info(case_id).get("last_error") or ""
    assert "démonstration" in said, said
    # She takes the photo again with the real camera and sends the reply: it leaves.
    queue_reply(store, case_id, "Voici la photo.", [photo("Dermatoscope USB", 3)])
    with engine_on(store, asking.base_url) as engine:
        engine.run_once()
    states = [m.state for m in outbox.messages(case_id) if m.direction == "to-expert"]
    assert states[-1] == "sent", states
    said = store.platform_info(case_id).get("last_error") or ""
    assert "démonstration" not in said and "n'est pas partie" not in said, said
