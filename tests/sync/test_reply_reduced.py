"""A reply to the expert with a phone's photo, over a slow link without resumable uploads: the nurse may
choose, per reply, to send reduced copies (issue 18.5), as for a case's photos.

Found by a nurse's pass: a 12 MP photo joined to a reply went full size, whatever the link, while the case's
own photos could go reduced. The choice is kept with the reply (the case's send record is gone once the
case has left), survives a restart, and the engine honours it: the expert gets a copy whose longest side is
3000 px at most, in JPEG, said to be reduced; the original stays here."""

from __future__ import annotations

import io
import time
from pathlib import Path

from PIL import Image

from app.model import CaseImage
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.auth import StaticToken
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from sync.follow import queue_reply
from sync.progress import PrintingListener, RateMeter, RecordingListener
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import FaultProxy
from tests.sync.sync_helpers import on_hold_with_a_question, setup_site


def _phone_photo() -> bytes:
    """A photo as a 12 MP phone gives it (4000 × 3000, JPEG), a few megabytes."""
    out = io.BytesIO()
    Image.effect_noise((4000, 3000), 30).convert("RGB").save(out, "JPEG", quality=92)
    return out.getvalue()


def _client(base_url: str) -> PlatformClient:
    return PlatformClient(
        ClientConfig(base_url, 2.0, 20.0), StaticToken(None), policy=RetryPolicy(base_s=0.02, cap_s=0.2)
    )


def _reply_through_a_slow_link(home: Path, tmp_path: Path, *, reduced: bool) -> None:
    photo = _phone_photo()
    with SandboxServer(tmp_path / "platform", run_expert=False, resumable=False, question_rate=1.0, seed=3) as sandbox:
        with Store.open(home) as store:
            setup_site(store)
            with _client(sandbox.base_url) as client:
                case_id, _ = on_hold_with_a_question(store, sandbox, client)
            record = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=4000, height=3000)
            message_id = queue_reply(store, case_id, "Voici la photo demandée.", [NewImage(record, photo)])
            # The link is down at first: the reply waits (nothing of it reached the platform).
            with (
                FaultProxy(sandbox.base_url, fault_rate=1.0, faults=("reset-before",)) as down,
                _client(down.base_url) as client,
            ):
                Engine(store, client, case_budget_s=0.5).run_once(poll=False)
            assert [m.id for _, m in Outbox(store).queued_replies()] == [message_id]
            if reduced:
                Outbox(store).set_reply_reduced(case_id, message_id)
        # Restarted: the choice was kept with the reply.
        with Store.open(home) as store:
            (queued,) = Outbox(store).queued_replies()
            said = io.StringIO()
            listener = PrintingListener(said, meter=lambda: RateMeter(slow_after_s=0.5))
            assert queued[1].reduced is reduced
            with (
                # A 7 MB photo takes some 6 s whole at this rate: the slow link is said, from the measured rate.
                FaultProxy(sandbox.base_url, rate=1_200_000, latency_s=0.05) as link,
                _client(link.base_url) as client,
            ):
                time.sleep(0.3)  # its short wait after the cut is over
                summary = Engine(store, client, listener, case_budget_s=60.0).run_once(poll=False)
            assert summary.replies_sent == 1
            assert not Outbox(store).queued_replies()
            # Exactly once: one Communication, one Media, one Binary of the photo.
            assert sandbox.count("Communication", identifier=f"urn:teleavis:message-id|{message_id}") == 1
            assert sandbox.count("Media", identifier=f"urn:teleavis:image-id|{record.id}") == 1
            (media,) = [m for m in sandbox.resources("Media") if m.get("identifier", [{}])[0].get("value") == record.id]
            sent = sandbox.binary_bytes(media["content"]["url"].rsplit("/", 1)[-1])
            # The original stays here, untouched.
            assert store.image_bytes(next(i for i in store.get_case(case_id).images if i.id == record.id)) == photo
        if reduced:
            with Image.open(io.BytesIO(sent)) as image:
                assert image.format == "JPEG" and max(image.size) <= 3000 and image.size == (3000, 2250)
            assert len(sent) < len(photo) and media["content"]["size"] == len(sent)
            assert (media["width"], media["height"]) == (3000, 2250)
            assert "copie réduite" in media["content"]["title"]
            notes = " ".join(note["text"] for note in media.get("note", []))
            assert "Copie réduite" in notes and "Mo)" in notes, notes
        else:
            assert sent == photo
            # Told why it is slow, as for a case's photos (the window says it from the same reports).
            assert "liaison lente : " in said.getvalue(), said.getvalue()
            assert "copie réduite" not in media["content"].get("title", "")


def test_a_reply_chosen_reduced_sends_a_reduced_copy_once_after_a_restart(teleavis_home: Path, tmp_path: Path) -> None:
    _reply_through_a_slow_link(teleavis_home, tmp_path, reduced=True)


