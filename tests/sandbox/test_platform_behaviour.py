"""What a real platform also does: persist, demand a token, issue tokens, and sometimes refuse."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from app.crypto import DataKey, new_key
from sync.sandbox import SandboxServer
from tests.sandbox.sandbox_cases import jpeg, new_case, post_bundle, upload


def test_everything_survives_a_restart(tmp_path: Path) -> None:
    data_dir, key = tmp_path / "persist", DataKey(new_key())
    with SandboxServer(data_dir, answer_after_s=0, seed=5, run_expert=False, key=key) as first:
        case = new_case(first.base_url)
        assert post_bundle(first.base_url, case.bundle()).status_code == 200
        first.expert.step()
        (task,) = first.resources("Task")
        binary_id = case.images[0][0]
    with SandboxServer(data_dir, answer_after_s=0, seed=5, run_expert=False, key=key) as second:
        again = requests.get(f"{second.base_url}/Task/{task['id']}", timeout=10)
        assert again.json()["status"] == "received"
        assert again.headers["ETag"] == 'W/"2"'
        raw = requests.get(f"{second.base_url}/Binary/{binary_id}", timeout=10)
        assert raw.content == case.images[0][1]
        # Identifiers are remembered: the same case is still one case.
        resent = post_bundle(second.base_url, case.bundle())
        assert {e["response"]["status"] for e in resent.json()["entry"]} == {"200 OK"}
        assert second.count("Task") == 1
        assert second.binary_uploads == 1
        # The expert carries on where it stopped.
        second.expert.run_until_idle()
        assert second.read("Task", task["id"])["status"] == "completed"  # type: ignore[index]
        # lastUpdated keeps increasing across the restart.
        history = second.history("Task", task["id"])
        instants = [version["meta"]["lastUpdated"] for version in history]
        assert instants == sorted(instants) and len(set(instants)) == len(instants)


def test_token_required_when_configured(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "auth", token="s3cret", run_expert=False) as sandbox:
        anonymous = requests.get(f"{sandbox.base_url}/metadata", timeout=10)
        assert anonymous.status_code == 401
        assert anonymous.headers["WWW-Authenticate"].startswith("Bearer")
        assert anonymous.json()["resourceType"] == "OperationOutcome"
        wrong = requests.get(f"{sandbox.base_url}/metadata", headers={"Authorization": "Bearer nope"}, timeout=10)
        assert wrong.status_code == 401
        right = requests.get(f"{sandbox.base_url}/metadata", headers={"Authorization": "Bearer s3cret"}, timeout=10)
        assert right.status_code == 200
        upload(sandbox.base_url, jpeg(), token="s3cret")
        sandbox.revoke_tokens()
        revoked = requests.get(f"{sandbox.base_url}/metadata", headers={"Authorization": "Bearer s3cret"}, timeout=10)
        assert revoked.status_code == 401


def test_oauth_client_credentials_refresh_expiry_and_revocation(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "oauth", token="static", run_expert=False) as sandbox:
        bad = requests.post(
            sandbox.token_url,
            data={"grant_type": "client_credentials", "client_id": "teleavis", "client_secret": "wrong"},
            timeout=10,
        )
        assert bad.status_code == 401
        assert bad.json()["error"] == "invalid_client"
        granted = requests.post(
            sandbox.token_url,
            data={"grant_type": "client_credentials"},
            auth=("teleavis", "sandbox-secret"),
            timeout=10,
        )
        assert granted.status_code == 200
        token = granted.json()
        assert token["token_type"] == "Bearer"
        assert token["expires_in"] > 0

        def metadata(access: str) -> int:
            headers = {"Authorization": f"Bearer {access}"}
            return requests.get(f"{sandbox.base_url}/metadata", headers=headers, timeout=10).status_code

        assert metadata(token["access_token"]) == 200
        sandbox.expire_tokens()
        assert metadata(token["access_token"]) == 401
        refreshed = requests.post(
            sandbox.token_url,
            data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
            timeout=10,
        ).json()
        assert metadata(refreshed["access_token"]) == 200
        # A refresh token is good once.
        reused = requests.post(
            sandbox.token_url,
            data={"grant_type": "refresh_token", "refresh_token": token["refresh_token"]},
            timeout=10,
        )
        assert reused.status_code == 400
        assert reused.json()["error"] == "invalid_grant"
        sandbox.revoke_tokens()
        assert metadata(refreshed["access_token"]) == 401
        after_revocation = requests.post(
            sandbox.token_url,
            data={"grant_type": "refresh_token", "refresh_token": refreshed["refresh_token"]},
            timeout=10,
        )
        assert after_revocation.status_code == 400
        unsupported = requests.post(sandbox.token_url, data={"grant_type": "implicit"}, timeout=10)
        assert unsupported.json()["error"] == "unsupported_grant_type"


def test_overload_and_injected_faults_carry_retry_after(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "busy", overload_rate=1.0, retry_after_s=7, run_expert=False) as busy:
        response = requests.get(f"{busy.base_url}/metadata", timeout=10)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "7"
        assert response.json()["resourceType"] == "OperationOutcome"
    with SandboxServer(tmp_path / "faulty", run_expert=False) as faulty:
        faulty.inject_fault(429, retry_after="2")
        faulty.inject_fault(502, html=True, retry_after=None)
        first = requests.get(f"{faulty.base_url}/metadata", timeout=10)
        assert (first.status_code, first.headers["Retry-After"]) == (429, "2")
        second = requests.get(f"{faulty.base_url}/metadata", timeout=10)
        assert second.status_code == 502
        assert second.headers["Content-Type"].startswith("text/html")
        assert requests.get(f"{faulty.base_url}/metadata", timeout=10).status_code == 200


def test_concurrency_limit_answers_429(tmp_path: Path) -> None:
    with SandboxServer(tmp_path / "limit", max_concurrent=1, run_expert=False) as sandbox:
        held: list[int] = []
        # Hold the only slot: a search waits for the store's lock, which the test holds.
        with sandbox.store.lock:
            worker = threading.Thread(
                target=lambda: held.append(requests.get(f"{sandbox.base_url}/Task", timeout=10).status_code)
            )
            worker.start()
            deadline = time.monotonic() + 60  # the worker thread may be slow to start on a loaded host
            while not sandbox.platform.requests_served and time.monotonic() < deadline:
                time.sleep(0.01)
            refused = requests.get(f"{sandbox.base_url}/metadata", timeout=10)
        worker.join()
        assert refused.status_code == 429
        assert "Retry-After" in refused.headers
        assert held == [200]


def test_python_m_sync_sandbox_prints_the_base_url_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "error"}
    process = subprocess.Popen(
        [sys.executable, "-m", "sync.sandbox", "--port", "0", "--answer-after", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=Path(__file__).parents[2],
    )
    try:
        assert process.stdout is not None
        base_url = process.stdout.readline().strip()
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/fhir")
        assert requests.get(f"{base_url}/metadata", timeout=10).status_code == 200
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert "Warning" not in err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_stop_joins_every_thread_even_with_a_kept_alive_connection(tmp_path: Path) -> None:
    before = set(threading.enumerate())
    sandbox = SandboxServer(tmp_path / "threads", answer_after_s=0).start()
    with requests.Session() as session:
        assert session.get(f"{sandbox.base_url}/metadata", timeout=10).status_code == 200
        started = time.monotonic()
        sandbox.stop()  # The session still holds its connection open.
        assert time.monotonic() - started < 5
        assert set(threading.enumerate()) - before == set()
    sandbox.stop()  # Twice is harmless.
