"""A queued reply to the expert's question is checked again, by this release's rules, when it is sent.

Found in review: queuing a reply refuses a photo the quality check judged unusable, a retinograph without its
eye, a photo without its body site and a demo still; its sending checked the demo still alone. A reply queued by
an older release (its older quality checks, or before a rule was tightened), left in the outbox across an
update, went to the expert unchecked. Now its sending runs the same checks (``sync.follow.reply_photo_refused``,
one copy of the rules), its photos judged by an older release's checks judged again by today's: refused, the
reply comes back to the nurse's hands with what to correct, nothing posted, every other item of the outbox
going. One whose transaction already reached the platform (its answer lost) is not refused and made again.
These run over HTTP against the sandbox platform (tests/sync/test_checklist_at_sending.py: the same for a
case).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from app import reply_drafts
from app.model import CHECKS_VERSION, CaseImage, CaseState, iso, utc_now
from app.outbox import REPLY_RETRY, Outbox
from app.store import NewImage, Store
from sync.codes import IMAGE_SYSTEM, MESSAGE_SYSTEM
from sync.follow import change_record, queue_reply
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import Exchange, FaultProxy
from tests.sync.sync_helpers import engine_on, jpeg, make_case, setup_site

pytestmark = pytest.mark.usefixtures("site")


@pytest.fixture
def site(store: Store) -> None:
    setup_site(store)


@pytest.fixture
def asking(tmp_path: Path) -> Iterator[SandboxServer]:
    """A platform whose expert asks a question on every case."""
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, question_rate=1.0, run_expert=False) as server:
        yield server


def on_hold(store: Store, server: SandboxServer, *seeds: int) -> list[str]:
    cases = [make_case(store, seed=seed, local_id=f"D-{7700 + seed}", ins=False) for seed in seeds]
    with engine_on(store, server.base_url) as engine:
        engine.run_once()
        server.expert.run_until_idle()
        engine.run_once()
    assert [store.state(case_id) for case_id in cases] == [CaseState.ON_HOLD] * len(cases)
    return cases


def good_photo(seed: int) -> NewImage:
    """A photo this release's checks take (sharp, large enough), with its body site."""
    record = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=800, height=600)
    return NewImage(record, jpeg(800, 600, seed=seed, noise=True))


def queue_as_an_older_release(store: Store, case_id: str, text: str, photo: NewImage) -> str:
    """As an older release queued it: the photo made the case's, the reply queued, none of today's checks."""
    outbox = Outbox(store)
    expert = [m for m in outbox.messages(case_id) if m.direction == "from-expert"]
    store.add_images(case_id, [photo], joined_to_reply=True)
    image_id = store.get_case(case_id).images[-1].id
    return outbox.queue_reply(case_id, text, [image_id], expert[-1].platform_id)


def reply_state(store: Store, case_id: str, message_id: str) -> str:
    return next(m.state for m in Outbox(store).messages(case_id) if m.id == message_id)


def posted(server: SandboxServer, system: str, value: str) -> int:
    return server.count("Communication" if system == MESSAGE_SYSTEM else "Media", identifier=f"{system}|{value}")


