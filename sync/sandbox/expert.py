"""The simulated expert: moves each new case's Task forward as a specialist would.

requested → received → (after a third of `answer_after_s`) accepted → in-progress → (after the
rest) either on-hold with a question (for a share `question_rate` of the cases, chosen by case id,
at most once per case) or completed with a DiagnosticReport and its PDF letter. An on-hold case
returns to in-progress when the requester's reply arrives. All state is read from the store, so a
restarted sandbox carries on where it stopped; with a seed, each case's choices depend only on its
case id. How the answer is written (attachments and where they are, a refusal, a cancellation,
an amended report) follows an `AnswerShape` (shapes.py): `shape` for every case, `shapes[case_id]`
for one.
"""

from __future__ import annotations

import copy
import logging
import random
import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from app import clock
from sync import codes as C
from sync.sandbox.contract import CASE_ID, INS, RPPS
from sync.sandbox.letter import AnswerLetter, render_letter
from sync.sandbox.phrases import (
    ANSWERS,
    EXPERTS,
    QUESTIONS,
    SPECIALTY_LABELS,
    Answer,
    Expert,
    Photos,
    business_status,
    fitting,
)
from sync.sandbox.shapes import AnswerShape, AttachmentBytes, asks_question, picture, presented_form
from sync.sandbox.storage import Store, identifiers_of, parse_instant
from sync.sandbox.validation import validate_resource

log = logging.getLogger(__name__)

QUESTION_ID = "urn:teleavis:sandbox:question-id"
OUTPUT_SYSTEM = C.OUTPUT_SYSTEM
OPEN_STATUSES = ("requested", "received", "accepted", "in-progress", "on-hold")


#: The sandbox expert's promise: an urgent request within 48 h (docs/platform-api.md §4), others within 7 days.
PROMISE_DAYS = {"urgent": 2, "routine": 7}


def promised_end(task: dict[str, Any]) -> str:
    """When the sandbox's expert promises the answer, as she accepts the request: counted from when the platform
    received it (the Task's ``lastModified`` then, its move to ``received``), up to the next whole minute.

    Not from ``authoredOn``, when the nurse began the case: found in training, the promise came out earlier
    than the week the workstation counts from the sending (a case begun at 9:00 and sent at 9:40, due 40
    minutes sooner once accepted). A platform's week starts when the request reaches it."""
    start = _instant(task.get("lastModified")) or _instant(task.get("authoredOn")) or clock.utc_now()
    authored = _instant(task.get("authoredOn"))
    if authored is not None and authored > start:
        start = authored
    days = PROMISE_DAYS.get(str(task.get("priority", "routine")), 7)
    end = start + timedelta(days=days)
    if end.second or end.microsecond:  # never before the instant itself: said to the second, rounded up
        end = end.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return end.astimezone(UTC).isoformat(timespec="seconds")


