"""What the platform writes in an answer is kept sealed, never in ``teleavis.log`` in clear.

Found by an outside pass (attack41): the expert's follow-up advice in a unit Teleavis does not know was
logged with that unit as the platform wrote it (``%r``), whatever it held. A platform's free words may name
the patient (an expert typing « revoir Mme MARTIN » where a unit goes, a form's words shifted by one field),
and the log is kept in clear for support, beside the data folder; any length, too. The log says an advice
was left unread, not what it said.
"""

from __future__ import annotations

import logging
from pathlib import Path

from app import logs
from app.store import Store
from tests.support.scripted_platform import (
    follow_up_output,
    following,
    report,
    scripted_platform,
    send_to_sandbox,
    task,
)

NAME = "ZORGLU" + "BEUX Hermenegilde"  # (written apart: a trace quotes its source line)


def test_a_follow_up_unit_not_known_is_not_written_to_the_log(store: Store, tmp_path: Path) -> None:
    logs.setup(tmp_path / "logs")
    [(case_id, task_id)] = send_to_sandbox(store, tmp_path / "sandbox", 1)
    with scripted_platform() as platform:
        completed = task(case_id, task_id, "completed", report_ids=("r",))
        completed["output"].append(follow_up_output(3, f"mois, revoir {NAME}", "mois"))
        platform.tasks[task_id] = completed
        platform.reports["r"] = report("r", "Kératose séborrhéique.")
        with following(store, platform) as engine:
            engine.run_once()
    answer = store.answer(case_id)
    assert answer is not None and answer.follow_up_days is None  # (still said not read: test_odd_answers)
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = (tmp_path / "logs" / "teleavis.log").read_text("utf-8")
    assert "a follow-up advice in a unit not known" in text  # said, for support
    assert NAME not in text and "revoir" not in text
