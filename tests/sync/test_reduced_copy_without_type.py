"""A reduced copy recorded with an empty content type (by an older release, or a record damaged since) made a Media
the bundle's validation refuses as it is posted: the case stopped at every try as « erreur interne, prévenez le
support », and neither the nurse nor support could correct it. Such a copy is not used: the photo goes again, as
for a copy never made, and the case leaves once with a Media that describes what it points at."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from sync.mapping import CASE_SYSTEM
from sync.sandbox import SandboxServer
from tests.sync.sync_helpers import client_for_url, engine_on, jpeg, make_case, setup_site


@pytest.fixture
def sandbox(store: Store, tmp_path: Path) -> Iterator[SandboxServer]:
    setup_site(store)
    with SandboxServer(tmp_path / "platform", answer_after_s=0.0, run_expert=False, seed=1) as server:
        yield server


def sha1_b64(data: bytes) -> str:
    return base64.b64encode(hashlib.sha1(data).digest()).decode()  # noqa: S324 -- Media.content.hash


@pytest.mark.parametrize("content_type", ["", "   "])
def test_a_copy_recorded_without_its_type_is_not_used_and_the_case_leaves_once(
    store: Store, sandbox: SandboxServer, content_type: str
) -> None:
    case_id = make_case(store)
    first = store.get_case(case_id).images[0]
    reduced = jpeg(32, 24, seed=5)
    with client_for_url(sandbox.base_url) as client:
        old_binary = client.create_binary(reduced, "image/jpeg")
    copy = {"content_type": content_type, "size": len(reduced), "sha1": sha1_b64(reduced), "width": 32, "height": 24}
    Outbox(store).record_binary(case_id, first.id, old_binary, copy_sent={**copy, "reduced": True})

    for _ in range(2):  # a second pass changes nothing
        with engine_on(store, sandbox.base_url) as engine:
            engine.run_once(poll=False)

    assert store.state(case_id) == CaseState.SENT, store.platform_info(case_id)["last_error"]
    assert sandbox.count("Task", identifier=f"{CASE_SYSTEM}|{case_id}") == 1
    # Each Media says what its Binary holds: type, size and hash (the copy without a type not pointed at).
    media = sandbox.resources("Media")
    assert len(media) == len(store.get_case(case_id).images)
    for each in media:
        content = each["content"]
        assert not content["url"].endswith(old_binary)
        held = sandbox.binary_bytes(content["url"].rsplit("/", 1)[-1])
        assert content["contentType"] == "image/jpeg"
        assert content["size"] == len(held) and content["hash"] == sha1_b64(held)
