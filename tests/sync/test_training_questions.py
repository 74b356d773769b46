"""Training mode: the simulated expert sometimes asks a question (issue 14.17), so a newcomer tries the
reply loop too. Which cases get a question is drawn from the case id: tests pick their cases."""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.model import CaseState
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.sandbox.shapes import asks_question
from tests.support.cli import run_inprocess
from tests.sync.sync_helpers import image_records, jpeg, new_case

RATE = 0.25


def test_about_one_case_in_four_gets_a_question_always_the_same_ones() -> None:
    ids = [str(uuid.UUID(int=n * 7919 + 13)) for n in range(800)]
    asked = [case_id for case_id in ids if asks_question(case_id, RATE)]
    assert 0.2 <= len(asked) / len(ids) <= 0.3
    assert asked == [case_id for case_id in ids if asks_question(case_id, RATE)]
    assert not any(asks_question(case_id, 0.0) for case_id in ids)
    assert all(asks_question(case_id, 1.0) for case_id in ids)


def case_id_where(asks: bool) -> str:
    return next(case_id for case_id in (str(uuid.uuid4()) for _ in range(1000)) if asks_question(case_id, RATE) == asks)


def stored_case(store: Store, case_id: str) -> str:
    case = new_case()
    case.id = case_id
    images = []
    for n, record in enumerate(image_records("dermatology")):
        record.width, record.height = 64, 48
        images.append(NewImage(record, jpeg(seed=n), None))
    store.create_case(case, images)
    store.queue(case_id)
    return case_id


@pytest.fixture
def training(store: Store) -> Iterator[Store]:
    assert store.settings.get("sandbox.question_rate") == RATE  # the default a new user gets
    store.settings.set("sandbox.answer_after_s", 0.0)
    yield store
    from sync.training import stop_sandboxes

    stop_sandboxes()


def test_the_training_expert_asks_on_the_cases_drawn_and_answers_the_others(
    training: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    store = training
    asked = stored_case(store, case_id_where(True))
    answered = stored_case(store, case_id_where(False))
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        assert run_inprocess(capsys, "sync", "--once").code == 0
        if store.state(asked) == CaseState.ON_HOLD and store.state(answered) == CaseState.ANSWERED:
            break
        time.sleep(0.3)
    assert store.state(asked) == CaseState.ON_HOLD
    assert store.state(answered) == CaseState.ANSWERED
    question = [m for m in Outbox(store).messages(asked) if m.direction == "from-expert"]
    assert len(question) == 1 and "?" in question[0].text
    assert store.answer(asked) is None


def test_an_unusable_image_for_the_expert_is_said_attached_in_english(store: Store, tmp_path: Path) -> None:
    """Found from outside: in English, a reply's unusable photo was « An image joined is unusable …
    then join a sharp one »: French turned word for word (« jointe », « joignez »)."""
    from app import i18n
    from app.errors import TeleavisError
    from app.model import CaseImage
    from capture.pipeline import prepare_image_file
    from sync.follow import queue_reply
    from tests.support.scripted_platform import on_hold_with_a_question
    from tests.sync.sync_helpers import setup_site

    setup_site(store)
    (case_id,) = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    # A real camera's file, 100 × 75 pixels: too small to be read by the expert (blocking).
    small = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras" / "Nikon_COOLPIX_P1.jpg"
    prepared = prepare_image_file(small, specialty="dermatology")
    record = CaseImage(content_type=prepared.content_type, width=prepared.width, height=prepared.height)
    record.quality = list(prepared.quality)
    i18n.set_language("en")
    try:
        with pytest.raises(TeleavisError) as refused:
            queue_reply(store, case_id, "Since May.", [NewImage(record, prepared.data, prepared.thumbnail)])
    finally:
        i18n.set_language(None)
    assert refused.value.message.startswith("An attached image is unusable (")
    assert refused.value.message.endswith("Remove the images, then attach a sharp one.")
