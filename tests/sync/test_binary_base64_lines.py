"""A report's PDF served as the Binary resource itself, or an expert's question as a text attachment, its base64
broken into lines.

R4 lets a server answer ``GET Binary/<id>`` with the Binary resource (FHIR JSON) whatever the ``Accept`` asked,
and its base64Binary datatype allows whitespace between the groups of four characters (datatypes.html, the
regex ``(\\s*([0-9a-zA-Z\\+\\=]){4}\\s*)+``): a Java server's MIME encoder writes a line break every 76. Found by a
conformance pass: such a PDF was taken for an unreadable answer at every poll, the expert's letter never kept,
while the same base64 inline in the report (``presentedForm.data``) was read. Now read alike."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from app.store import Store
from tests.support.scripted_platform import (
    PDF,
    Reply,
    fhir,
    following,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)


def _mime_lines(data: bytes) -> str:
    text = base64.b64encode(data).decode("ascii")
    return "\r\n".join(text[n : n + 76] for n in range(0, len(text), 76))


def test_a_binary_resource_whose_base64_is_in_lines_is_read(store: Store, tmp_path: Path) -> None:
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    assert len(base64.b64encode(PDF)) > 76, "the PDF spans several lines"
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        platform.reports["r"] = report("r", "Naevus bénin, surveillance.", pdf="b")

        def as_resource(path: str, _query: dict[str, list[str]]) -> Reply | None:
            if not path.endswith("/Binary/b"):
                return None
            return fhir(
                {"resourceType": "Binary", "id": "b", "contentType": "application/pdf", "data": _mime_lines(PDF)}
            )

        platform.hooks.append(as_resource)
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.missing == [], answer and answer.missing
    assert [store.objects.get(blob) for blob in answer.pdf_blobs] == [PDF]


def test_a_question_in_a_text_attachment_whose_base64_is_in_lines_is_read(store: Store, tmp_path: Path) -> None:
    """The expert's question as a ``text/plain`` attachment given inline, its base64 in lines: it was shown as
    « an element that cannot be displayed here », the question never read by the nurse."""
    from app.outbox import Outbox
    from tests.support.scripted_platform import communication

    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    words = "Depuis quand la lésion évolue-t-elle ? Saigne-t-elle au contact, et a-t-elle changé de couleur ?"
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "on-hold")
        asked = communication("a", task_id, "")
        data = _mime_lines(words.encode("utf-8"))
        assert "\r\n" in data
        asked["payload"] = [{"contentAttachment": {"contentType": "text/plain; charset=utf-8", "data": data}}]
        platform.communications[task_id] = [asked]
        with following(store, platform) as engine:
            engine.run_once()
    questions = [m.text for m in Outbox(store).messages(case_id) if m.direction == "from-expert"]
    assert questions == [words]


@pytest.mark.parametrize("damage", ["cut", "garbled"])
def test_a_binary_resource_whose_base64_in_lines_is_damaged_is_not_kept(
    store: Store, tmp_path: Path, damage: str
) -> None:
    """The blanks between groups are read past, nothing more: base64 whose last group is short (a body cut on
    the way) or holding a character base64 has not (garbled) stays an unreadable answer, the PDF never kept as
    garbage, even when the report gives neither the file's size nor its hash to check it by."""
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    whole = _mime_lines(PDF)
    if damage == "cut":
        data = whole[: len(whole) * 2 // 3]
        if len("".join(data.split())) % 4 == 0:
            data = data[:-1]
    else:
        data = whole[:40] + "****" + whole[44:]  # a group replaced (a bad copy): dropped, it would decode
    with scripted_platform() as platform:
        platform.tasks[task_id] = task(case_id, task_id, "completed", report_ids=("r",))
        unchecked = report("r", "Naevus bénin, surveillance.", pdf="b")
        for form in unchecked["presentedForm"]:
            del form["size"], form["hash"]
        platform.reports["r"] = unchecked

        def as_resource(path: str, _query: dict[str, list[str]]) -> Reply | None:
            if not path.endswith("/Binary/b"):
                return None
            return fhir({"resourceType": "Binary", "id": "b", "contentType": "application/pdf", "data": data})

        platform.hooks.append(as_resource)
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is None or answer.pdf_blobs == [], [len(store.objects.get(b)) for b in answer.pdf_blobs]