@pytest.mark.parametrize(
    ("older", "wanted"),
    [
        # Queued before the body site was asked of a reply's photo (its checks older too).
        (
            CaseImage(view="close-up", content_type="image/jpeg", width=800, height=600, checks=CHECKS_VERSION - 1),
            "ne dit pas où elle a été prise",
        ),
        # Judged by an older release's checks, which took it: today's judge it unusable (far too small, blank).
        (
            CaseImage(body_site="dos", content_type="image/jpeg", width=64, height=48, checks=CHECKS_VERSION - 1),
            "est inutilisable (",
        ),
    ],
    ids=["no-body-site", "unusable-by-today-s-checks"],
)
def test_a_reply_queued_by_an_older_release_is_checked_again_at_its_sending(
    store: Store, asking: SandboxServer, older: CaseImage, wanted: str
) -> None:
    odd_case, good_case = on_hold(store, asking, 0, 1)
    taken = jpeg(older.width, older.height, seed=41, noise=older.width > 64)  # (a blank one: the small one)
    odd = queue_as_an_older_release(store, odd_case, "Depuis trois semaines.", NewImage(older, taken))
    photo_id = store.get_case(odd_case).images[-1].id
    good = queue_reply(store, good_case, "Elle ne gratte pas.", [good_photo(42)])
    other = make_case(store, seed=2, local_id="D-7702", ins=False)  # a case queued meanwhile

    with engine_on(store, asking.base_url) as engine:
        summary = engine.run_once()

    # Refused here, nothing of it posted: neither the reply nor its photo.
    assert reply_state(store, odd_case, odd) == "refused"
    assert posted(asking, MESSAGE_SYSTEM, odd) == 0 and posted(asking, IMAGE_SYSTEM, photo_id) == 0
    said = str(store.platform_info(odd_case).get("last_error") or "")
    number = [image.id for image in store.get_case(odd_case).images].index(photo_id) + 1  # the case's numbering
    assert f"l'image {number}," in said and wanted in said, said
    assert "n'est pas partie" in said and "Rien n'est perdu" in said and "envoyez la réponse de nouveau" in said
    # Back in her hands: her words in the reply begun, that photo taken off it (not offered to go again).
    assert "Depuis trois semaines." in reply_drafts.load(store, odd_case)
    assert reply_drafts.load_again(store, odd_case, [photo_id]) == []
    # The outbox's other items went in the same pass.
    assert reply_state(store, good_case, good) == "sent" and posted(asking, MESSAGE_SYSTEM, good) == 1
    assert summary.sent == [other] and summary.replies_sent == 1
    # Nothing rewritten of the photo while it was queued (its case's page judges it again once it is hers).
    assert store.get_case(odd_case).images[-1].checks == CHECKS_VERSION - 1
    # Corrected (a new photo, saying where it was taken) and sent: it leaves, and its case says no more that it
    # did not.
    corrected = queue_reply(store, odd_case, "Depuis trois semaines.", [good_photo(44)])
    with engine_on(store, asking.base_url) as engine:
        assert engine.run_once().replies_sent == 1
    assert reply_state(store, odd_case, corrected) == "sent"
    assert not store.platform_info(odd_case).get("last_error")


def test_a_reply_whose_posting_reached_the_platform_is_not_refused_and_made_again(
    store: Store, asking: SandboxServer
) -> None:
    """Its transaction posted and recorded by the platform, its answer lost; an update meanwhile, whose checks
    would refuse its photo: the reply is looked up first, found, recorded sent; never refused, its words never
    back to the reply begun (she would send it a second time)."""
    (case_id,) = on_hold(store, asking, 0)
    message_id = queue_reply(store, case_id, "Depuis trois semaines.", [good_photo(43)])
    photo = store.get_case(case_id).images[-1]
    lost: list[str] = []

    def answer_lost(exchange: Exchange, _headers: dict[str, str]) -> str | None:
        # The reply's transaction reaches the platform; its answer, and everything after it, are cut.
        if exchange.method == "POST" and exchange.path.rstrip("/").endswith("/fhir"):
            lost.append(exchange.path)
        return "reset-after" if lost else None

    with FaultProxy(asking.base_url, after=answer_lost) as proxy, engine_on(store, proxy.base_url) as engine:
        engine.run_once(poll=False, timeout=3.0)
    assert lost and posted(asking, MESSAGE_SYSTEM, message_id) == 1
    assert reply_state(store, case_id, message_id) == "queued"
    # An older release's photo as this one would refuse it (no body site), and its wait over.
    found = store._bound_context(case_id, photo.id)
    assert found is not None
    with store.conn:
        meta = store._image_meta(replace(photo, body_site=""), *found)
        store.conn.execute("UPDATE images SET meta=? WHERE id=?", (meta, photo.id))

    def now(record: dict[str, list[object]]) -> None:
        record[message_id] = [record[message_id][0], iso(utc_now()), *record[message_id][2:]]

    change_record(store, REPLY_RETRY, now)

    with engine_on(store, asking.base_url) as engine:
        assert engine.run_once().replies_sent == 1
    assert reply_state(store, case_id, message_id) == "sent"
    assert posted(asking, MESSAGE_SYSTEM, message_id) == 1
    assert "Depuis trois semaines." not in reply_drafts.load(store, case_id)
    said = str(store.platform_info(case_id).get("last_error") or "")
    assert "n'est pas partie" not in said, said
