"""Following the cases at the platform (expertise-api.md §4): polling, answers, questions, cancelling.

Open cases are polled in batches (``GET Task?_id=a,b,…``), narrowed with ``_lastUpdated`` once
each case has been seen. ``Task.status`` is mirrored in the case; a completed Task's
DiagnosticReport is read, its PDFs downloaded and stored encrypted, the follow-up advice kept and
the case marked answered; an on-hold Task's Communication from the expert is kept as a message.
"""

from __future__ import annotations

import functools
import logging
from datetime import datetime, timedelta
from typing import Any

from app import messages as M
from app.db import transaction
from app.errors import InvalidTransition, TeleavisError
from app.model import TRANSITIONS, Answer, CaseState
from app.outbox import Outbox
from app.store import NewImage, Store
from sync.client import PlatformClient, TransientFault
from sync.mapping import CASE_SYSTEM, location_id
from sync.progress import NullListener, ProgressListener

log = logging.getLogger(__name__)

M.add({
    "cancel.not_sent": {"fr": "Ce dossier n'est pas encore sur la plateforme : il n'y a rien à annuler là-bas.",
                        "en": "This case is not on the platform yet: there is nothing to cancel there."},
    "cancel.too_late": {"fr": "Trop tard pour annuler : l'expert a déjà pris le dossier ({state}).",
                        "en": "Too late to cancel: the expert has already taken the case ({state})."},
    "cancel.done": {"fr": "Dossier {id} annulé sur la plateforme.", "en": "Case {id} cancelled on the platform."},
    "reply.not_waiting": {"fr": "L'expert n'attend pas de réponse sur ce dossier.",
                          "en": "The expert is not waiting for an answer on this case."},
})

#: Cases that may still change at the platform (an answered case may be reopened by a question).
POLLED_STATES = (*(s.value for s in (CaseState.SENT, CaseState.RECEIVED, CaseState.ACCEPTED,
                                     CaseState.IN_PROGRESS, CaseState.ON_HOLD)), CaseState.ANSWERED.value)
_MIRRORED = {"requested": CaseState.SENT, "received": CaseState.RECEIVED, "accepted": CaseState.ACCEPTED,
             "in-progress": CaseState.IN_PROGRESS, "on-hold": CaseState.ON_HOLD, "rejected": CaseState.REJECTED,
             "cancelled": CaseState.CANCELLED, "completed": CaseState.ANSWERED}
OUTPUT_SYSTEM = "urn:teleavis:output"
BATCH = 40
_MARK = "sync.poll_mark"


def _text(value: Any) -> str:
    return value.get("text", "") if isinstance(value, dict) and isinstance(value.get("text"), str) else ""


def find_task(client: PlatformClient, case_id: str) -> tuple[str, str, str | None] | None:
    """(Task id, ServiceRequest id, version) of the case's Task when the platform has it."""
    tasks = client.search("Task", {"identifier": f"{CASE_SYSTEM}|{case_id}"})
    for task in tasks:
        focus = (task.get("focus") or {}).get("reference", "")
        try:
            request_id = location_id(focus, "ServiceRequest")
        except ValueError:
            continue
        return str(task["id"]), request_id, (task.get("meta") or {}).get("versionId")
    return None


def follow_up_days(duration: Any) -> float | None:
    if not isinstance(duration, dict) or not isinstance(duration.get("value"), int | float):
        return None
    factor = {"d": 1.0, "wk": 7.0, "mo": 30.0, "h": 1 / 24, "a": 365.0}.get(str(duration.get("code", "d")), 1.0)
    return float(duration["value"]) * factor


