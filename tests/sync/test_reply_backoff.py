"""A reply to the expert the platform answers with a transient fault (429 with Retry-After, 503…) waits
as a case's send does: the platform's Retry-After, else a growing backoff, and why it waits is said on
its case. Found from outside: answered 429 Retry-After: 600, the reply was posted again every second
(8 POSTs in 8 s), nothing said."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from app.model import CaseState, utc_now
from app.outbox import Outbox
from app.store import Store
from sync.follow import queue_reply
from tests.support.http import QuietHandler, serving
from tests.support.scripted_platform import (
    Reply,
    ScriptedPlatform,
    communication,
    following,
    on_hold_with_a_question,
    task,
)
from tests.sync.sync_helpers import make_case

PostReply = Callable[[str, bytes], Reply]
THROTTLED: Reply = (
    429,
    {"Content-Type": "application/fhir+json", "Retry-After": "600"},
    json.dumps(
        {
            "resourceType": "OperationOutcome",
            "issue": [{"severity": "error", "code": "throttled", "diagnostics": "Too many requests"}],
        }
    ).encode(),
)


@contextmanager
def platform_with_posts(post_reply: PostReply) -> Iterator[tuple[ScriptedPlatform, list[str]]]:
    """The scripted platform's GETs, and POSTs answered by ``post_reply(path, body)`` (their paths listed)."""
    platform = ScriptedPlatform()
    posts: list[str] = []

    class Handler(QuietHandler):
        protocol_version = "HTTP/1.1"

        def _send(self, reply: Reply) -> None:
            status, headers, body = reply
            self.answer(status, body, content_type=None, headers=headers)

        def do_GET(self) -> None:
            url = urlsplit(self.path)
            platform.requests.append("GET " + self.path)
            self._send(platform.answer(url.path, parse_qs(url.query)))

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            posts.append(self.path)
            self._send(post_reply(self.path, body))

    with serving(Handler, path="/fhir") as base:
        platform.base_url = base
        yield platform, posts


def test_a_reply_answered_429_waits_for_retry_after_and_says_why(store: Store, tmp_path: Path) -> None:
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    queue_reply(store, case_id, "Depuis 3 semaines.", [])
    with platform_with_posts(lambda _path, _body: THROTTLED) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_forever(threading.Event(), timeout=4.0)
    assert len(posts) == 1  # not again before the 600 s the platform asked
    note = str(store.platform_info(case_id)["last_error"])
    assert note.startswith("Votre réponse à l'expert n'est pas encore partie.") and "(429)" in note
    waiting = [m for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]
    assert [m.platform_id for m in waiting] == [None]  # still queued, not refused
    assert Outbox(store).queued_replies()


def test_a_postponed_reply_holds_back_neither_a_case_send_nor_the_poll(store: Store, tmp_path: Path) -> None:
    """While the reply waits (Retry-After: 600, kept in the store), a case queued meanwhile is sent (here
    refused) and the poll of the next process (a restart, cron's next ``sync --once``) runs at its own
    interval: the reply's wait is its own. (The engine that was told to wait polls only once it passed.)"""
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    queue_reply(store, case_id, "Depuis 3 semaines.", [])
    refused = (422, {"Content-Type": "application/fhir+json"}, b'{"resourceType":"OperationOutcome","issue":[]}')

    reply_tries: list[bytes] = []

    def throttled_replies(_path: str, body: bytes) -> Reply:
        if b'"Communication"' in body:
            reply_tries.append(body)
            return THROTTLED
        return refused

    with platform_with_posts(throttled_replies) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()  # the reply postponed for 600 s
        assert len(posts) == 1
        other = make_case(store, "dermatology", seed=7)  # queued
        polls_before = len([r for r in platform.requests if "/Task?" in r])
        with following(store, platform) as engine:
            engine.poll_interval_s = 1.0
            engine.run_forever(threading.Event(), timeout=3.5)
    assert len(posts) >= 2  # the case was tried
    assert store.state(other) == CaseState.NEEDS_ATTENTION
    polls = len([r for r in platform.requests if "/Task?" in r]) - polls_before
    assert polls >= 2, platform.requests  # polled about each second, not held back by the reply
    assert len(reply_tries) == 1  # the reply waits for its Retry-After all along
    assert store.state(case_id) == CaseState.ON_HOLD


