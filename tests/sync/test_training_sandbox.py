"""Training mode's built-in sandbox keeps patient data as safely as the real store does.

Sealed under the data key on disk, reachable only with its random token, a loopback Host and from its own
account's programs (the standalone sandbox too), erased once a real platform is configured, and forgetting
a case when retention purges it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from app.crypto import DataKey
from app.identifiers import ins_key
from app.model import Case, CaseState, Consent, Patient, Treatment, utc_now
from app.store import NewImage, Store
from sync import training
from sync.client import PlatformClient, RetryPolicy
from sync.engine import Engine
from sync.progress import RecordingListener
from sync.sandbox.storage import DATABASE
from sync.sandbox.storage import Store as SandboxStore
from tests.support.cli import run_inprocess, run_process
from tests.sync.sync_helpers import FORMS, image_records, jpeg

FIRST13 = "1310775123456"
INS = f"{FIRST13}{ins_key(FIRST13):02d}"
QUESTION = "QUESTION-DISTINCTIVE-4b1e Lésion du dos : exérèse ?"
SECRETS = ["ZORGLUB", "Zébulon", "1931-07-14", INS, "LOCAL-ID-77e1", "QUESTION-DISTINCTIVE-4b1e", "Metformine-9c2d"]
FAST = RetryPolicy(base_s=0.02, cap_s=0.2)


@pytest.fixture(autouse=True)
def _stop_sandboxes() -> Iterator[None]:
    yield
    training.stop_sandboxes()


def _encodings(text: str) -> list[bytes]:
    return [text.encode(codec) for codec in ("utf-8", "utf-16-le", "utf-16-be")]


def _distinctive_case(store: Store) -> tuple[str, list[bytes]]:
    from tests.sync.sync_helpers import setup_site

    setup_site(store)
    case = Case(
        specialty="dermatology",
        priority="routine",
        question=QUESTION,
        summary="Apparue il y a 6 mois.",
        patient=Patient(
            family="ZORGLUB", given=["Zébulon"], birth_date="1931-07-14", sex="male", ins=INS, local_id="LOCAL-ID-77e1"
        ),
        consent=Consent(given=True, date="2026-11-20", recorded_by="Inf. Durand"),
        treatments=[Treatment("Metformine-9c2d", "1 cp")],
        form=dict(FORMS["dermatology"]),
    )
    photos = [jpeg(64, 48, seed=n, noise=True) for n in range(2)]
    images = []
    for record, data in zip(image_records("dermatology"), photos, strict=True):
        record.width, record.height = 64, 48
        images.append(NewImage(record, data, None))
    case_id = store.create_case(case, images)
    store.queue(case_id)
    return case_id, photos


def _answered_in_training(store: Store) -> tuple[str, list[bytes], bytes]:
    """A distinctive case sent to the training sandbox and answered; (id, photo bytes, report PDF)."""
    store.settings.set("sandbox.answer_after_s", 0.0)
    store.settings.set("sandbox.question_rate", 0.0)  # straight to the answer, no question on the way
    case_id, photos = _distinctive_case(store)
    url = training.ensure_sandbox(store)
    with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
        engine = Engine(store, client, RecordingListener(), case_budget_s=10.0)
        assert engine.run_once().sent == [case_id]
        deadline = time.monotonic() + 60
        while store.state(case_id) != CaseState.ANSWERED:
            assert time.monotonic() < deadline, store.state(case_id)
            time.sleep(0.2)
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.pdf_blobs
    pdf = store.objects.get(answer.pdf_blobs[0])
    assert pdf.startswith(b"%PDF")
    return case_id, photos, pdf


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_a_training_round_trip_leaves_no_patient_data_in_clear(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        _, photos, pdf = _answered_in_training(store)
    training.stop_sandboxes()
    sandbox_files = _files(teleavis_home / "sandbox")
    assert any(p.name == DATABASE for p in sandbox_files)
    assert any(p.parent.name == "binaries" for p in sandbox_files), "photos and the PDF are kept, sealed"
    # Pieces of the photos and of the report, taken where the bytes are their own (not a JPEG header).
    pieces = [photo[len(photo) // 2 : len(photo) // 2 + 48] for photo in photos]
    pieces += [b"%PDF-", pdf[len(pdf) // 2 : len(pdf) // 2 + 48]]
    # Their hashes too: a known photo's, in clear, tells it was sent here (the platform's Binary kept one).
    pieces += [form for data in [*photos, pdf] for form in _hash_forms(data)]
    for path in _files(teleavis_home):
        content = path.read_bytes()
        where = path.relative_to(teleavis_home)
        for secret in SECRETS:
            for encoded in _encodings(secret):
                assert encoded not in content, f"{secret!r} found in clear in {where}"
        for piece in pieces:
            assert piece not in content, f"photo or report bytes found in clear in {where}"


def test_the_training_sandbox_wants_its_token_and_a_loopback_host(teleavis_home: Path) -> None:
    with Store.open(teleavis_home) as store:
        url = training.ensure_sandbox(store)
    token = training.sandbox_token(url)
    assert token and len(token) >= 32
    port = url.split(":")[2].split("/")[0]
    assert requests.get(f"{url}/metadata", timeout=10).status_code == 401
    assert requests.get(f"{url}/Patient", headers={"Authorization": "Bearer guess"}, timeout=10).status_code == 401
    good = {"Authorization": f"Bearer {token}"}
    assert requests.get(f"{url}/Patient", headers=good, timeout=10).status_code == 200
    for host in (f"localhost:{port}", f"[::1]:{port}", f"127.0.0.1:{port}"):
        assert requests.get(f"{url}/metadata", headers={**good, "Host": host}, timeout=10).status_code == 200
    # A web page whose name was rebound to 127.0.0.1 (DNS rebinding) sends its own name.
    for host in (f"evil.example:{port}", "evil.example", f"127.0.0.1:{int(port) + 1}", f"localhost.evil:{port}"):
        refused = requests.get(f"{url}/metadata", headers={**good, "Host": host}, timeout=10)
        assert refused.status_code == 421, host
    # The demo OAuth accounts are public: they must not open the training sandbox.
    base = url.removesuffix("/fhir")
    for form in (
        {"grant_type": "password", "username": "demo", "password": "demo", "client_id": "teleavis"},
        {"grant_type": "client_credentials", "client_id": "teleavis", "client_secret": "sandbox-secret"},
    ):
        assert requests.post(f"{base}/oauth/token", data=form, timeout=10).status_code in (400, 401)


def test_configuring_a_real_platform_erases_the_training_data(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        _answered_in_training(store)
    assert _files(teleavis_home / "sandbox")
    still_training = run_inprocess(capsys, "config", "set", "sandbox.answer_after_s", "5")
    assert still_training.code == 0 and (teleavis_home / "sandbox").exists()
    done = run_inprocess(capsys, "config", "set", "platform.url", "https://plateforme.example/fhir")
    assert done.code == 0, done.err
    assert "formation" in done.err
    assert not (teleavis_home / "sandbox").exists()
    with Store.open(teleavis_home) as store:
        # And a sandbox folder that reappears (a restored backup, an older version) goes at next use.
        (teleavis_home / "sandbox").mkdir()
        (teleavis_home / "sandbox" / DATABASE).write_bytes(b"old")
        assert training.ensure_sandbox(store) == "https://plateforme.example/fhir"
    assert not (teleavis_home / "sandbox").exists()


def test_retention_purges_the_sandbox_copy_of_a_purged_case(
    teleavis_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        case_id, _, _ = _answered_in_training(store)
        store.mark_read(case_id)
        kept_id, _ = _distinctive_case(store)  # still in the outbox: retention keeps it
        url = training.ensure_sandbox(store)
        with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
            Engine(store, client, RecordingListener(), case_budget_s=10.0).run_once()
    training.stop_sandboxes()
    sandbox = SandboxStore(teleavis_home / "sandbox", _key(teleavis_home))
    try:
        from sync.sandbox.purge import case_ids

        assert case_ids(sandbox) == {case_id, kept_id}
        binaries_before = sandbox.count_binaries()
        purged_refs = {
            f"{rtype}/{r['id']}"
            for rtype in ("ServiceRequest", "Task")
            for r in sandbox.all(rtype)
            if any(i["value"] == case_id for i in r["identifier"])
        }
        assert len(purged_refs) == 2
    finally:
        sandbox.close()
    later = utc_now() + timedelta(days=366 * 21)
    monkeypatch.setattr("app.retention.utc_now", lambda: later)
    done = run_inprocess(capsys, "retention", "run")
    assert done.code == 0, done.err
    assert f"purged {case_id}" in done.out
    sandbox = SandboxStore(teleavis_home / "sandbox", _key(teleavis_home))
    try:
        assert case_ids(sandbox) == {kept_id}
        assert len(sandbox.all("Task")) == 1 and len(sandbox.all("ServiceRequest")) == 1
        assert len(sandbox.all("Media")) == 2 and len(sandbox.all("Consent")) == 1
        remaining = [r for rtype in sandbox.types() for r in sandbox.all(rtype)]
        assert not [r["resourceType"] for r in remaining if purged_refs & set(_reference_strings(r))]
        # Both cases are the same patient: the Patient stays for the kept one.
        assert len(sandbox.all("Patient")) == 1
        assert sandbox.count_binaries() == binaries_before - 3  # two photos and the report
        assert len(list((teleavis_home / "sandbox" / "binaries").iterdir())) == sandbox.count_binaries()
    finally:
        sandbox.close()


def _reference_strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [
            s
            for k, v in value.items()
            for s in ([v] if k == "reference" and isinstance(v, str) else _reference_strings(v))
        ]
    if isinstance(value, list):
        return [s for item in value for s in _reference_strings(item)]
    return []


def _hash_forms(data: bytes) -> list[bytes]:
    import base64
    import hashlib

    digests = [hashlib.sha1(data, usedforsecurity=False).digest(), hashlib.sha256(data).digest()]
    return [form for d in digests for form in (d, d.hex().encode(), base64.b64encode(d))]


def test_the_training_platforms_hashes_kept_in_clear_before_are_sealed_when_it_opens(teleavis_home: Path) -> None:
    key = _key(teleavis_home)
    sandbox = SandboxStore(teleavis_home / "sandbox", key)
    info = sandbox.put_binary("image/jpeg", b"a photo", "upload")
    with sandbox.write():  # as the version before kept it
        sandbox._conn.execute("UPDATE binary SET sha1 = ? WHERE id = ?", (info.sha1_b64, info.id))
    sandbox.close()
    sandbox = SandboxStore(teleavis_home / "sandbox", key)
    try:
        assert sandbox.binary_info(info.id) == info
        assert sandbox._conn.execute("SELECT typeof(sha1) FROM binary").fetchall() == [("blob",)]
    finally:
        sandbox.close()


def _key(home: Path) -> DataKey:
    with Store.open(home) as store:
        return store.key


def test_the_standalone_sandbox_refuses_a_network_address_without_a_token(teleavis_home: Path) -> None:
    anywhere = "0.0.0.0"  # noqa: S104 - the point of the test
    refused = run_process("sandbox", "--host", anywhere, "--port", "0")
    assert refused.code == 2
    assert "--token" in refused.err and anywhere in refused.err
    assert not (teleavis_home / "sandbox").exists()


def _standalone_sandbox(*options: str) -> Any:
    """``teleavis sandbox OPTIONS`` in its own process, as a harness starts it (pipes for its three
    streams); the caller waits for it or ends it."""
    import os
    import subprocess
    import sys

    from tests.support.cli import ROOT

    return subprocess.Popen(
        [sys.executable, "-m", "app.main", "sandbox", *options],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
    )


def test_the_standalone_sandbox_takes_its_token_from_standard_input(teleavis_home: Path) -> None:
    import signal

    anywhere = "0.0.0.0"  # noqa: S104 - allowed with a token
    process = _standalone_sandbox("--host", anywhere, "--port", "0", "--token", "-")
    try:
        assert process.stdin is not None and process.stdout is not None
        process.stdin.write("jeton-du-bac-7a1f\n")
        process.stdin.close()
        base_url = process.stdout.readline().strip()
        port = base_url.rsplit(":", 1)[1].split("/")[0]
        url = f"http://127.0.0.1:{port}/fhir"
        assert requests.get(f"{url}/metadata", timeout=10).status_code == 401
        good = {"Authorization": "Bearer jeton-du-bac-7a1f"}
        assert requests.get(f"{url}/metadata", headers=good, timeout=10).status_code == 200
        # With a token, the demo OAuth accounts are off.
        form = {"grant_type": "password", "username": "demo", "password": "demo", "client_id": "teleavis"}
        assert requests.post(f"http://127.0.0.1:{port}/oauth/token", data=form, timeout=10).status_code in (400, 401)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stderr is not None and "jeton-du-bac-7a1f" not in process.stderr.read()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        for pipe in (process.stdout, process.stderr):
            if pipe is not None:
                pipe.close()
    assert not (teleavis_home / "sandbox").exists(), "in memory: nothing written"


def test_the_standalone_sandbox_answers_a_qualified_patient_sent_to_it_as_a_platform(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From an outside run of docs/cli.md: `teleavis sandbox`, then `config set platform.url` to it and
    the contract's example case (a qualified identity): « Refusée : patient réel en formation ». A
    workstation with a platform configured sends the real INS; served on its own, the sandbox stands
    for that platform, and its expert answers."""
    import time

    from tests.support.cli import run_inprocess

    process = _standalone_sandbox("--port", "0", "--answer-after", "1")
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        case_id = _qualified_case_queued_for(url, tmp_path, capsys)
        deadline = time.monotonic() + 60
        state = ""
        while state != "answered" and time.monotonic() < deadline:
            done = run_inprocess(capsys, "sync", "--once", "--json")
            assert done.code == 0, done.err
            state = run_inprocess(capsys, "case", "show", case_id, "--json").json()["state"]
            assert state not in ("rejected", "needs_attention"), run_inprocess(capsys, "case", "show", case_id).out
            time.sleep(0.5)
        assert state == "answered"
    finally:
        process.terminate()
        process.communicate(timeout=30)  # (its pipes closed with it)


