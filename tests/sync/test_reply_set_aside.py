"""A reply of a case found altered outside Teleavis is set aside, told to the window as not sent, and
holds nothing else back. Found in review of the outside pass on replies: the error is a StorageError,
caught as one first and raised out of the pass, at every pass: the one altered case stopped every other
case's sending and every answer, and the reply was never said not sent."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.engine import Engine
from sync.follow import queue_reply
from sync.progress import RecordingListener
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import client_for_url, make_case, on_hold_with_a_question


def test_a_reply_of_a_case_found_altered_is_told_not_sent(store: Store, tmp_path: Path) -> None:
    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False) as server,
        client_for_url(server.base_url) as client,
    ):
        case_id, _engine = on_hold_with_a_question(store, server, client)
        message_id = queue_reply(store, case_id, "Depuis trois semaines.", [])
        raw = sqlite3.connect(store.data_dir / "teleavis.db", isolation_level=None)
        try:  # the case's record changed outside Teleavis (a byte of its sealed content)
            content = bytearray(raw.execute("SELECT content FROM cases WHERE id=?", (case_id,)).fetchone()[0])
            content[len(content) // 2] ^= 0x01
            raw.execute("UPDATE cases SET content=? WHERE id=?", (bytes(content), case_id))
        finally:
            raw.close()
        other = make_case(store, seed=7)  # another patient's case, queued meanwhile
        listener = RecordingListener()
        Engine(store, client, listener, case_budget_s=10.0).run_once(poll=False)
        assert store.state(other) == CaseState.SENT
    refused = [m for m in Outbox(store).messages(case_id) if m.id == message_id]
    assert [m.state for m in refused] == ["refused"]
    assert [(c, s) for c, s, _ in listener.states if s == "reply-refused"] == [(case_id, "reply-refused")]
