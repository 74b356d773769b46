"""Issue 13 item 6: the platform witnesses the audit trail's head (app/audit.py, sync/follow.py).

Every Task the sync writes carries the head of the moment in ``meta.tag``; the sandbox keeps it as a
FHIR server does; a later poll that reads a head the log here no longer holds records an ``altered``
entry, which ``audit verify`` and ``status`` report, and the sync goes on.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import audit
from app.model import CaseState
from app.store import Store
from sync import codes as C
from sync.client import ClientConfig, PlatformClient, RetryPolicy
from sync.engine import Engine
from sync.follow import cancel
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import REQUESTER, make_case, on_hold_with_a_question

FAST = RetryPolicy(base_s=0.02, cap_s=0.2)


@pytest.fixture
def sandbox(tmp_path: Path) -> Iterator[SandboxServer]:
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


@pytest.fixture
def client(sandbox: SandboxServer) -> Iterator[PlatformClient]:
    from sync.auth import StaticToken

    with PlatformClient(ClientConfig(sandbox.base_url, 2.0, 10.0), StaticToken(None), policy=FAST) as made:
        yield made


def _tags(resource: dict[str, Any] | None) -> list[str]:
    assert resource is not None
    return [t["code"] for t in resource.get("meta", {}).get("tag", []) if t["system"] == C.AUDIT_HEAD_SYSTEM]


def _same_head(tag: str, expected: str | None) -> bool:
    """``tag`` names the head ``expected`` names: that entry, that hash. Not the same code to the
    letter: its time is the second the tag was made, which a slow moment puts one after the other's."""
    made, known = audit.parse_witness(tag), audit.parse_witness(expected)
    assert made is not None and known is not None
    return (made.seq, made.hash) == (known.seq, known.hash) and 0 <= made.time - known.time <= 5


def _rewind(home: Path, keep: int, head_file: bytes) -> None:
    """The attack local checks miss: the log's tail cut, and an older copy of the sealed head put back."""
    with sqlite3.connect(home / "teleavis.db") as raw:
        raw.execute("DROP TRIGGER audit_no_delete")
        raw.execute("DELETE FROM audit WHERE seq > ?", (keep,))
    raw.close()
    (home / audit.HEAD_FILE).write_bytes(head_file)


def _teleavis(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.main", *args], capture_output=True, text=True, timeout=120, check=False
    )


def _sent_and_rewound(home: Path, client: PlatformClient) -> tuple[str, int]:
    """A case sent for real, then the trail rewound below the head its Task carries."""
    with Store.open(home) as store:
        store.settings.set("platform.url", client.config.base_url)  # a real platform: followed as one after
        case_id = make_case(store)
        keep = audit.log_head(store.conn).seq
        old_head_file = (home / audit.HEAD_FILE).read_bytes()
        store.get_case(case_id, audit_view=True)  # the trail goes on: the Task will carry a later head
        store.get_case(case_id, audit_view=True)
        tagged = audit.log_head(store.conn)
        assert Engine(store, client, case_budget_s=10.0).run_once().sent == [case_id]
    assert tagged.seq > keep
    _rewind(home, keep, old_head_file)
    return case_id, tagged.seq