class Follower:
    def __init__(self, store: Store, client: PlatformClient, listener: ProgressListener | None = None) -> None:
        self.store = store
        self.client = client
        self.listener = listener or NullListener()
        self.outbox = Outbox(store)

    def open_cases(self) -> list[tuple[str, str, str | None]]:
        """(case id, task id, known version) of the cases to poll."""
        rows = self.store.conn.execute(
            "SELECT id, task_id, task_version, state FROM cases WHERE task_id IS NOT NULL").fetchall()
        return [(r[0], r[1], r[2]) for r in rows if r[3] in POLLED_STATES]

    def poll(self, budget_s: float | None = None) -> list[str]:
        """One poll of every open case; returns the ids of the cases answered now."""
        cases = self.open_cases()
        by_task = {task_id: (case_id, version) for case_id, task_id, version in cases}
        mark = self.store.settings.get(_MARK)
        seen = [t for t, (_, v) in by_task.items() if v is not None and mark]
        fresh = [t for t, (_, v) in by_task.items() if v is None or not mark]
        answered: list[str] = []
        newest: str | None = mark
        for ids, narrowed in ((seen, True), (fresh, False)):
            for start in range(0, len(ids), BATCH):
                params = {"_id": ",".join(ids[start:start + BATCH]), "_count": str(BATCH)}
                if narrowed and mark:
                    params["_lastUpdated"] = "gt" + _minus_second(mark)
                tasks = self.client.retrying(functools.partial(self.client.search, "Task", params),
                                             budget_s=budget_s)
                for task in tasks:
                    entry = by_task.get(str(task.get("id")))
                    if entry is None:
                        continue
                    updated = (task.get("meta") or {}).get("lastUpdated")
                    if isinstance(updated, str) and (newest is None or updated > newest):
                        newest = updated
                    if self.mirror(entry[0], task, entry[1], budget_s=budget_s):
                        answered.append(entry[0])
        if newest and newest != mark:
            self.store.settings.set(_MARK, newest)
        return answered

    def mirror(self, case_id: str, task: dict[str, Any], known_version: str | None,
               budget_s: float | None = None) -> bool:
        """Bring the case in line with its Task; True when it became answered."""
        version = (task.get("meta") or {}).get("versionId")
        if version is not None and version == known_version:
            return False
        status = str(task.get("status", ""))
        target = _MIRRORED.get(status)
        answer: Answer | None = None
        if status == "completed" and self.store.state(case_id) != CaseState.ANSWERED:
            answer = self.fetch_answer(task, budget_s)
        expert_messages: list[dict[str, Any]] = []
        if status == "on-hold":
            expert_messages = self.client.retrying(
                lambda: self.client.search("Communication", {"about": f"Task/{task['id']}"}), budget_s=budget_s)
        with transaction(self.store.conn) as conn:
            conn.execute("UPDATE cases SET task_version=?, platform_status=?, business_status=?, status_reason=? "
                         "WHERE id=?", (version, status, _text(task.get("businessStatus")) or None,
                                        _text(task.get("statusReason")) or None, case_id))
            for comm in expert_messages:
                if any(i.get("system") == "urn:teleavis:message-id" for i in comm.get("identifier") or []):
                    continue  # one of ours
                text = " ".join(p["contentString"] for p in comm.get("payload") or []
                                if isinstance(p, dict) and isinstance(p.get("contentString"), str))
                self.outbox.add_expert_message(conn, case_id, str(comm["id"]), text, str(comm.get("sent", "")))
            if answer is not None:
                self.store.set_answer(conn, case_id, answer)
            current = CaseState(conn.execute("SELECT state FROM cases WHERE id=?", (case_id,)).fetchone()[0])
            if target is not None and target != current and target in TRANSITIONS[current]:
                action = {CaseState.ANSWERED: "answered", CaseState.CANCELLED: "cancelled"}.get(target)
                self.store.transition(case_id, target, detail=f"Task {status}", audit_action=action, conn=conn)
            elif target is not None and target != current:
                log.warning("case %s: platform status %s not mirrored from %s", case_id, status, current.value)
        if target is not None and target != current:
            self.listener.case_state(case_id, target.value)
        return answer is not None

    def fetch_answer(self, task: dict[str, Any], budget_s: float | None) -> Answer:
        """The DiagnosticReport of a completed Task, its PDFs stored encrypted."""
        answer = Answer()
        for output in task.get("output") or []:
            codes = {c.get("code") for c in (output.get("type") or {}).get("coding") or []
                     if c.get("system") == OUTPUT_SYSTEM}
            if "follow-up-within" in codes:
                answer.follow_up_days = follow_up_days(output.get("valueDuration"))
            reference = (output.get("valueReference") or {}).get("reference", "")
            if not reference.startswith("DiagnosticReport/"):
                continue
            report_id = location_id(reference, "DiagnosticReport")
            report = self.client.retrying(functools.partial(self.client.read, "DiagnosticReport", report_id),
                                          budget_s=budget_s)
            answer.report_id = report_id
            answer.conclusion = str(report.get("conclusion", ""))
            answer.issued = str(report.get("issued", ""))
            answer.expert = ", ".join(str(p.get("display")) for p in report.get("performer") or []
                                      if isinstance(p, dict) and p.get("display"))
            for form in report.get("presentedForm") or []:
                url, kind = str(form.get("url", "")), str(form.get("contentType", "application/pdf"))
                binary_id = location_id(url, "Binary")
                data = self.client.retrying(functools.partial(self.client.binary, binary_id, kind),
                                            budget_s=budget_s)
                if isinstance(form.get("size"), int) and form["size"] != len(data):
                    raise TransientFault(M.tr("net.not_fhir"))
                answer.pdf_blobs.append(self.store.objects.put(data))
        return answer


