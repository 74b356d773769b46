"""A demo camera's still joined to a reply never reaches a real expert: the reply is refused at its send,
as a case holding one is (tests/app/test_demo_image_refused.py, ``app.validation.demo_images``). Found in
review: the case's send refused it, the reply to the expert's question took it, and the expert would have
read a synthetic picture as the patient's."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app import i18n
from app.errors import TeleavisError
from app.model import CaseState
from app.outbox import Outbox
from app.store import PLATFORM, TRAINING, NewImage, Store
from sync.follow import queue_reply
from sync.sandbox import SandboxServer
from tests.app.test_store import new_image
from tests.sync.sync_helpers import engine_on, make_case

REAL = "https://plateforme.example/fhir"


@pytest.fixture
def asking(tmp_path: Path) -> Iterator[SandboxServer]:
    """A platform whose expert asks a question on every case (its address given to the engine directly)."""
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, question_rate=1.0, run_expert=False) as server:
        yield server


def on_hold(store: Store, server: SandboxServer) -> str:
    case_id = make_case(store)
    with engine_on(store, server.base_url) as engine:
        engine.run_once()
        server.expert.run_until_idle()
        engine.run_once()
    assert store.state(case_id) == CaseState.ON_HOLD
    return case_id


def photo(device: str, seed: int = 7) -> NewImage:
    image = new_image(seed)
    image.record.device = device
    return image


def replies(store: Store, case_id: str) -> list[str]:
    return [m.text for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]


@pytest.mark.parametrize(
    ("language", "device", "words"),
    [
        ("fr", "Caméra de démonstration", "caméra de démonstration"),
        ("en", "Demo retinograph", "demo camera"),
    ],
)
def test_a_demo_still_joined_to_a_reply_for_the_real_platform_is_refused_nothing_left(
    store: Store, asking: SandboxServer, language: str, device: str, words: str
) -> None:
    store.settings.set("platform.url", REAL)
    case_id = on_hold(store, asking)
    assert store.destination(case_id) == PLATFORM
    images = len(store.get_case(case_id).images)
    before = i18n.language()
    i18n.set_language(language)
    try:
        with pytest.raises(TeleavisError) as refused:
            queue_reply(store, case_id, "Voici la photo.", [photo("Dermatoscope USB", 3), photo(device)])
    finally:
        i18n.set_language(before)
    said = refused.value.message
    assert said.startswith("Image 2") and words in said, said  # numbered as the reply's rows
    assert ("rien n'est parti" if language == "fr" else "nothing has left") in said, said
    assert replies(store, case_id) == [], "nothing queued"
    assert len(store.get_case(case_id).images) == images, "its photos not made the case's"
    # A real camera's photo goes.
    queue_reply(store, case_id, "Voici la photo.", [photo("Dermatoscope USB", 3)])
    assert replies(store, case_id) == ["Voici la photo."]


def test_a_demo_still_joined_to_a_training_reply_goes(store: Store, asking: SandboxServer) -> None:
    case_id = on_hold(store, asking)  # no platform set: training mode
    assert store.destination(case_id) == TRAINING
    queue_reply(store, case_id, "Voici la photo.", [photo("Caméra de démonstration")])
    assert replies(store, case_id) == ["Voici la photo."]


def test_a_reply_queued_with_a_demo_still_before_the_check_never_reaches_the_real_expert(
    store: Store, asking: SandboxServer
) -> None:
    """A reply queued by the release before (no check at its queuing), or by any path but ``queue_reply``, is
    refused at its sending: found in review, the engine posted a queued reply's demo still to the real expert
    after the upgrade, and at each try after a restart."""
    from app import reply_drafts
    from sync.follow import to_send_again

    store.settings.set("platform.url", REAL)
    case_id = on_hold(store, asking)
    outbox = Outbox(store)
    expert = [m for m in outbox.messages(case_id) if m.direction == "from-expert"]
    demo = photo("Caméra de démonstration", 5)
    # As the release before queued it: the photo made the case's, the reply queued, no demo check.
    store.add_images(case_id, [photo("Dermatoscope USB", 4), demo], joined_to_reply=True)
    ids = [image.id for image in store.get_case(case_id).images][-2:]
    outbox.queue_reply(case_id, "Voici les photos.", ids, expert[-1].platform_id)
    posted_before = len(asking.resources("Communication"))
    with engine_on(store, asking.base_url) as engine:
        engine.run_once()
    posted = asking.resources("Communication")
    assert len(posted) == posted_before, "nothing posted to the expert"
    states = [m.state for m in outbox.messages(case_id) if m.direction == "to-expert"]
    assert states == ["refused"], states
    assert "Voici les photos." in reply_drafts.load(store, case_id), "her words back to the reply begun"
    said = store.platform_info(case_id).get("last_error") or ""
    number = [image.id for image in store.get_case(case_id).images].index(ids[1]) + 1  # the case's numbering
    assert f"Image {number} " in said and "démonstration" in said and "cette image retirée" in said, said
    assert "Retirez-la" not in said, "already taken off: not asked of her"
    # The demo still is not offered to go again; the real one is.
    gone = to_send_again(outbox.messages(case_id))
    again = [image_id for image_id, _name in reply_drafts.load_again(store, case_id, gone)]
    assert again == [ids[0]], again