def _instant(value: Any) -> datetime | None:
    try:
        moment = datetime.fromisoformat(str(value or "").replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _ref_id(reference: Any, rtype: str) -> str | None:
    text = reference.get("reference", "") if isinstance(reference, dict) else ""
    kind, _, rid = text.partition("/")
    return rid.split("/")[0] if kind == rtype and rid else None


REAL_INS_REFUSAL = (
    "Mode formation : ce dossier identifie le patient par un INS réel. La formation se fait uniquement "
    "avec des patients fictifs (INS de test) ; ne saisissez jamais l'identité d'un vrai patient ici."
)


def _ins_typed(patient: dict[str, Any], system: str) -> bool:
    """An identifier under the INS OID is an INS when typed INS-NIR (the billing NIR shares the OID)."""
    for ident in patient.get("identifier") or []:
        if isinstance(ident, dict) and ident.get("system") == system:
            codings = (ident.get("type") or {}).get("coding") or []
            if any(c.get("code") == "INS-NIR" for c in codings if isinstance(c, dict)):
                return True
    return False


def _person_name(resource: dict[str, Any] | None) -> str:
    """The name a letter gives: the birth name (``official``) when there is one, else the first, and
    a patient's used name (``usual``, FR Core's usualName) after it, said as such."""
    names = [n for n in (resource or {}).get("name") or [] if isinstance(n, dict)] or [{}]
    name = next((n for n in names if n.get("use") == "official"), names[0])
    if name.get("text"):
        return str(name["text"])
    text = " ".join([*name.get("given", []), name.get("family", "")]).strip()
    used = next((n.get("family") for n in names if n.get("use") == "usual" and n is not name), None)
    if text and isinstance(used, str) and used.strip():
        text += f" (nom utilisé : {used.strip()})"
    return text or "(nom non transmis)"


class SimulatedExpert:
    """Background worker playing the experts; `step()` drives it by hand in tests."""

    def __init__(
        self,
        store: Store,
        answer_after_s: float = 30.0,
        question_rate: float = 0.0,
        seed: int | None = None,
        tick_s: float = 0.2,
        training: bool = True,
    ) -> None:
        self.store, self.answer_after_s, self.question_rate, self.seed = (
            store,
            answer_after_s,
            question_rate,
            seed,
        )
        self.tick_s = tick_s
        #: How answers are written: for every case, and per case id.
        self.shape = AnswerShape()
        self.shapes: dict[str, AnswerShape] = {}
        #: The platform's base URL, for absolute attachment URLs (set by the server once bound).
        self.base_url = "http://127.0.0.1/fhir"
        # The training sandbox's experts refuse a patient identified by a real INS: training is done
        # with fictitious patients (test INS), never with a real person's identity.
        self.training = training
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._pass_lock = threading.Lock()
        self._thread: threading.Thread | None = None

    # -- driving ------------------------------------------------------------------------------------

    def start(self) -> None:
        """Run in a background thread until `stop()`."""
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="sandbox-expert", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop the background thread and wait for it."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def wake(self) -> None:
        """Look at the cases now (a transaction just arrived) instead of at the next tick."""
        self._wake.set()

    def step(self) -> int:
        """Advance every open case by one transition, delays ignored; the number of transitions."""
        return self._advance(ignore_delays=True)

    def run_until_idle(self, max_steps: int = 20) -> int:
        """Step until nothing moves (every case completed, or on hold awaiting a reply)."""
        total = 0
        for _ in range(max_steps):
            moved = self.step()
            total += moved
            if not moved:
                break
        return total

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                moved = self._advance(ignore_delays=False)
            except Exception:
                # The expert must outlive one bad case; the log says which.
                log.exception("sandbox expert failed on a pass")
                moved = 0
            if not moved:
                self._wake.wait(self.tick_s)
                self._wake.clear()

    # -- one pass -----------------------------------------------------------------------------------

    def _advance(self, ignore_delays: bool) -> int:
        with self._pass_lock:
            moved = 0
            for task in self.store.all("Task"):
                if task.get("status") in OPEN_STATUSES:
                    moved += self._advance_case(task["id"], ignore_delays)
                elif task.get("status") == "completed" and not ignore_delays and self._amend_due(task):
                    moved += self._amend_task(task["id"])
            return moved

    def _amend_due(self, task: dict[str, Any]) -> bool:
        return self._shape(task).amend and self._due(task, self.answer_after_s, False)

    def _due(self, task: dict[str, Any], delay_s: float, ignore_delays: bool) -> bool:
        if ignore_delays or delay_s <= 0:
            return True
        elapsed = (clock.utc_now() - parse_instant(task["meta"]["lastUpdated"])).total_seconds()
        return elapsed >= delay_s

    def _case_id(self, task: dict[str, Any]) -> str:
        return next((v for s, v in identifiers_of(task) if s == CASE_ID), task["id"])

    def _rng(self, task: dict[str, Any]) -> random.Random:
        case_id = self._case_id(task)
        return random.Random(f"{self.seed}:{case_id}") if self.seed is not None else random.Random()

    def _shape(self, task: dict[str, Any]) -> AnswerShape:
        return self.shapes.get(self._case_id(task), self.shape)

    def _advance_case(self, task_id: str, ignore_delays: bool) -> bool:
        with self.store.write():
            task = self.store.read("Task", task_id)
            if task is None:
                return False
            status = task["status"]
            if status == "requested" and self.training and self._real_ins(task):
                task["statusReason"] = {"text": REAL_INS_REFUSAL}
                self._move(task, "rejected", "rejected-real-patient")
            elif status == "requested":
                self._move(task, "received", "received")
            elif status == "received" and self._due(task, self.answer_after_s / 3, ignore_delays):
                expert = self._expert_for(task)
                task["owner"] = {"reference": f"Practitioner/{expert['id']}", "display": _person_name(expert)}
                # The expert's promised answer time, where FHIR R4 puts when fulfilment is sought.
                task["restriction"] = {"period": {"end": promised_end(task)}}
                self._move(task, "accepted", "accepted", f"Acceptée par {_person_name(expert)}")
            elif status == "accepted":
                task.setdefault("executionPeriod", {})["start"] = self.store.next_instant()
                self._move(task, "in-progress", "in-progress")
            elif status == "in-progress" and self._due(task, self.answer_after_s * 2 / 3, ignore_delays):
                rng = self._rng(task)
                shape = self._shape(task)
                if asks_question(self._case_id(task), self.question_rate) and not self._questions(task):
                    self._ask(task, rng)
                elif shape.outcome == "reject":
                    task["statusReason"] = {"text": shape.reason}
                    self._move(task, "rejected", "rejected")
                elif shape.outcome == "cancel":
                    task["statusReason"] = {"text": shape.reason}
                    self._move(task, "cancelled", "cancelled")
                else:
                    self._answer(task, rng, shape)
            elif status == "on-hold" and self._replied(task):
                task.pop("statusReason", None)
                self._move(task, "in-progress", "resumed")
            else:
                return False
            return True

    def _move(self, task: dict[str, Any], status: str, code: str, text: str | None = None) -> None:
        task["status"] = status
        task["businessStatus"] = business_status(code, text)
        task["lastModified"] = self.store.next_instant()
        self._save(task)

    def _save(self, resource: dict[str, Any], create: bool = False) -> dict[str, Any]:
        issues = validate_resource(resource, resource["resourceType"])
        if issues:  # A bug in the sandbox, not the client's fault: fail loudly.
            raise RuntimeError("; ".join(issue.diagnostics for issue in issues))
        return self.store.create(resource) if create else self.store.update(resource)

    # -- reading the case ---------------------------------------------------------------------------

    def _real_ins(self, task: dict[str, Any]) -> bool:
        """Whether the case's patient is identified by a real INS (not a test patient's)."""
        patient_id = _ref_id(task.get("for"), "Patient")
        patient = self.store.read("Patient", patient_id) if patient_id else None
        return _ins_typed(patient or {}, INS)

    def _service_request(self, task: dict[str, Any]) -> dict[str, Any]:
        sr_id = _ref_id(task.get("focus"), "ServiceRequest")
        return (self.store.read("ServiceRequest", sr_id) if sr_id else None) or {}

    def _specialty(self, task: dict[str, Any]) -> str:
        for coding in (self._service_request(task).get("code") or {}).get("coding", []):
            if coding.get("system") == "urn:teleavis:specialty" and coding.get("code") in EXPERTS:
                return str(coding["code"])
        return "other"

    def _photos(self, task: dict[str, Any]) -> Photos:
        """The views and eyes of the case's photos (its Media, the reply photos included): the expert asks and
        answers about those, not about a photo the case does not have."""
        request = task.get("focus", {}).get("reference")
        views: set[str] = set()
        eyes: set[str] = set()
        for media in self.store.all("Media"):
            if not any(b.get("reference") == request for b in media.get("basedOn", [])):
                continue
            view = (media.get("view") or {}).get("text")
            if view:
                views.add(str(view))
            for coding in (media.get("bodySite") or {}).get("coding", []):
                eyes.update(eye for eye, (code, _) in C.EYE_CODES.items() if coding.get("code") == code)
        return Photos(frozenset(views), frozenset(eyes))

    def _expert_for(self, task: dict[str, Any]) -> dict[str, Any]:
        expert: Expert = EXPERTS[self._specialty(task)]
        found = self.store.find_by_identifier("Practitioner", RPPS, "8" + expert.rpps)
        if found:
            stored = self.store.read("Practitioner", found[0])
            assert stored is not None
            return stored
        return self._save(
            {
                "resourceType": "Practitioner",
                "identifier": [{"system": RPPS, "value": "8" + expert.rpps}],
                "active": True,
                "name": [{"family": expert.family, "given": [expert.given], "prefix": ["Dr"]}],
                "qualification": [{"code": {"text": expert.title}}],
            },
            create=True,
        )

    def _questions(self, task: dict[str, Any]) -> list[dict[str, Any]]:
        about = f"Task/{task['id']}"
        return [
            c
            for c in self.store.all("Communication")
            if any(s == QUESTION_ID for s, _ in identifiers_of(c))
            and any(a.get("reference") == about for a in c.get("about", []))
        ]

    def _replied(self, task: dict[str, Any]) -> bool:
        asked = {f"Communication/{q['id']}" for q in self._questions(task)}
        return any(
            r.get("reference") in asked for c in self.store.all("Communication") for r in c.get("inResponseTo", [])
        )

    # -- acting -------------------------------------------------------------------------------------

    def _ask(self, task: dict[str, Any], rng: random.Random) -> None:
        expert = self._expert_for(task)
        question = rng.choice(fitting(QUESTIONS[self._specialty(task)], self._photos(task))).text
        comm: dict[str, Any] = {
            "resourceType": "Communication",
            "identifier": [{"system": QUESTION_ID, "value": f"{task['id']}-1"}],
            "status": "completed",
            "about": [{"reference": f"Task/{task['id']}"}],
            "basedOn": [task["focus"]],
            "subject": task["for"],
            "sent": self.store.next_instant(),
            "sender": {"reference": f"Practitioner/{expert['id']}", "display": _person_name(expert)},
            "payload": [{"contentString": question}],
        }
        if task.get("requester"):
            comm["recipient"] = [task["requester"]]
        self._save(comm, create=True)
        task["statusReason"] = {"text": "Complément demandé par l'expert"}
        self._move(task, "on-hold", "question", f"Question de l'expert : {question}")

    def _answer(self, task: dict[str, Any], rng: random.Random, shape: AnswerShape) -> None:
        expert = self._expert_for(task)
        specialty = self._specialty(task)
        answer: Answer = rng.choice(fitting(ANSWERS[specialty], self._photos(task)))
        sr = self._service_request(task)
        patient_id = _ref_id(task.get("for"), "Patient")
        patient = self.store.read("Patient", patient_id) if patient_id else None
        requester_id = _ref_id(task.get("requester"), "Practitioner")
        requester = self.store.read("Practitioner", requester_id) if requester_id else None
        birth = (patient or {}).get("birthDate", "")
        issued = self.store.next_instant()
        follow_up = answer.follow_up + (
            f" Délai conseillé pour une consultation en présentiel : {answer.within_days} jours."
            if answer.within_days
            else " Pas de consultation en présentiel nécessaire."
        )
        pdf = render_letter(
            AnswerLetter(
                expert_name=_person_name(expert),
                expert_title=EXPERTS[specialty].title,
                patient_name=_person_name(patient),
                patient_birth_date="/".join(reversed(birth.split("-"))) if birth else "(non transmise)",
                requester_name=_person_name(requester),
                specialty_label=SPECIALTY_LABELS[specialty],
                question=((sr.get("reasonCode") or [{}])[0]).get("text", ""),
                conclusion=answer.conclusion,
                follow_up=follow_up,
                issued=datetime.fromisoformat(issued).astimezone().date(),
            )
        )
        report = self._save(
            {
                "resourceType": "DiagnosticReport",
                "status": "final",
                "code": {
                    "coding": [{"system": C.LOINC, "code": C.CONSULT_NOTE, "display": "Consult note"}],
                    "text": "Avis de télé-expertise",
                },
                "subject": task["for"],
                "basedOn": [task["focus"]],
                "performer": [{"reference": f"Practitioner/{expert['id']}", "display": _person_name(expert)}],
                "issued": issued,
                "conclusion": answer.conclusion,
                **self._presented_forms(shape, pdf, issued, self._case_id(task)),
            },
            create=True,
        )
        outputs: list[dict[str, Any]] = [
            {
                "type": {
                    "coding": [{"system": OUTPUT_SYSTEM, "code": C.OUTPUT_REPORT}],
                    "text": "Compte rendu de l'expert",
                },
                "valueReference": {"reference": f"DiagnosticReport/{report['id']}"},
            }
        ]
        if answer.within_days:
            outputs.append(
                {
                    "type": {
                        "coding": [{"system": OUTPUT_SYSTEM, "code": C.OUTPUT_FOLLOW_UP}],
                        "text": "Consultation en présentiel conseillée sous",
                    },
                    "valueDuration": {
                        "value": answer.within_days,
                        "unit": "d",
                        "system": C.UCUM,
                        "code": "d",
                    },
                }
            )
        task = copy.deepcopy(task)
        task["output"] = outputs
        task.setdefault("executionPeriod", {})["end"] = issued
        task.pop("statusReason", None)
        self._move(task, "completed", "answered")

    # -- how the answer is written ------------------------------------------------------------------

    def _presented_forms(self, shape: AnswerShape, pdf: bytes, issued: str, seed: str) -> dict[str, Any]:
        """``presentedForm`` as the shape wants it (nothing at all for a conclusion without a file)."""
        forms = []
        pictures = 0
        for kind, where in shape.files:
            if kind == "pdf":
                item = AttachmentBytes(kind, pdf, "Réponse de l'expert")
            else:
                pictures += 1
                item = AttachmentBytes(kind, picture(kind, f"{seed}:{pictures}"), f"Photo annotée {pictures}")
            binary_id = None
            if where in ("relative", "absolute", "foreign"):
                binary_id = self.store.put_binary(item.content_type, item.data, origin="platform").id
            forms.append(presented_form(item, where, binary_id, self.base_url, shape.foreign_base, issued))
        return {"presentedForm": forms} if forms else {}

    def amend(self, case_id: str) -> bool:
        """Amend the report of this case's answer now (a new conclusion and letter); False if not answered."""
        with self._pass_lock:
            for task in self.store.all("Task"):
                if self._case_id(task) == case_id and task.get("status") == "completed":
                    return self._amend_task(task["id"])
        return False

    def _amend_task(self, task_id: str) -> bool:
        with self.store.write():
            task = self.store.read("Task", task_id)
            if task is None:
                return False
            report_id = next(
                (
                    _ref_id(o.get("valueReference"), "DiagnosticReport")
                    for o in task.get("output", [])
                    if _ref_id(o.get("valueReference"), "DiagnosticReport")
                ),
                None,
            )
            report = self.store.read("DiagnosticReport", report_id) if report_id else None
            if report is None or report.get("status") == "amended":
                return False
            shape = self._shape(task)
            expert = self._expert_for(task)
            issued = self.store.next_instant()
            conclusion = "Compte rendu modifié : " + str(report.get("conclusion", ""))
            pdf = render_letter(
                AnswerLetter(
                    expert_name=_person_name(expert),
                    expert_title=EXPERTS[self._specialty(task)].title,
                    patient_name="(voir la demande)",
                    patient_birth_date="(voir la demande)",
                    requester_name="(voir la demande)",
                    specialty_label=SPECIALTY_LABELS[self._specialty(task)],
                    question="",
                    conclusion=conclusion,
                    follow_up="Version modifiée du compte rendu : elle remplace la précédente.",
                    issued=datetime.fromisoformat(issued).astimezone().date(),
                )
            )
            report = copy.deepcopy(report)
            report.pop("presentedForm", None)
            report.update(
                status="amended",
                issued=issued,
                conclusion=conclusion,
                **self._presented_forms(shape, pdf, issued, f"{task_id}:amended"),
            )
            self._save(report)
            if shape.amend_touches_task:
                self._move(task, "completed", "amended")
            return True