def _qualified_case_queued_for(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The example case, its identity qualified (its real INS goes), queued by the CLI for the platform at
    ``url``; its id."""
    import copy

    from tests.support.cases import EXAMPLE, example_case
    from tests.support.cli import SITE, run_inprocess, write_json

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    assert run_inprocess(capsys, "config", "set", "platform.url", url).code == 0
    qualified = {**copy.deepcopy(EXAMPLE["patient"]), "identity_status": "qualified"}
    imported = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "cas", patient=qualified)))
    case_id = imported.out.strip()
    assert run_inprocess(capsys, "case", "send", case_id).code == 0
    return case_id


def _as_another_account(url: str) -> tuple[int, bytes]:
    """GET ``url`` from another local account (``nobody``, uid 65534) of this machine: a forked child
    that gives up root before it connects. (status, body); status 0 when the connection was refused."""
    import http.client
    import json
    import os
    from urllib.parse import urlsplit

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        answer: dict[str, Any] = {"status": 0, "body": ""}
        try:
            os.setgroups([])
            os.setgid(65534)
            os.setuid(65534)
            parts = urlsplit(url)
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
            connection.request("GET", parts.path)
            response = connection.getresponse()
            answer = {"status": response.status, "body": response.read().decode("utf-8", "replace")}
        except OSError:
            pass
        finally:
            os.write(write_end, json.dumps(answer).encode())
            os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        answer = json.loads(pipe.read() or b"{}")
    os.waitpid(child, 0)
    return int(answer["status"]), str(answer["body"]).encode()


@pytest.mark.skipif(not hasattr(os, "getuid") or os.getuid() != 0, reason="acting as another account needs root")
def test_the_standalone_sandbox_serves_no_other_local_account(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """From an attacker's pass with a second account on the workstation: `teleavis sandbox` without
    `--token` (loopback only) served every patient sent to it to any program of any account, names, INS
    and photos. It answers only the account that started it."""
    from tests.support.cases import EXAMPLE
    from tests.support.cli import run_inprocess

    process = _standalone_sandbox("--port", "0", "--answer-after", "600")
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip()
        case_id = _qualified_case_queued_for(url, tmp_path, capsys)
        sent = run_inprocess(capsys, "sync", "--once", "--json")
        assert sent.code == 0 and sent.json()["sent"] == [case_id], sent.err  # its own account: served
        own = requests.get(f"{url}/Patient", timeout=10)
        assert own.status_code == 200 and b"MARTIN" in own.content
        for path in ("Patient", "Binary", "metadata"):
            status, body = _as_another_account(f"{url}/{path}")
            assert status in (0, 403), (path, status)
            assert b"MARTIN" not in body and EXAMPLE["patient"]["ins"].encode() not in body
        status, body = _as_another_account(f"{url}/Patient")
        assert status == 403 and "compte" in body.decode()  # said, not a silent reset
    finally:
        process.terminate()
        process.communicate(timeout=30)


def test_cases_queued_in_training_mode_never_leave_for_the_real_platform_set_after(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by a newcomer's pass: a case sent in training mode, then `config set platform.url` to a real
    platform, left at the next sync, the patient's INS with it, its act counted billable."""
    from app.outbox import Outbox
    from tests.support.cases import example_case
    from tests.support.cli import SITE, write_json

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    imported = run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "case")))
    assert imported.code == 0, imported.err
    case_id = imported.out.strip()
    sent = run_inprocess(capsys, "case", "send", case_id)
    assert sent.code == 0, sent.err
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.QUEUED
    done = run_inprocess(capsys, "config", "set", "platform.url", "https://plateforme.example/fhir")
    assert done.code == 0, done.err
    assert "Fin du mode formation" in done.err and case_id[:8] in done.err
    with Store.open(teleavis_home) as store:
        assert store.state(case_id) == CaseState.NEEDS_ATTENTION  # said on the case, in the worklist
        assert "mode formation" in store.platform_info(case_id)["last_error"]
        assert Outbox(store).pending() == []


