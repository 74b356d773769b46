"""An image to send whose file is there but cannot be read on this workstation: its access refused (its rights
changed), or the disk failing under it (EIO). Never the other cases', the replies' or the answers' hold-up.

Found in review: every read error but « missing » or « not a blob » went up from the pass as the store's error:
``teleavis sync --once`` exited 1 « … introuvable … » / « lecture impossible » at every run and the window paused
and started again every 30 s, the case at the head of the queue stopped every pass there, for ever; the other
cases never left and the answers were never fetched (the poll comes after the sending).

Now: access refused (POSIX rights, which do not change by themselves) holds the case at once, saying so and what
to do; a disk's read error (which a disk sometimes gets over: a sector read at the next try, a USB disk or a
network share back) postpones it as a cut link would, said on it, and holds it after ``READ_TRIES`` passes that
failed, saying to call IT support. The others go in the same pass either way.

Real read errors, as root (the tests run as root, whom rights do not stop): EIO by the blob's path made a link to
``/proc/self/mem``, whose first page the kernel refuses to read (EIO, the disk error's errno); access refused by
a blob's file made mode 000 and ``teleavis sync --once`` run without the capabilities by which root reads any
file (``setpriv``: the kernel then answers EACCES, as to any user); a blob's file replaced by a folder (EISDIR)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app import reply_drafts
from app.model import CaseImage, CaseState
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.engine import READ_TRIES
from sync.follow import queue_reply
from sync.mapping import CASE_SYSTEM
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import FAST, engine_on, make_case, setup_site

REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real-cameras"


def _photos(*names: str) -> list[bytes]:
    return [(REAL / name).read_bytes() for name in names]


def _blob(store: Store, image: CaseImage) -> Path:
    return store.data_dir / "objects" / image.blob[:2] / image.blob


def disk_error(store: Store, image: CaseImage) -> Path:
    """The image's file made one whose read the kernel fails with EIO; its bytes kept beside it (to put back)."""
    path = _blob(store, image)
    kept = path.with_name(path.name + ".kept")
    path.rename(kept)
    path.symlink_to("/proc/self/mem")
    return kept


def _until_not_queued(engine_pass: object, store: Store, case_id: str) -> int:
    """Passes until the case leaves the queue (postponed by the fast policy: at most its cap, 0.2 s)."""
    for passes in range(1, 3 * READ_TRIES + 1):
        time.sleep(FAST.cap_s + 0.05)  # (its next try due: not a bound on the code's speed)
        engine_pass()  # type: ignore[operator]
        if store.state(case_id) != CaseState.QUEUED:
            return passes
    return -1


