"""The images an expert attaches inside the report (R4 ``DiagnosticReport.media``: ``link`` → Media, its
``content`` an Attachment) are the expert's attached files like the others: read, kept, shown in the
window and printed in the report. Found left open: they were never read, the expert's annotated images
lost to the requester. One that cannot be read is said missing, never blocks the rest of the answer."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

from app.answers import answer_files
from app.model import CaseState
from app.report import build_report
from app.store import Store
from tests.support.images import jpeg_bytes, png_bytes, skin_photo
from tests.support.scripted_platform import (
    PDF,
    Reply,
    fhir,
    following,
    report,
    scripted_platform,
    task,
)

ANNOTATED = png_bytes(skin_photo(320, 240, seed=3))
CLOSE_UP = jpeg_bytes(skin_photo(320, 240, seed=4))


def _media(media_id: str, content: dict[str, Any]) -> dict[str, Any]:
    return {"resourceType": "Media", "id": media_id, "status": "completed", "content": content}


def test_images_the_expert_attached_in_the_report_are_read_shown_and_printed(
    three: tuple[Path, list[tuple[str, str]]],
) -> None:
    home, cases = three
    served: dict[str, Any] = {
        "Media/m1": fhir(_media("m1", {"contentType": "image/png", "url": "Binary/img1", "title": "annotée.png"})),
        "Binary/img1": (200, {"Content-Type": "image/png"}, ANNOTATED),
        "Media/gone": (404, {"Content-Type": "application/fhir+json"}, b'{"resourceType": "OperationOutcome"}'),
    }

    def serve(path: str, query: Any) -> Reply | None:
        return served.get(path.split("/fhir/", 1)[-1])  # type: ignore[no-any-return]

    with Store.open(home) as store, scripted_platform() as platform:
        platform.hooks.append(serve)
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.", pdf=f"b{n}")
            platform.binaries[f"b{n}"] = PDF
        odd = platform.reports["r1"]
        odd["media"] = [
            {"comment": "Lésion annotée", "link": {"reference": "Media/m1"}},
            {"link": {"reference": "#m2"}},  # carried inside the report, its bytes inline
            {"comment": "Cliché supprimé", "link": {"reference": "Media/gone"}},
        ]
        odd["contained"] = [
            _media("m2", {"contentType": "image/jpeg", "data": base64.b64encode(CLOSE_UP).decode(), "title": "zoom"})
        ]
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
        for n, (case_id, _) in enumerate(cases):
            assert store.state(case_id) == CaseState.ANSWERED
            got = store.answer(case_id)
            assert got is not None and got.conclusion == f"Réponse {n}." and len(got.pdf_blobs) == 1
        got = store.answer(cases[1][0])
        assert got is not None
        pictures = answer_files(got, store.objects.get).pictures  # what the window shows (ui/follow_view.py)
        assert [(p["title"], store.objects.get(p["blob"])) for p in pictures] == [
            ("Lésion annotée", ANNOTATED),
            ("zoom", CLOSE_UP),
        ]
        assert got.missing == [{"what": "Cliché supprimé", "reason": "not-found"}]
        assert build_report(store, cases[1][0]).answer_images == 2  # printed, as other attached pictures are
        for n in (0, 2):
            assert build_report(store, cases[n][0]).answer_images == 0


def test_an_answer_of_hundreds_of_images_reads_only_those_it_may_keep_each_once(
    three: tuple[Path, list[tuple[str, str]]],
) -> None:
    """An answer keeps 20 files (``app.answers.MAX_ANSWER_FILES``): found left open, a report naming 300 images
    had every one of its Media read before the limit refused them (300 requests, on a satellite link), and an
    image named twice was read twice. Now only those the answer may keep are asked for, each once; the others
    are said past the limits, never asked."""
    home, cases = three
    served: dict[str, Any] = {}
    for n in range(300):
        served[f"Media/m{n}"] = fhir(_media(f"m{n}", {"contentType": "image/png", "url": f"Binary/img{n}"}))
        served[f"Binary/img{n}"] = (200, {"Content-Type": "image/png"}, ANNOTATED)

    def serve(path: str, query: Any) -> Reply | None:
        return served.get(path.split("/fhir/", 1)[-1])  # type: ignore[no-any-return]

    with Store.open(home) as store, scripted_platform() as platform:
        platform.hooks.append(serve)
        for n, (case_id, task_id) in enumerate(cases):
            platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=(f"r{n}",))
            platform.reports[f"r{n}"] = report(f"r{n}", f"Réponse {n}.", pdf=f"b{n}")
            platform.binaries[f"b{n}"] = PDF
        platform.reports["r1"]["media"] = [
            {"comment": "Lésion annotée", "link": {"reference": "Media/m0"}},
            {"comment": "La même, nommée deux fois", "link": {"reference": "Media/m0"}},
        ] + [{"link": {"reference": f"Media/m{n}"}} for n in range(1, 300)]
        with following(store, platform) as engine:
            engine.run_once(timeout=60.0)
        got = store.answer(cases[1][0])
        assert store.state(cases[1][0]) == CaseState.ANSWERED and got is not None
        media_read = [p for p in platform.requests if "/Media/" in p]
        images_read = [p for p in platform.requests if "/Binary/img" in p]
        # The report's PDF and 19 images: 20 files, each image asked for once.
        assert len(got.files) == 20 and len(answer_files(got, store.objects.get).pictures) == 19
        assert len(media_read) == 19 and len(set(media_read)) == 19, media_read
        assert len(images_read) == 19 and len(set(images_read)) == 19, images_read
        # The 300 images less the 19 kept: said past the limits, once.
        assert got.missing == [{"what": "more-files", "reason": "beyond-limits", "count": "281"}]