def test_a_reply_not_chosen_reduced_sends_the_photo_whole_once(teleavis_home: Path, tmp_path: Path) -> None:
    _reply_through_a_slow_link(teleavis_home, tmp_path, reduced=False)


class _ChoosesWhileItLeaves(RecordingListener):
    """The nurse choosing reduced copies while the reply's first photo leaves (the window writes it on its own
    connection; the engine reads it from the store)."""

    def __init__(self, home: Path, case_id: str, message_id: str) -> None:
        super().__init__()
        self.home, self.case_id, self.message_id, self.chosen = home, case_id, message_id, False

    def bytes_sent(self, case_id: str, sent: int, total: int) -> None:
        super().bytes_sent(case_id, sent, total)
        if sent > 0 and not self.chosen:
            self.chosen = True
            with Store.open(self.home) as own:
                assert Outbox(own).set_reply_reduced(self.case_id, self.message_id)


def test_reduced_chosen_while_a_reply_photo_leaves_holds_for_the_next(teleavis_home: Path, tmp_path: Path) -> None:
    first, second = _phone_photo(), _phone_photo()
    with (
        SandboxServer(tmp_path / "platform", run_expert=False, resumable=False, question_rate=1.0, seed=3) as sandbox,
        Store.open(teleavis_home) as store,
        _client(sandbox.base_url) as client,
    ):
        setup_site(store)
        case_id, _ = on_hold_with_a_question(store, sandbox, client)
        records = [
            CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=4000, height=3000)
            for _ in range(2)
        ]
        message_id = queue_reply(
            store, case_id, "Voici les photos.", [NewImage(r, b) for r, b in zip(records, (first, second), strict=True)]
        )
        listener = _ChoosesWhileItLeaves(teleavis_home, case_id, message_id)
        assert Engine(store, client, listener, case_budget_s=60.0).run_once(poll=False).replies_sent == 1
        assert listener.chosen
        sent = {}
        for media in sandbox.resources("Media"):
            ids = [i.get("value") for i in media.get("identifier", [])]
            for record in records:
                if record.id in ids:
                    sent[record.id] = sandbox.binary_bytes(media["content"]["url"].rsplit("/", 1)[-1])
        assert sent[records[0].id] == first  # already leaving whole: it went whole
        with Image.open(io.BytesIO(sent[records[1].id])) as image:
            assert max(image.size) == 3000  # the next went reduced


def test_a_reply_photo_refused_as_too_large_goes_reduced_once_joined_again(teleavis_home: Path, tmp_path: Path) -> None:
    """Found in review: a reply's photo over the platform's limit (a 48 MP phone's) was refused with « exportez-la
    à nouveau de l'appareil en plus petit », which a nurse cannot do with a phone's photo, though a reply may now
    go reduced; and joined again, it left whole at once (the reply taken up before she could choose), refused
    again. Joined again, it now goes as a reduced copy, as the refusal says; the original stays here."""
    from app import reply_drafts
    from sync.reduced import reduced_copy

    photo = _phone_photo()
    copy = reduced_copy(photo, "image/jpeg")
    assert copy is not None
    limit = (len(photo) + len(copy[0])) // 2  # the original over it, its reduced copy under it
    with (
        SandboxServer(
            tmp_path / "platform", run_expert=False, question_rate=1.0, seed=3, max_binary_bytes=limit
        ) as sandbox,
        Store.open(teleavis_home) as store,
        _client(sandbox.base_url) as client,
    ):
        setup_site(store)
        case_id, engine = on_hold_with_a_question(store, sandbox, client)
        record = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=4000, height=3000)
        queue_reply(store, case_id, "Voici la photo demandée.", [NewImage(record, photo)])
        engine.run_once(poll=False)
        words = reply_drafts.refused_why(store, case_id)
        assert "(413)" in words and "Joignez-la de nouveau" in words and "copie réduite" in words, words
        assert "exportez-la" not in words, words
        assert reply_drafts.too_large(store, case_id) == {record.id}
        # Joined again in the reply box (ui/follow_view.py), then sent at once: the window writes that it was
        # joined again on its writer thread, maybe after the reply is queued.
        again = queue_reply(store, case_id, "Voici la photo demandée.", [], again=[record.id])
        assert Outbox(store).reply_reduced(case_id, again)
        assert engine.run_once(poll=False).replies_sent == 1
        (media,) = [m for m in sandbox.resources("Media") if m.get("identifier", [{}])[0].get("value") == record.id]
        assert "copie réduite" in media["content"]["title"] and media["content"]["size"] < limit
        assert store.image_bytes(next(i for i in store.get_case(case_id).images if i.id == record.id)) == photo