def test_a_reply_that_leaves_takes_away_the_note_that_it_waited(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review: the « not left yet » note was taken away only by the process that postponed the
    reply; sent by the next start (or by ``teleavis sync``), the reply left and the note stayed."""
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    queue_reply(store, case_id, "Depuis 3 semaines.", [])
    with platform_with_posts(lambda _path, _body: THROTTLED) as (platform, _posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
    assert str(store.platform_info(case_id)["last_error"]).startswith("Votre réponse à l'expert n'est pas encore")

    later = utc_now() + timedelta(seconds=601)  # the platform's Retry-After: 600 passed
    monkeypatch.setattr("sync.engine.utc_now", lambda: later)
    with platform_with_posts(accepted) as (platform, posts):  # another process: it never postponed it
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
    assert posts and not Outbox(store).queued_replies()
    assert store.platform_info(case_id)["last_error"] is None


def accepted(_path: str, body: bytes) -> Reply:
    """The platform's answer to a transaction it accepted (each entry created)."""
    entries = json.loads(body)["entry"]
    answer = {
        "resourceType": "Bundle",
        "type": "transaction-response",
        "entry": [
            {"response": {"status": "201 Created", "location": f"Communication/c{n}/_history/1"}}
            for n, _entry in enumerate(entries)
        ],
    }
    return 200, {"Content-Type": "application/fhir+json"}, json.dumps(answer).encode()


def test_a_reply_answered_429_waits_for_retry_after_across_separate_sync_runs(
    store: Store, teleavis_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each run a new process on its own connection to the store, as ``teleavis sync --once`` from cron
    (or the window started again). Found in review: the wait was kept in the process, and the next run
    posted the reply again at once, whatever Retry-After said."""
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    queue_reply(store, case_id, "Depuis 3 semaines.", [])
    throttled = True

    def post(path: str, body: bytes) -> Reply:
        return THROTTLED if throttled else accepted(path, body)

    with platform_with_posts(post) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with Store.open(teleavis_home) as process, following(process, platform) as engine:
            engine.run_once()
        assert len(posts) == 1
        throttled = False
        for ahead in (200, 400):  # run again later: Retry-After: 600 not passed yet
            monkeypatch.setattr("sync.engine.utc_now", lambda ahead=ahead: utc_now() + timedelta(seconds=ahead))
            with Store.open(teleavis_home) as process, following(process, platform) as engine:
                assert engine.run_once().replies_sent == 0
        assert len(posts) == 1
        monkeypatch.setattr("sync.engine.utc_now", lambda: utc_now() + timedelta(seconds=601))
        with Store.open(teleavis_home) as process, following(process, platform) as engine:
            assert engine.run_once().replies_sent == 1
    assert len(posts) == 2 and not Outbox(store).queued_replies()
    assert store.settings.get("sync.reply_retry") is None  # its wait forgotten once it left
    assert store.platform_info(case_id)["last_error"] is None


@pytest.mark.parametrize("reduced_chosen", [False, True])
def test_a_reply_posted_by_a_process_that_died_is_not_posted_again_while_it_may_be_recorded(
    store: Store, teleavis_home: Path, tmp_path: Path, reduced_chosen: bool
) -> None:
    """Found in review: a reply's transaction posted by a sync that died before the platform answered (the
    window closed by force) was posted again at once by the next one, while the platform was still
    recording the first: a second Communication on a platform whose conditional creates run side by side.
    As a case's transaction, it is taken up only twice the read timeout after it was posted; reduced copies
    chosen meanwhile (they bring a reply waiting its own backoff forward) do not bring it forward."""
    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    queue_reply(store, case_id, "Depuis 3 semaines.", [])
    [(_case, message)] = Outbox(store).queued_replies()
    recording, done = threading.Event(), threading.Event()

    def slow(path: str, body: bytes) -> Reply:
        recording.set()
        done.wait(15)  # the platform records it, slowly
        return accepted(path, body)

    with platform_with_posts(slow) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]

        def dying_process() -> None:
            with Store.open(teleavis_home) as process, following(process, platform) as engine:
                engine._send_reply(case_id, message)

        first = threading.Thread(target=dying_process)
        first.start()
        try:
            assert recording.wait(15)
            if reduced_chosen:  # the nurse, on a slow link, in the window
                assert Outbox(store).set_reply_reduced(case_id, message.id)
            # The next process, its predecessor gone (its lock with it) while the platform records the reply.
            with Store.open(teleavis_home) as process, following(process, platform) as engine:
                assert engine.run_once(poll=False).replies_sent == 0
            assert len(posts) == 1, "not posted again while it may be being recorded"
        finally:
            done.set()
            first.join()


def test_a_reply_answered_429_holds_back_the_other_replies_and_the_poll_until_retry_after(
    store: Store, tmp_path: Path
) -> None:
    """Found from outside: answered 429 Retry-After: 600 on one reply, the engine posted the next reply at
    once (429 again) and polled every case in the same pass, then again at each poll interval, where a
    case's send answered so holds the poll until then (the contract: Retry-After is honoured). The other
    replies wait for it too, their cases saying why."""
    first, second = on_hold_with_a_question(store, tmp_path / "sandbox", 2)
    for case_id in (first, second):
        queue_reply(store, case_id, "Depuis 3 semaines.", [])
    with platform_with_posts(lambda _path, _body: THROTTLED) as (platform, posts):
        for case_id in (first, second):
            task_id = str(store.platform_info(case_id)["task_id"])
            platform.tasks[task_id] = task(case_id, task_id, "on-hold")
            platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.poll_interval_s = 1.0
            engine.run_once()
            assert len(posts) == 1, "the next reply is not posted once the platform asked to wait"
            assert not [r for r in platform.requests if "/Task?" in r], "no poll while the platform asked to wait"
            engine.run_forever(threading.Event(), timeout=3.0)
    assert len(posts) == 1
    assert not [r for r in platform.requests if "/Task?" in r], platform.requests
    for case_id in (first, second):
        note = str(store.platform_info(case_id)["last_error"])
        assert note.startswith("Votre réponse à l'expert n'est pas encore partie.") and "(429)" in note, note
    assert len(Outbox(store).queued_replies()) == 2


def test_a_reply_photo_over_the_platforms_size_limit_says_which_and_why(store: Store, tmp_path: Path) -> None:
    """Found from outside: a reply's photo refused as too large (413) said « La plateforme refuse la réponse à
    l'expert (413) : aucun détail donné », where a case's photo says which image is over the limit and what
    to do. The reply says it too, and has not left."""
    from app.model import CaseImage
    from app.store import NewImage
    from tests.sync.sync_helpers import jpeg

    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    photo = NewImage(
        CaseImage(body_site="dos", view="close-up", content_type="image/jpeg", width=64, height=48), jpeg(seed=4)
    )
    message_id = queue_reply(store, case_id, "Voici la photo demandée.", [photo])
    too_large: Reply = (413, {}, b"")
    with platform_with_posts(lambda path, body: too_large if path.endswith("/Binary") else accepted(path, body)) as (
        platform,
        _posts,
    ):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.run_once()
    said = str(store.platform_info(case_id)["last_error"])
    assert "aucun détail" not in said, said
    assert "l'image 1" in said and "dépasse la taille acceptée par la plateforme" in said, said
    assert [m.state for m in Outbox(store).messages(case_id) if m.id == message_id] == ["refused"]


UNAVAILABLE: Reply = (503, {"Content-Type": "text/plain"}, b"unavailable")


@pytest.mark.parametrize(("answer", "brought_forward"), [(UNAVAILABLE, True), (THROTTLED, False)])
def test_reduced_copies_chosen_for_a_postponed_reply_act_as_they_do_for_a_case(
    store: Store, tmp_path: Path, answer: Reply, brought_forward: bool
) -> None:
    """Left alone last session: reduced copies chosen for a case waiting its backoff bring its next try to now
    (app/outbox.py ``set_reduced``), for a reply they changed nothing until its backoff ended. Now a reply
    waiting its own backoff (a 503 without Retry-After) is tried at once too; one waiting the wait the platform
    asked for (429, Retry-After: 600) still waits it, as a case does."""
    from sync.client import RetryPolicy

    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    message_id = queue_reply(store, case_id, "Depuis 3 semaines.", [])
    refusing = True

    def post(path: str, body: bytes) -> Reply:
        return answer if refusing else accepted(path, body)

    with platform_with_posts(post) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            engine.client.policy = RetryPolicy(base_s=600.0, cap_s=1200.0)  # a backoff of minutes
            assert engine.run_once(poll=False).replies_sent == 0
            assert len(posts) == 1
            refusing = False
            assert engine.run_once(poll=False).replies_sent == 0  # its time has not come
            assert Outbox(store).set_reply_reduced(case_id, message_id)
            assert engine.run_once(poll=False).replies_sent == (1 if brought_forward else 0)
    assert len(posts) == (2 if brought_forward else 1)


def test_reduced_copies_do_not_bring_forward_a_reply_wait_recorded_before_its_reason_was(
    store: Store, tmp_path: Path
) -> None:
    """Found in review: a reply's wait recorded by the release before (``[tries, when]``, no reason) may be its
    transaction's hold (its POST may have reached the platform, a process stopped meanwhile) or the platform's
    Retry-After; reduced copies chosen after the upgrade took it for its own backoff and posted it at once, inside
    the platform's recording (a second Communication on a platform whose conditional creates run side by side)
    or its wait. As a case waiting at the upgrade (migration 31), such a wait is kept; one recorded since with
    its reason, its own backoff, is brought forward."""
    from app.model import iso
    from app.outbox import REPLY_RETRY

    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    message_id = queue_reply(store, case_id, "Depuis 3 semaines.", [])
    store.settings.set(REPLY_RETRY, {message_id: [0, iso(utc_now() + timedelta(seconds=60))]})  # (the old form)
    with platform_with_posts(accepted) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        with following(store, platform) as engine:
            assert Outbox(store).set_reply_reduced(case_id, message_id)
            assert engine.run_once(poll=False).replies_sent == 0
    assert posts == [], "posted inside a wait recorded before the upgrade"


def test_a_reply_brought_forward_by_another_connection_is_sent_within_seconds_not_at_its_backoffs_end(
    store: Store, tmp_path: Path
) -> None:
    """Left open last session: the engine asleep (the window's, between two passes) looks at the outbox every few
    seconds for a case another process made due (``Engine._due_now``: ``case send ID --reduced``), but not at the
    replies: a reply brought forward by another connection (its reduced copies chosen, app/outbox.py
    ``set_reply_reduced``) waited for the engine's next wake, its backoff's end (ten minutes here). Now it goes
    within the outbox's look (``DUE_CHECK_S``), nobody calling ``wake()``."""
    from sync.client import RetryPolicy
    from sync.engine import DUE_CHECK_S, Engine
    from tests.sync.sync_helpers import client_for_url

    [case_id] = on_hold_with_a_question(store, tmp_path / "sandbox", 1)
    task_id = str(store.platform_info(case_id)["task_id"])
    message_id = queue_reply(store, case_id, "Depuis 3 semaines.", [])
    refusing = True
    stop = threading.Event()
    engines: list[Engine] = []

    def post(path: str, body: bytes) -> Reply:
        return UNAVAILABLE if refusing else accepted(path, body)

    with platform_with_posts(post) as (platform, posts):
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        platform.communications[task_id] = [communication(f"q-{task_id}", task_id, "Depuis quand ?")]
        platform.task_of_request[str(store.platform_info(case_id)["request_id"])] = task_id

        def run() -> None:
            own = store.clone()  # the engine's own connection, as the window's sync thread has
            try:
                with client_for_url(platform.base_url) as client:
                    client.policy = RetryPolicy(base_s=600.0, cap_s=1200.0)  # a backoff of minutes
                    engine = Engine(own, client, poll_interval_s=3600.0)
                    engines.append(engine)
                    engine.run_forever(stop, timeout=120.0)
            finally:
                own.close()

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        try:
            for _ in range(300):  # its first pass: the reply refused (503), put off for its backoff
                if posts:
                    break
                stop.wait(0.1)
            assert len(posts) == 1
            stop.wait(1.0)  # asleep now, until the backoff's end or the hour's poll
            refusing = False
            assert Outbox(store).set_reply_reduced(case_id, message_id)  # another connection: no wake() here
            for _ in range(int((DUE_CHECK_S + 10.0) * 10)):
                if len(posts) == 2 and states(store, case_id) != ["queued"]:  # posted, and its sending recorded
                    break
                stop.wait(0.1)
            assert len(posts) == 2, "brought forward, it waited for its backoff's end"
            assert states(store, case_id) != ["queued"]
        finally:
            stop.set()
            if engines:
                engines[0].wake()
            thread.join(30.0)
    assert not thread.is_alive()


def states(store: Store, case_id: str) -> list[str]:
    return [m.state for m in Outbox(store).messages(case_id) if m.direction == "to-expert"]
