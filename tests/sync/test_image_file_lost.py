"""A case (or a reply) one of whose image files is missing or damaged on this workstation (deleted from the
data folder's ``objects/``, or written over) is held for the user, the others going.

Found from outside: case A queued, then case B, one of A's image files deleted: ``teleavis sync --once``
exited 1 « Un fichier image ou document du dossier est introuvable sur le disque. » at every run, A stayed
« envoi en cours », B never left, and the answers of the cases already sent were never fetched (the poll
comes after the sending); the window paused and tried again every 30 s, failing the same way for ever.
Now A waits for the user (needs-attention) saying which image (by its number) cannot be read here and what
to do; B leaves, the answers come; nothing of A is lost, and it leaves once the image is taken off."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from app import reply_drafts
from app.model import CaseImage, CaseState
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.follow import queue_reply
from sync.mapping import CASE_SYSTEM
from sync.sandbox import SandboxServer
from tests.sync.faultproxy import Exchange, FaultProxy
from tests.sync.sync_helpers import engine_on, make_case, new_case, setup_site
from tests.sync.test_dicom_identity_at_sending import dicom_image

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"


def _photos(*names: str) -> list[bytes]:
    return [(REAL / name).read_bytes() for name in names]


def teleavis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, timeout=120, check=False
    )


def lose(store: Store, image: CaseImage, how: str) -> None:
    """The image's file in the data folder's ``objects/`` deleted, or written over (no longer a blob's)."""
    path = store.data_dir / "objects" / image.blob[:2] / image.blob
    if how == "missing":
        path.unlink()
    else:
        path.write_bytes(b"\x00" * path.stat().st_size)


@pytest.mark.parametrize("how", ["missing", "damaged"])
def test_a_case_whose_image_file_is_lost_is_held_and_the_others_go_and_are_answered(
    teleavis_home: Path, tmp_path: Path, how: str
) -> None:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", sandbox.base_url)
            earlier = make_case(store, image_bytes=_photos("tests_32-lens_data.jpeg", "gps_DSCN0012.jpg"))
        assert teleavis("sync", "--once").returncode == 0
        sandbox.expert.run_until_idle()  # the earlier case answered on the platform
        with Store.open(teleavis_home) as store:
            # A third photo (another far view), so that the case is complete without it: it is the one lost.
            odd = make_case(
                store,
                images=3,
                image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg", "tests_45-gps_ifd.jpg"),
            )
            other = make_case(
                store, image_bytes=_photos("orientation_landscape_1.jpg", "tests_35-empty.jpg"), local_id="D-2292"
            )
            kept = store.get_case(odd).images[0]
            lose(store, store.get_case(odd).images[2], how)
        for run in range(2):  # at every run the same: the others are never held back by it
            done = teleavis("sync", "--once", "--json")
            assert done.returncode == 0, done.stderr
            summary = json.loads(done.stdout)
            assert summary["needs_attention"] == [odd], summary
            assert summary["sent"] == ([other] if run == 0 else [])
            assert "introuvable sur le disque" not in done.stderr and "endommagé" not in done.stderr
        with Store.open(teleavis_home) as store:
            assert store.state(other) == CaseState.SENT
            assert store.state(earlier) == CaseState.ANSWERED  # the poll ran past the odd case
            assert store.state(odd) == CaseState.NEEDS_ATTENTION
            said = str(store.platform_info(odd)["last_error"])
            assert "image 3" in said and "ce poste" in said and "Reprenez" in said and "retirez" in said, said
            assert "MARTIN" not in said and "Paul" not in said
            # Nothing of the case lost: its other image still reads, its words are there.
            case = store.get_case(odd)
            assert len(case.images) == 3 and store.image_bytes(case.images[0]) == _photos("Canon_PowerShot_S40.jpg")[0]
            assert case.question == "Lésion évolutive : avis ?"
            assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{odd}") == 0
            # The nurse takes the image off and sends it again: it leaves, once.
            store.delete_image(odd, case.images[2].id)
            store.queue(odd)
        done = teleavis("sync", "--once", "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["sent"] == [odd]
        assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{odd}") == 1
        assert sandbox.count("Media", identifier=f"urn:teleavis:image-id|{kept.id}") == 1


def test_the_engine_holds_the_case_and_goes_on_in_the_same_pass(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1) as sandbox:
        odd = make_case(store, image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg"))
        other = make_case(store, image_bytes=_photos("tests_45-gps_ifd.jpg", "tests_35-empty.jpg"), local_id="D-2")
        lose(store, store.get_case(odd).images[0], "missing")
        with engine_on(store, sandbox.base_url) as engine:
            # As the window runs it (ui/sync_service.py): it went on, nothing raised to pause it.
            summary = engine.run_forever(threading.Event(), timeout=2.0)
        assert summary.sent == [other] and summary.needs_attention == [odd]
        assert "image 1" in str(store.platform_info(odd)["last_error"])
        assert not Outbox(store).due()


@pytest.mark.parametrize("how", ["missing", "damaged"])
def test_a_reply_whose_image_file_is_lost_is_held_and_the_other_replies_go(
    store: Store, tmp_path: Path, how: str
) -> None:
    with (
        SandboxServer(tmp_path / "platform", run_expert=False, question_rate=1.0, seed=3) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        odd_case = make_case(store, seed=1)
        other_case = make_case(store, seed=2, local_id="D-2292")
        engine.run_once()
        sandbox.expert.run_until_idle()  # the expert asks on both
        engine.run_once()
        assert store.state(odd_case) == store.state(other_case) == CaseState.ON_HOLD
        photo, other_photo = _photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg")
        record = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=480, height=360)
        odd = queue_reply(store, odd_case, "Depuis deux mois.", [NewImage(record, photo)])
        other_record = CaseImage(body_site="dos", view="far", content_type="image/jpeg", width=100, height=75)
        other = queue_reply(store, other_case, "Depuis un an.", [NewImage(other_record, other_photo)])
        lose(store, store.image(odd_case, record.id), how)
        for _run in range(2):  # the next pass the same: nothing raised, nothing posted for it
            engine.run_once()
        assert not Outbox(store).queued_replies()
        assert sandbox.count("Communication", identifier=f"urn:teleavis:message-id|{other}") == 1
        assert sandbox.count("Communication", identifier=f"urn:teleavis:message-id|{odd}") == 0
        said = str(store.platform_info(odd_case)["last_error"])
        number = [image.id for image in store.get_case(odd_case).images].index(record.id) + 1
        assert f"image {number}" in said and "ce poste" in said, said
        (message,) = [m for m in Outbox(store).messages(odd_case) if m.id == odd]
        assert message.state == "refused"
        # Its words are back in the reply begun; the image that cannot be read is taken off it (sent again as
        # it came back, the reply would be refused again), said so.
        assert "Depuis deux mois." in reply_drafts.load(store, odd_case)
        assert reply_drafts.load_again(store, odd_case, [record.id]) == []
        assert "retirée de la réponse" in said
        assert record.id not in reply_drafts.refused_too_large(store, odd_case)  # (nothing to send reduced)


def test_a_case_that_may_have_arrived_is_looked_up_not_held_when_its_dicom_file_is_lost(
    store: Store, tmp_path: Path
) -> None:
    """Its transaction posted and its answer lost (the platform recorded it), then a retinograph's file lost
    here: the DICOM sent is read again before anything goes (its header checked against the identity), and
    cannot be. The case is looked up first: found, it is followed as sent, never posted again, and nothing says
    the platform refused it (it did not)."""
    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1) as sandbox:
        case = new_case("ophthalmology")
        case_id = store.create_case(case, [dicom_image(case.patient, "R"), dicom_image(case.patient, "L")])
        store.queue(case_id)
        posted: list[str] = []

        def answer_lost(exchange: Exchange, _headers: dict[str, str]) -> str | None:
            # The transaction reaches the platform; its answer, and every look-up after it, are cut.
            if exchange.method == "POST" and exchange.path.rstrip("/").endswith("/fhir"):
                posted.append(exchange.path)
            return "reset-after" if posted else None

        with FaultProxy(sandbox.base_url, after=answer_lost) as proxy, engine_on(store, proxy.base_url) as engine:
            engine.run_once(poll=False, timeout=3.0)
        assert posted and sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{case_id}") == 1
        assert store.state(case_id) == CaseState.QUEUED
        lose(store, store.get_case(case_id).images[0], "missing")
        with engine_on(store, sandbox.base_url) as engine:
            summary = engine.run_once()
        assert summary.sent == [case_id] and summary.needs_attention == []
        assert store.state(case_id) == CaseState.SENT
        assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{case_id}") == 1
        said = str(store.platform_info(case_id).get("last_error") or "")
        assert "refus" not in said, said