def test_the_task_carries_the_audit_head_and_a_rewound_trail_is_caught_at_the_next_poll(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    home = store.data_dir
    store.close()
    case_id, tagged = _sent_and_rewound(home, client)
    with Store.open(home) as store:
        task = sandbox.read("Task", store.platform_info(case_id)["task_id"])
        head = audit.parse_witness(_tags(task)[0])
        assert head is not None and head.seq == tagged
        # What is left on this computer holds together: only the platform can tell.
        assert audit.verify(store.conn, store.key).ok
        other = make_case(store, seed=7)
        summary = Engine(store, client, case_budget_s=10.0).run_once()
        assert summary.audit_rewound == tagged
        assert summary.sent == [other]  # a damaged journal does not stop care
        check = audit.verify(store.conn, store.key)
        assert not check.ok and check.rewound == tagged
        assert f"n° {tagged}" in check.problem()
        entries = store.conn.execute("SELECT detail FROM audit WHERE action = 'altered'").fetchall()
        assert [tuple(e) for e in entries] == [(audit.REWOUND.format(seq=tagged),)]
        # Seen again at the next poll: recorded once.
        Engine(store, client, case_budget_s=10.0).run_once()
        assert store.conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'altered'").fetchone()[0] == 1
        store.settings.set("platform.url", sandbox.base_url)
    synced = _teleavis("sync", "--once")
    assert synced.returncode == 0, synced.stderr
    assert f"la plateforme a reçu l'entrée n° {tagged}" in synced.stderr
    done = _teleavis("audit", "verify")
    assert done.returncode == 1
    assert "Journal d'audit altéré" in done.stdout + done.stderr
    assert "la plateforme a reçu l'entrée" in done.stdout + done.stderr
    status = _teleavis("status")
    assert status.returncode == 0
    assert "Journal d'audit : altéré" in status.stdout
    assert json.loads(_teleavis("status", "--json").stdout)["audit_rewound"] == tagged
    english = subprocess.run(
        [sys.executable, "-m", "app.main", "audit", "verify"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "LANG": "en_GB.UTF-8"},
    )
    assert "the platform received entry" in english.stdout + english.stderr


def test_the_tag_survives_the_experts_status_changes_and_an_intact_trail_raises_nothing(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    case_id = make_case(store)
    engine = Engine(store, client, case_budget_s=10.0)
    engine.run_once()
    task_id = store.platform_info(case_id)["task_id"]
    sent_tags = _tags(sandbox.read("Task", task_id))
    assert len(sent_tags) == 1
    sandbox.expert.run_until_idle()  # received, accepted, in progress, completed: each a new version
    assert len(sandbox.history("Task", task_id)) > 2
    read_back = client.search("Task", {"_id": task_id})
    assert read_back[0]["status"] == "completed"
    assert _tags(read_back[0]) == sent_tags
    summary = engine.run_once()
    assert summary.answered == [case_id] and summary.audit_rewound is None
    assert audit.verify(store.conn, store.key).ok


def test_a_task_without_the_tag_raises_no_alarm(store: Store, sandbox: SandboxServer, client: PlatformClient) -> None:
    home = store.data_dir
    store.close()
    case_id, _ = _sent_and_rewound(home, client)
    # A platform that drops tags (or one older than them): the Task comes back untagged.
    with Store.open(home) as store:
        task_id = store.platform_info(case_id)["task_id"]
        task = sandbox.read("Task", task_id)
        assert task is not None
        task["meta"].pop("tag")
        sandbox.store.update(task)
        summary = Engine(store, client, case_budget_s=10.0).run_once()
        assert summary.audit_rewound is None
        assert store.conn.execute("SELECT COUNT(*) FROM audit WHERE action = 'altered'").fetchone()[0] == 0


def test_the_tagged_task_is_valid_r4_and_passes_the_sandbox_checks(store: Store) -> None:
    from fhir.resources.R4B.task import Task  # the R4 models the mapping validates with

    from sync.mapping import prepare_case
    from sync.sandbox.validation import validate_resource

    case = store.get_case(make_case(store))
    code = audit.current_witness(store.conn, store.key)
    assert code is not None
    prepared = prepare_case(case, REQUESTER, audit_head=code)  # validates the whole bundle on the way
    task = next(e["resource"] for e in prepared.bundle["entry"] if e["resource"]["resourceType"] == "Task")
    assert task["meta"] == {"tag": [{"system": "urn:teleavis:audit-head", "code": code}]}
    parsed = Task.model_validate(task)
    assert parsed.meta.tag[0].code == code
    assert validate_resource(task, "Task") == []
    # Nothing about the trail can be read from it: the hash is (the start of) a keyed MAC of the entry.
    witness = audit.parse_witness(code)
    head = audit.log_head(store.conn)
    assert witness is not None and (witness.seq, witness.hash) == (head.seq, head.hash[:32])
    assert len(code) < 110  # well under the 200 characters HAPI keeps for a tag's code
    untagged = prepare_case(case, REQUESTER)
    assert all("meta" not in e["resource"] for e in untagged.bundle["entry"] if e["resource"]["resourceType"] == "Task")


def test_cancelling_adds_the_head_of_the_moment_to_the_task(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    case_id = make_case(store)
    Engine(store, client, case_budget_s=10.0).run_once()
    task_id = store.platform_info(case_id)["task_id"]
    first = _tags(sandbox.read("Task", task_id))
    store.get_case(case_id, audit_view=True)
    now = audit.current_witness(store.conn, store.key)
    cancel(store, client, case_id)
    assert store.state(case_id) == CaseState.CANCELLED
    tags = _tags(sandbox.read("Task", task_id))
    assert tags[:-1] == first  # kept across the update, as FHIR servers keep tags
    # The head of the moment (compared exactly, the test failed about one run in twelve).
    assert _same_head(tags[-1], now)
    assert audit.verify(store.conn, store.key).ok


def _sent_with_puts_kept(
    store: Store, client: PlatformClient, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, str, list[dict]]:
    """A case sent to the sandbox: its id, its Task's id, and the list each later PUT's body goes to."""
    case_id = make_case(store)
    Engine(store, client, case_budget_s=10.0).run_once()
    sent: list[dict] = []
    update = client.update
    monkeypatch.setattr(client, "update", lambda body, **kw: sent.append(body) or update(body, **kw))
    return case_id, store.platform_info(case_id)["task_id"], sent


def test_a_cancellation_sends_back_no_stale_platform_words(
    store: Store, sandbox: SandboxServer, client: PlatformClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside (a FHIR pass): the cancelling PUT, which replaces the Task, carried back the
    platform's last business status (« Reçue par la plateforme ») and its last change's time."""
    case_id, task_id, sent = _sent_with_puts_kept(store, client, monkeypatch)
    with sandbox.store.write() as held:  # the platform's words of the moment, as a platform writes them
        task = held.read("Task", task_id)
        task.update(businessStatus={"text": "Reçue par la plateforme"}, lastModified="2026-12-01T08:00:00Z")
        held.update(task)
    before = sandbox.read("Task", task_id)
    cancel(store, client, case_id)
    [body] = sent
    assert body["status"] == "cancelled" and "businessStatus" not in body
    assert body["statusReason"] == {"text": "Annulée par le demandeur"}
    assert body["lastModified"] > before["lastModified"]
    assert store.state(case_id) == CaseState.CANCELLED


def test_a_cancellation_from_an_english_window_gives_the_platform_its_reason_in_french(
    store: Store, sandbox: SandboxServer, client: PlatformClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found in review (a sibling of the Media title's words): an English window cancelled with « Cancelled by
    the requester », read by a French expert. The reason goes in the platform's language."""
    from app import i18n

    case_id, _task_id, sent = _sent_with_puts_kept(store, client, monkeypatch)
    i18n.set_language("en")
    try:
        cancel(store, client, case_id)
    finally:
        i18n.set_language("fr")
    [body] = sent
    assert body["statusReason"] == {"text": "Annulée par le demandeur"}


def test_a_cancellation_keeps_the_platforms_meta_but_what_the_server_manages(
    store: Store, sandbox: SandboxServer, client: PlatformClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside (a strict FHIR server): the cancelling PUT sent the Task back without any of its
    meta, so the platform's profile, security labels and tags on the Task were removed by it. They go back
    now, with our audit head in place of the earlier one; the version, time and source are the server's."""
    case_id, task_id, sent = _sent_with_puts_kept(store, client, monkeypatch)
    profile = "https://platform.example/StructureDefinition/expertise-task"
    label = {"system": "http://terminology.hl7.org/CodeSystem/v3-Confidentiality", "code": "R"}
    theirs = {"system": "https://platform.example/tags", "code": "triage-dermato"}
    with sandbox.store.write() as held:  # the platform's meta, as a strict server keeps it
        task = held.read("Task", task_id)
        meta = task["meta"]
        meta.update(profile=[profile], security=[label], tag=[theirs, *meta.get("tag", [])], source="#platform-1")
        held.update(task)
    before = _tags(sandbox.read("Task", task_id))
    cancel(store, client, case_id)
    [body] = sent
    assert body["meta"]["profile"] == [profile] and body["meta"]["security"] == [label]
    assert theirs in body["meta"]["tag"]
    assert not {"versionId", "lastUpdated", "source"} & set(body["meta"])
    ours = [t for t in body["meta"]["tag"] if t["system"] == C.AUDIT_HEAD_SYSTEM]
    assert len(ours) == 1 and before and ours[0]["code"] not in before  # the head of the moment, once
    kept = sandbox.read("Task", task_id)
    assert kept is not None and kept["status"] == "cancelled"
    assert kept["meta"]["profile"] == [profile] and kept["meta"]["security"] == [label]
    assert theirs in kept["meta"]["tag"]
    assert store.state(case_id) == CaseState.CANCELLED


def test_a_restore_of_an_older_backup_is_no_alarm(
    store: Store, sandbox: SandboxServer, client: PlatformClient, tmp_path: Path
) -> None:
    import shutil

    from app.backup import restore_backup, write_backup
    from tests.conftest import PASSPHRASE

    home = store.data_dir
    case_id = make_case(store)
    write_backup(store, tmp_path / "before.tvbak")
    for _ in range(3):
        store.get_case(case_id, audit_view=True)
    Engine(store, client, case_budget_s=10.0).run_once()
    store.close()
    # The disk is lost; the backup, made before the case was sent, comes back on a new computer.
    shutil.rmtree(home)
    restore_backup(tmp_path / "before.tvbak", home, PASSPHRASE)
    with Store.open(home) as store:
        engine = Engine(store, client, case_budget_s=10.0)
        summary = engine.run_once()  # sent again: the platform already has it, with the old trail's head
        assert summary.sent == [case_id]
        assert summary.audit_rewound is None
        assert audit.verify(store.conn, store.key).ok


def test_a_key_rotation_after_sending_is_no_alarm(store: Store, sandbox: SandboxServer, client: PlatformClient) -> None:
    from app import rotation
    from app.keystore import KeyStore
    from tests.conftest import PASSPHRASE

    home = store.data_dir
    make_case(store)
    Engine(store, client, case_budget_s=10.0).run_once()
    rotation.rotate(home, store.conn, KeyStore(home), store.key, PASSPHRASE)
    store.close()
    with Store.open(home) as store:
        summary = Engine(store, client, case_budget_s=10.0).run_once()
        assert summary.audit_rewound is None
        assert audit.verify(store.conn, store.key).ok


def test_the_reply_to_the_expert_carries_the_head_too(store: Store, tmp_path: Path) -> None:
    from sync.auth import StaticToken
    from sync.follow import queue_reply

    with (
        SandboxServer(tmp_path / "p", answer_after_s=0.0, question_rate=1.0, run_expert=False, seed=3) as server,
        PlatformClient(ClientConfig(server.base_url, 2.0, 10.0), StaticToken(None), policy=FAST) as client,
    ):
        case_id, engine = on_hold_with_a_question(store, server, client)
        queue_reply(store, case_id, "Voici la précision demandée.", [])
        head = audit.current_witness(store.conn, store.key)
        assert engine.run_once().replies_sent == 1
        ours = [
            c
            for c in server.resources("Communication")
            if any(i["system"] == "urn:teleavis:message-id" for i in c.get("identifier", []))
        ]
        ((tag,),) = [_tags(c) for c in ours]
        assert _same_head(tag, head)
        server.expert.run_until_idle()
        summary = engine.run_once()
        assert store.state(case_id) == CaseState.ANSWERED and summary.audit_rewound is None


def test_a_closed_case_no_poll_returns_is_read_back_once_a_day_for_its_head(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    from datetime import timedelta

    from app.model import iso, utc_now

    home = store.data_dir
    case_id = make_case(store)
    Engine(store, client, case_budget_s=10.0).run_once()
    keep = audit.log_head(store.conn).seq
    old_head_file = (home / audit.HEAD_FILE).read_bytes()
    store.get_case(case_id, audit_view=True)
    cancel(store, client, case_id)  # a cancelled case is never polled again; its Task has the latest head
    tags = _tags(sandbox.read("Task", store.platform_info(case_id)["task_id"]))
    last = max(head.seq for head in map(audit.parse_witness, tags) if head is not None)
    assert last > keep
    store.close()
    _rewind(home, keep, old_head_file)
    with Store.open(home) as store:
        assert audit.verify(store.conn, store.key).ok
        assert Engine(store, client, case_budget_s=10.0).run_once().audit_rewound is None  # read back < 24 h ago
        store.settings.set("sync.witness_at", iso(utc_now() - timedelta(hours=25)))
        assert Engine(store, client, case_budget_s=10.0).run_once().audit_rewound == last
        assert audit.verify(store.conn, store.key).rewound == last


def test_a_tag_the_platform_makes_up_is_not_taken_for_ours(
    store: Store, sandbox: SandboxServer, client: PlatformClient
) -> None:
    case_id = make_case(store)
    engine = Engine(store, client, case_budget_s=10.0)
    engine.run_once()
    task = sandbox.read("Task", store.platform_info(case_id)["task_id"])
    assert task is not None
    real = audit.parse_witness(_tags(task)[0])
    assert real is not None
    made_up = f"{real.seq + 50}-{real.time}-{real.hash}-{real.mac}"
    task["meta"]["tag"].append({"system": C.AUDIT_HEAD_SYSTEM, "code": made_up})
    sandbox.store.update(task)
    store.settings.set("sync.witness_at", "2000-01-01T00:00:00+00:00")  # read back whole now
    assert engine.run_once().audit_rewound is None
    assert audit.verify(store.conn, store.key).ok