def test_a_disk_read_error_postpones_the_case_then_holds_it_and_the_others_go_and_are_answered(
    store: Store, tmp_path: Path
) -> None:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as sandbox:
        setup_site(store)
        with engine_on(store, sandbox.base_url) as engine:
            earlier = make_case(store, image_bytes=_photos("tests_32-lens_data.jpeg", "gps_DSCN0012.jpg"))
            engine.run_once()
            sandbox.expert.run_until_idle()
            odd = make_case(store, image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg"))
            other = make_case(
                store, image_bytes=_photos("orientation_landscape_1.jpg", "tests_35-empty.jpg"), local_id="D-2292"
            )
            disk_error(store, store.get_case(odd).images[1])
            summary = engine.run_once()  # nothing raised: the pass went on past it
            assert summary.sent == [other], summary
            assert store.state(earlier) == CaseState.ANSWERED  # the poll ran
            assert store.state(odd) == CaseState.QUEUED
            said = str(store.platform_info(odd)["last_error"])
            assert "image 2" in said and "lu" in said and "nouvel essai" in said, said
            # Tried again at the next passes; held after READ_TRIES of them in all, saying to call IT support.
            passes = _until_not_queued(lambda: engine.run_once(), store, odd)
        assert passes == READ_TRIES - 1
        assert store.state(odd) == CaseState.NEEDS_ATTENTION
        said = str(store.platform_info(odd)["last_error"])
        assert "image 2" in said and "support informatique" in said and "retirez" in said, said
        assert "MARTIN" not in said
        assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{odd}") == 0
        assert store.get_case(odd).question == "Lésion évolutive : avis ?"  # nothing of it lost


def test_a_disk_read_error_that_passes_lets_the_case_go(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1) as sandbox:
        setup_site(store)
        odd = make_case(store, image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg"))
        image = store.get_case(odd).images[0]
        kept = disk_error(store, image)
        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once()
            assert store.state(odd) == CaseState.QUEUED
            _blob(store, image).unlink()
            kept.rename(_blob(store, image))  # the disk read it at the next try
            assert _until_not_queued(lambda: engine.run_once(), store, odd) >= 1
        assert store.state(odd) == CaseState.SENT
        assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{odd}") == 1
        said = str(store.platform_info(odd).get("last_error") or "")
        assert "image" not in said, said  # the words of its wait gone with it


def test_a_blob_replaced_by_a_folder_holds_the_case_at_once(store: Store, tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1) as sandbox:
        setup_site(store)
        odd = make_case(store, image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg"))
        other = make_case(store, image_bytes=_photos("tests_45-gps_ifd.jpg", "tests_35-empty.jpg"), local_id="D-2")
        path = _blob(store, store.get_case(odd).images[0])
        path.unlink()
        path.mkdir()
        with engine_on(store, sandbox.base_url) as engine:
            summary = engine.run_once()
        assert summary.sent == [other] and summary.needs_attention == [odd]
        assert "image 1" in str(store.platform_info(odd)["last_error"])


#: Root without the capabilities that let it read any file whatever its rights: its reads obey them as anyone's.
NOT_OVER_RIGHTS = [
    "setpriv",
    "--bounding-set",
    "-dac_override,-dac_read_search",
    "--inh-caps",
    "-dac_override,-dac_read_search",
]


def _bound_by_rights(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*NOT_OVER_RIGHTS, sys.executable, "-m", "app.main", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )


@pytest.mark.skipif(
    not hasattr(os, "getuid") or (os.getuid() != 0 and os.geteuid() != 0) or shutil.which("setpriv") is None,
    reason="an unreadable file as root needs setpriv (as another user, chmod 000 does it)",
)
def test_an_image_file_whose_access_is_refused_holds_its_case_at_once_and_the_others_go(
    teleavis_home: Path, tmp_path: Path
) -> None:
    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1) as sandbox:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.url", sandbox.base_url)
            odd = make_case(store, image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg"))
            other = make_case(store, image_bytes=_photos("tests_45-gps_ifd.jpg", "tests_35-empty.jpg"), local_id="D-2")
            refused = _blob(store, store.get_case(odd).images[1])
        refused.chmod(0)  # its rights changed (a backup tool, an administrator): no one may read it
        for _run in range(2):  # the same at every run: held, never in the way
            done = _bound_by_rights("sync", "--once", "--json")
            assert done.returncode == 0, done.stderr
            summary = json.loads(done.stdout)
            assert summary["needs_attention"] == [odd], summary
        with Store.open(teleavis_home) as store:
            assert store.state(other) == CaseState.SENT
            assert store.state(odd) == CaseState.NEEDS_ATTENTION
            said = str(store.platform_info(odd)["last_error"])
            assert "image 2" in said and "accès" in said and "support informatique" in said, said
            assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{odd}") == 0
            # Its access given back, and sent again: it leaves, once.
            refused.chmod(0o600)
            store.queue(odd)
        done = _bound_by_rights("sync", "--once", "--json")
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["sent"] == [odd]
        assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{odd}") == 1


def test_a_reply_whose_image_the_disk_fails_to_read_waits_then_is_held_and_the_others_go(
    store: Store, tmp_path: Path
) -> None:
    with (
        SandboxServer(tmp_path / "platform", run_expert=False, question_rate=1.0, seed=3) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        odd_case = make_case(store, seed=1)
        other_case = make_case(store, seed=2, local_id="D-2292")
        engine.run_once()
        sandbox.expert.run_until_idle()
        engine.run_once()
        photo, other_photo = _photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg")
        record = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=480, height=360)
        odd = queue_reply(store, odd_case, "Depuis deux mois.", [NewImage(record, photo)])
        other_record = CaseImage(body_site="dos", view="far", content_type="image/jpeg", width=100, height=75)
        other = queue_reply(store, other_case, "Depuis un an.", [NewImage(other_record, other_photo)])
        disk_error(store, store.image(odd_case, record.id))
        engine.run_once()  # nothing raised
        assert sandbox.count("Communication", identifier=f"urn:teleavis:message-id|{other}") == 1
        assert [m.id for _c, m in Outbox(store).queued_replies()] == [odd]  # waits, tried again
        said = str(store.platform_info(odd_case)["last_error"])
        assert "pas encore partie" in said and "lu" in said, said
        for _pass in range(3 * READ_TRIES):
            if not Outbox(store).queued_replies():
                break
            time.sleep(FAST.cap_s + 0.05)
            engine.run_once()
        assert not Outbox(store).queued_replies()
        assert sandbox.count("Communication", identifier=f"urn:teleavis:message-id|{odd}") == 0
        said = str(store.platform_info(odd_case)["last_error"])
        assert "support informatique" in said and "retirée de la réponse" in said, said
        assert "Depuis deux mois." in reply_drafts.load(store, odd_case)


def test_a_blob_cut_short_holds_its_case_and_the_others_go(store: Store, tmp_path: Path) -> None:
    """A short read (the file cut short by a disk's fault or a copy stopped midway) does not open under its key:
    held as altered, as it was before this change, never in the others' way (pinned beside the errors above)."""
    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1) as sandbox:
        setup_site(store)
        odd = make_case(store, image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg"))
        other = make_case(store, image_bytes=_photos("tests_45-gps_ifd.jpg", "tests_35-empty.jpg"), local_id="D-2")
        path = _blob(store, store.get_case(odd).images[0])
        with path.open("r+b") as handle:
            handle.truncate(path.stat().st_size // 2)
        with engine_on(store, sandbox.base_url) as engine:
            summary = engine.run_once()
        assert summary.sent == [other] and summary.needs_attention == [odd]
        assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{odd}") == 0


def test_a_disk_read_error_is_tried_again_minutes_apart_not_seconds(store: Store, tmp_path: Path) -> None:
    """Found in review: the case's wait was the cut link's backoff from its first try (half a second, then a
    second or two), so the three passes fell within about three seconds in the window's loop: a network share
    or a USB disk back within a minute still left the case held, « the disk may be failing, call IT support ».
    Now each try waits at least a minute, doubling, with the real retry policy (only the moments it sets are
    read here: nothing is waited for)."""
    from datetime import datetime, timedelta

    from app.model import iso, utc_now
    from sync.auth import StaticToken
    from sync.client import ClientConfig, PlatformClient, RetryPolicy
    from sync.engine import Engine

    with SandboxServer(tmp_path / "platform", run_expert=False, seed=1) as sandbox:
        setup_site(store)
        odd = make_case(store, image_bytes=_photos("Canon_PowerShot_S40.jpg", "Nikon_COOLPIX_P1.jpg"))
        disk_error(store, store.get_case(odd).images[0])
        with PlatformClient(ClientConfig(sandbox.base_url, 2.0, 10.0), StaticToken(None), policy=RetryPolicy()) as c:
            engine = Engine(store, c, case_budget_s=10.0)
            waits = []
            for _try in range(READ_TRIES - 1):
                before = utc_now()
                engine.run_once()
                assert store.state(odd) == CaseState.QUEUED
                row = Outbox(store).row(odd)
                assert row is not None
                waits.append(datetime.fromisoformat(row.next_attempt_at) - before)
                with store.conn:  # (its time come: tried again now, as at the next pass minutes later)
                    store.conn.execute("UPDATE outbox SET next_attempt_at=? WHERE case_id=?", (iso(before), odd))
        assert all(wait >= timedelta(seconds=59) for wait in waits), waits
        assert waits[1] > waits[0], waits


def test_a_reply_whose_image_the_disk_fails_to_read_waits_a_minute_at_least(store: Store, tmp_path: Path) -> None:
    """As a case's (above): the reply's next try, with the real retry policy, is a minute away at least."""
    from datetime import datetime, timedelta

    from app.model import utc_now
    from sync.auth import StaticToken
    from sync.client import ClientConfig, PlatformClient, RetryPolicy
    from sync.engine import REPLY_RETRY, Engine
    from sync.follow import kept_record

    with SandboxServer(tmp_path / "platform", run_expert=False, question_rate=1.0, seed=3) as sandbox:
        with engine_on(store, sandbox.base_url) as engine:
            case_id = make_case(store, seed=1)
            engine.run_once()
            sandbox.expert.run_until_idle()
            engine.run_once()
        record = CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=480, height=360)
        reply = queue_reply(
            store, case_id, "Depuis deux mois.", [NewImage(record, _photos("Canon_PowerShot_S40.jpg")[0])]
        )
        disk_error(store, store.image(case_id, record.id))
        with PlatformClient(ClientConfig(sandbox.base_url, 2.0, 10.0), StaticToken(None), policy=RetryPolicy()) as c:
            before = utc_now()
            Engine(store, c, case_budget_s=10.0).run_once()
        assert [m.id for _c, m in Outbox(store).queued_replies()] == [reply]
        due = datetime.fromisoformat((kept_record(store, REPLY_RETRY) or {})[reply][1])
        assert due - before >= timedelta(seconds=59), due - before