def _minus_second(instant: str) -> str:
    try:
        moment = datetime.fromisoformat(instant.replace("Z", "+00:00"))
    except ValueError:
        return instant
    return (moment - timedelta(seconds=1)).isoformat()


def cancel(store: Store, client: PlatformClient, case_id: str, budget_s: float | None = 60.0) -> None:
    """Ask the platform to cancel the case (only while its Task is requested or received; §4)."""
    info = store.platform_info(case_id)
    if not info["task_id"]:
        raise TeleavisError(M.tr("cancel.not_sent"))
    task_id = info["task_id"]
    follower = Follower(store, client)
    for _ in range(10):
        task = client.retrying(lambda: client.read("Task", task_id), budget_s=budget_s)
        status = task.get("status")
        if status == "cancelled":
            break
        if status not in ("requested", "received"):
            follower.mirror(case_id, task, info["task_version"], budget_s)
            raise TeleavisError(M.tr("cancel.too_late", state=M.state_name(_MIRRORED.get(str(status),
                                                                                      CaseState.SENT).value)))
        version = (task.get("meta") or {}).get("versionId")
        body = {k: v for k, v in task.items() if k != "meta"}
        body["status"] = "cancelled"
        reply = client.retrying(functools.partial(client.update, body, if_match=f'W/"{version}"',
                                                  pass_status=frozenset({409, 412})), budget_s=budget_s)
        if reply.status in (409, 412):
            continue  # it changed meanwhile: read again
        task = reply.document
        break
    else:
        raise TransientFault(M.tr("net.busy", status=412))
    follower.mirror(case_id, task, None, budget_s)
    log.info("case %s cancelled", case_id)


def queue_reply(store: Store, case_id: str, text: str, images: list[NewImage]) -> str:
    """The requester's answer to the expert's question (text and new images), queued for the engine."""
    if store.state(case_id) != CaseState.ON_HOLD:
        raise InvalidTransition(M.tr("reply.not_waiting"))
    outbox = Outbox(store)
    expert = [m for m in outbox.messages(case_id) if m.direction == "from-expert"]
    if images:
        store.add_images(case_id, images)
    return outbox.queue_reply(case_id, text, [i.record.id for i in images],
                              expert[-1].platform_id if expert else None)