def test_a_disk_too_full_for_the_training_platform_is_said_as_such(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found from outside: `sync` in training mode on a nearly full disk said « Erreur interne
    inattendue »: the training platform could not make its database."""
    import sqlite3

    from app.errors import StorageError
    from sync.sandbox import SandboxServer
    from sync.training import ensure_sandbox

    def full(_server: object) -> None:
        raise sqlite3.OperationalError("database or disk is full")

    monkeypatch.setattr(SandboxServer, "start", full)
    with pytest.raises(StorageError, match="disque est plein"):
        ensure_sandbox(store)


def test_a_training_case_whose_sandbox_was_erased_says_it_in_training_words(teleavis_home: Path) -> None:
    """Found from outside: after a key rotation (which erases the training platform's data), the
    training cases sent before said « La demande n'existe plus sur la plateforme (elle y a été
    supprimée) … Appelez la plateforme » — a nurse in training told to call a platform that is not
    there. A training case says what happened, and that no real patient is concerned."""
    with Store.open(teleavis_home) as store:
        store.settings.set("sandbox.answer_after_s", 3600.0)  # no answer before the erasure
        store.settings.set("sandbox.question_rate", 0.0)
        case_id, _photos = _distinctive_case(store)
        url = training.ensure_sandbox(store)
        with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
            assert Engine(store, client, RecordingListener(), case_budget_s=10.0).run_once().sent == [case_id]
        _erased_then_followed(store)
        said = store.platform_info(case_id)["last_error"]
        assert store.platform_info(case_id)["unread"]  # news: no answer will come
    assert said is not None
    assert "plateforme d'essai" in said and "Appelez la plateforme" not in said


def test_an_answered_training_case_whose_sandbox_was_erased_keeps_its_answer_quietly(teleavis_home: Path) -> None:
    """Seen from outside: after a key rotation, an answered training case said « aucune réponse
    d'entraînement ne viendra » under its answer, and came back unread."""
    with Store.open(teleavis_home) as store:
        store.settings.set("sandbox.answer_after_s", 0.0)
        store.settings.set("sandbox.question_rate", 0.0)
        case_id, _photos = _distinctive_case(store)
        url = training.ensure_sandbox(store)
        with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
            engine = Engine(store, client, RecordingListener(), case_budget_s=10.0)
            engine.run_once()
            deadline = time.monotonic() + 30
            while store.state(case_id) != CaseState.ANSWERED and time.monotonic() < deadline:
                time.sleep(0.2)
                engine.run_once()
        assert store.state(case_id) == CaseState.ANSWERED
        store.mark_read(case_id)
        _erased_then_followed(store)
        said = str(store.platform_info(case_id)["last_error"])
        assert "sa réponse reste ici" in said and "ne viendra" not in said, said
        assert not store.platform_info(case_id)["unread"]
        assert store.answer(case_id) is not None


def _erased_then_followed(store: Store) -> None:
    """The training platform erased, as a key rotation does once every key is new, then one sync pass on the
    empty training platform the next start finds."""
    assert training.wipe_sandbox(store)
    url = training.ensure_sandbox(store)
    with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
        Engine(store, client, RecordingListener(), case_budget_s=10.0).run_once()


def _sent_and_polled_in_training(store: Store) -> str:
    """A distinctive case sent to the training sandbox and polled twice (its marks set); its id."""
    store.settings.set("sandbox.answer_after_s", 3600.0)
    store.settings.set("sandbox.question_rate", 0.0)
    case_id, _photos = _distinctive_case(store)
    url = training.ensure_sandbox(store)
    with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
        engine = Engine(store, client, RecordingListener(), case_budget_s=10.0)
        assert engine.run_once().sent == [case_id]
        engine.follower.poll(budget_s=10.0)
        engine.follower.poll(budget_s=10.0)
    assert store.settings.get("sync.poll_mark.training") is not None
    return case_id


def test_a_training_platform_lost_without_its_erasure_is_found_empty(teleavis_home: Path) -> None:
    """Found in review: a backup holds no ``sandbox/`` but keeps the training poll marks. After a restore,
    the polls, narrowed by the lost platform's marks, found nothing changed: the training case waited for
    good, nothing said. A training platform found empty forgets the marks."""
    import shutil

    with Store.open(teleavis_home) as store:
        case_id = _sent_and_polled_in_training(store)
        training.stop_sandboxes()
        shutil.rmtree(teleavis_home / training.SANDBOX_DIR)  # as a restored backup leaves it
        url = training.ensure_sandbox(store)
        with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
            Engine(store, client, RecordingListener(), case_budget_s=10.0).run_once()
        assert "plateforme d'essai" in str(store.platform_info(case_id)["last_error"])


def test_sync_goes_on_after_a_key_rotation_in_training_mode(teleavis_home: Path) -> None:
    """Found in review: the rotation erased the training platform after re-sealing everything, and the
    erasure's poll marks, written under the retired key, read as altered: « Données altérées : le réglage
    sync.poll_mark.training… », every sync stopped, and the setting could not be set by hand."""
    from tests.app.test_rotation import OTHER, rotate_by_command

    with Store.open(teleavis_home) as store:
        case_id = _sent_and_polled_in_training(store)
    training.stop_sandboxes()
    done = rotate_by_command()
    assert done.returncode == 0, done.stderr
    synced = run_process("sync", "--once", env={"TELEAVIS_PASSPHRASE": OTHER})
    assert synced.code == 0, synced.err
    assert "altérées" not in synced.err
    with Store.open(teleavis_home, passphrase=lambda _c: OTHER) as store:
        assert store.settings.verify_all() == []
        assert "plateforme d'essai" in str(store.platform_info(case_id)["last_error"])


def test_the_training_platform_keeps_no_photos_exact_size_in_clear(teleavis_home: Path) -> None:
    """Found by this session's review: a photo sent in training mode was kept with its exact byte size in
    clear, in the sandbox's ``binary.size`` and as its file's size, on the same machine as the real data
    (whose blobs are padded since): whoever held the folder and the photo could tell it was sent here. Its
    size is sealed and its file padded as a blob's; a file and a size kept by the version before still read."""
    from app import blobs

    key = _key(teleavis_home)
    photo = bytes(range(256)) * 397 + b"odd tail"  # 101,640 bytes: no padded step
    sandbox = SandboxStore(teleavis_home / "sandbox", key)
    try:
        info = sandbox.put_binary("image/jpeg", photo, "upload")
        on_disk = (teleavis_home / "sandbox" / "binaries" / info.id).stat().st_size
        assert on_disk == blobs.padded_size(len(photo))
        assert sandbox._conn.execute("SELECT typeof(size) FROM binary").fetchall() == [("blob",)]
        assert sandbox.binary_info(info.id) == info and info.size == len(photo)
        assert sandbox.binary_bytes(info.id) == photo
        # As the version before kept it: its file unpadded, its size in clear.
        old = sandbox.put_binary("image/jpeg", b"an older photo", "upload")
        with open(teleavis_home / "sandbox" / "binaries" / old.id, "wb") as handle:
            key.seal_to(b"an older photo", b"sandbox-binary:" + old.id.encode(), handle)
        with sandbox.write():
            sandbox._conn.execute("UPDATE binary SET size = ? WHERE id = ?", (old.size, old.id))
    finally:
        sandbox.close()
    sandbox = SandboxStore(teleavis_home / "sandbox", key)
    try:
        assert sandbox.binary_info(old.id) == old and sandbox.binary_bytes(old.id) == b"an older photo"
        assert sandbox._conn.execute("SELECT DISTINCT typeof(size) FROM binary").fetchall() == [("blob",)]
        assert (teleavis_home / "sandbox" / "binaries" / old.id).stat().st_size == blobs.padded_size(14)
        assert sandbox.binary_info(info.id) == info and sandbox.binary_bytes(info.id) == photo
    finally:
        sandbox.close()


def test_the_sandbox_in_memory_keeps_its_binaries_as_they_came() -> None:
    sandbox = SandboxStore()
    info = sandbox.put_binary("image/jpeg", b"a photo", "upload")
    assert sandbox.binary_info(info.id) == info and info.size == 7
    assert sandbox.binary_bytes(info.id) == b"a photo"


def test_a_training_case_whose_platform_a_restore_left_behind_names_the_restore(teleavis_home: Path) -> None:
    """Found from outside (a restore --force in training mode): a backup holds no ``sandbox/``, so the training
    cases sent before said that the test platform's data was erased « (changement de clé ou de plateforme) »,
    neither of which had happened. The restore is named among the causes, and a note written in the former words
    is still taken for that news (a reply to such a case is still refused, not queued for good)."""
    import shutil

    from sync.follow import training_platform_gone

    with Store.open(teleavis_home) as store:
        case_id = _sent_and_polled_in_training(store)
        training.stop_sandboxes()
        shutil.rmtree(teleavis_home / training.SANDBOX_DIR)  # as a restored backup leaves it
        url = training.ensure_sandbox(store)
        with PlatformClient.from_store(store, base_url=url, policy=FAST) as client:
            Engine(store, client, RecordingListener(), case_budget_s=10.0).run_once()
        said = str(store.platform_info(case_id)["last_error"])
        assert "sauvegarde restaurée" in said, said
        former = (
            "Cette demande d'entraînement n'est plus sur la plateforme d'essai, dont les données ont été "
            "effacées (changement de clé ou de plateforme) : aucune réponse d'entraînement ne viendra. Aucun vrai "
            "patient n'est concerné ; vous pouvez supprimer ce dossier d'essai."
        )
        with store.conn:
            store.set_platform_words(store.conn, case_id, last_error=former)
        assert training_platform_gone(store, case_id) == "erased"
