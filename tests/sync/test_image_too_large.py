"""An image over the platform's size limit (413): the user is told which, and a photo has a way out.

Found from outside: a photo from an ordinary camera, imported as it came (never re-compressed),
can be larger than a platform accepts. The case waited with « retirez-la ou reprenez-la en plus
petit » — an imported photo cannot be retaken, and nothing said which image; reduced copies, which
would pass, were offered only while a case was queued, never once it had been refused.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from app.model import CaseImage, CaseState
from app.outbox import Outbox
from app.store import NewImage, Store
from capture.demo import fundus_scene, skin_scene
from capture.pipeline import prepare_image_bytes
from sync.reduced import reduced_copy
from sync.sandbox import SandboxServer
from tests.support.cli import run_inprocess
from tests.support.dicom import retinograph
from tests.sync.sync_helpers import engine_on, jpeg, new_case, setup_site

pytestmark = pytest.mark.usefixtures("site")


@pytest.fixture
def site(store: Store) -> None:
    setup_site(store)


def camera_photo() -> bytes:
    """A 12 Mpx photo as a good camera writes it (JPEG quality 98)."""
    out = io.BytesIO()
    Image.fromarray(skin_scene(4000, 3000, seed=5)).save(out, "JPEG", quality=98)
    return out.getvalue()


def case_with(store: Store, data: bytes, content_type: str = "image/jpeg", specialty: str = "dermatology") -> str:
    small = NewImage(CaseImage(body_site="dos", view="far", width=64, height=48), jpeg(seed=1))
    big = NewImage(
        CaseImage(body_site="dos", view="close-up", content_type=content_type, width=4000, height=3000),
        data,
        None,
    )
    case_id = store.create_case(new_case(specialty), [small, big])
    store.queue(case_id)
    return case_id


def refused(store: Store, case_id: str) -> tuple[str, Any]:
    assert store.state(case_id) == CaseState.NEEDS_ATTENTION
    return str(store.platform_info(case_id)["last_error"]), Outbox(store).row(case_id)


def test_a_photo_over_the_limit_is_named_and_goes_as_a_reduced_copy_once_chosen(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    photo = camera_photo()
    copy = reduced_copy(photo, "image/jpeg")
    assert copy is not None
    limit = (len(photo) + len(copy[0])) // 2  # the original over it, its reduced copy under it
    case_id = case_with(store, photo)
    with (
        SandboxServer(tmp_path / "p", run_expert=False, max_binary_bytes=limit) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        assert engine.run_once().needs_attention == [case_id]
        words, row = refused(store, case_id)
        size = f"{len(photo) / 1e6:.1f}".replace(".", ",")
        assert f"l'image 2 ({size} Mo) dépasse la taille acceptée" in words and "copies réduites" in words
        big = store.get_case(case_id).images[1]
        assert row.too_large == big.id and not row.reduced
        assert sandbox.count("Task") == 0
        # Said by `case show` too, with the way out (the reason was in the sync's output alone).
        shown = run_inprocess(capsys, "case", "show", case_id).out
        assert "Pourquoi il n'est pas parti : l'image 2" in shown
        assert f"teleavis case send {case_id[:8]} --reduced" in shown

        # What « Envoyer des copies réduites » does (ui/case_page.py), as `case send --reduced`.
        store.queue(case_id, reduced=True)
        row = Outbox(store).row(case_id)
        assert row is not None and row.reduced and row.too_large is None
        assert engine.run_once().sent == [case_id]
        [media] = [
            m
            for m in sandbox.resources("Media")
            if {"system": "urn:teleavis:image-id", "value": big.id} in m.get("identifier", [])
        ]
        assert "copie réduite" in media["content"]["title"] and media["content"]["size"] < limit


def test_a_dicom_over_the_limit_is_named_and_no_reduced_copy_is_offered(store: Store, tmp_path: Path) -> None:
    scene = fundus_scene(1600, 1200, seed=3, eye="right")
    dicom = prepare_image_bytes(retinograph([scene]), filename="OD.dcm", specialty="ophthalmology").data
    case_id = case_with(store, dicom, "application/dicom", "dermatology")
    with (
        SandboxServer(tmp_path / "p", run_expert=False, max_binary_bytes=len(dicom) - 1) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        assert engine.run_once().needs_attention == [case_id]
    words, row = refused(store, case_id)
    assert "l'image 2" in words and "exportez-la à nouveau" in words and "copies réduites" not in words
    assert row.too_large is None


def test_a_photo_still_too_large_once_reduced_says_so(store: Store, tmp_path: Path) -> None:
    """Found from outside: a reduced copy still over the limit got the DICOM's advice (« exportez-la à
    nouveau de l'appareil ») and no word that it had already been reduced."""
    photo = camera_photo()
    copy = reduced_copy(photo, "image/jpeg")
    assert copy is not None
    case_id = case_with(store, photo)
    store.queue(case_id, reduced=True)
    with (
        SandboxServer(tmp_path / "p", run_expert=False, max_binary_bytes=len(copy[0]) - 1) as sandbox,
        engine_on(store, sandbox.base_url) as engine,
    ):
        assert engine.run_once().needs_attention == [case_id]
    words, row = refused(store, case_id)
    assert "même réduite" in words and "reprenez la photo" in words and row.too_large is None
