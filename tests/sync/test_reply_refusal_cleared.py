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


def test_the_demo_still_refused_at_sending_is_numbered_as_the_case_s_images(
    store: Store, asking: SandboxServer
) -> None:
    """The case's note says which image by the number ``case show`` and the report give it (the case's images,
    as the engine's other refusals of a reply's photo do): found in review, whole41, it said « Image 2 » by the
    reply's rows, gone by then, while the case's image 2, listed under the same note, was the real photo."""
    store.settings.set("platform.url", REAL)
    case_id = on_hold(store, asking)
    outbox = Outbox(store)
    expert = [m for m in outbox.messages(case_id) if m.direction == "from-expert"]
    store.add_images(case_id, [photo("Dermatoscope USB", 4), photo("Caméra de démonstration", 5)], joined_to_reply=True)
    images = store.get_case(case_id).images
    outbox.queue_reply(case_id, "Voici les photos.", [image.id for image in images[-2:]], expert[-1].platform_id)
    with engine_on(store, asking.base_url) as engine:
        engine.run_once()
    said = store.platform_info(case_id).get("last_error") or ""
    assert len(images) > 2 and said.startswith(f"Image {len(images)} :"), said
