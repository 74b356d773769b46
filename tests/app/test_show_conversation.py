"""``case show`` says, as the report does, a reply to the expert that never reached them."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

import pytest

from app.db import transaction
from app.model import CaseState
from app.outbox import Outbox
from app.store import Store
from tests.support.cli import run_inprocess
from tests.support.ui import REQUESTER, sent_case


@pytest.fixture
def store(teleavis_home: Path) -> Iterator[Store]:
    with Store.open(teleavis_home) as opened:
        opened.settings.set("site.requester", asdict(REQUESTER))
        yield opened


def test_case_show_says_a_reply_refused_or_not_sent_yet(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    case_id = sent_case(store, then=(CaseState.ON_HOLD,))
    outbox = Outbox(store)
    with transaction(store.conn) as conn:
        outbox.add_expert_message(conn, case_id, "q1", "Depuis quand ?", "2026-12-02T09:00:00+00:00", "a")
    refused = outbox.queue_reply(case_id, "Trois semaines.", [], "q1")
    outbox.reply_refused(case_id, refused, "La plateforme refuse la réponse à l'expert (422).")
    outbox.queue_reply(case_id, "Depuis trois semaines.", [], "q1")
    store.close()

    out = run_inprocess(capsys, "case", "show", case_id).out
    said = out[out.index("Questions de l'expert et réponses") :]
    assert said.index("Depuis quand ?") < said.index("non envoyée") < said.index("Trois semaines.")
    assert said.index("Trois semaines.") < said.index("pas encore envoyée") < said.index("Depuis trois semaines.")
    doc = json.loads(run_inprocess(capsys, "case", "show", case_id, "--json").out)
    assert [(m["direction"], m["state"]) for m in doc["messages"]] == [
        ("from-expert", "received"),
        ("to-expert", "refused"),
        ("to-expert", "queued"),
    ]


def test_a_reply_says_the_images_joined_to_it_in_case_show_and_the_report(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by this session's passes: the report (and ``case show``, its words) printed the nurse's reply
    « Voici la dermoscopie demandée. » with nothing saying a photo went with it, nor which: the expert's
    answer may rest on it. Each reply says how many images were joined, numbered as the case's images
    are listed, with where they were taken."""
    import io

    from pypdf import PdfReader

    from app.model import CaseImage
    from app.report import build_report
    from app.store import NewImage
    from capture.pipeline import prepare_image_bytes
    from sync.follow import queue_reply
    from tests.support.images import jpeg_bytes, skin_photo

    case_id = sent_case(store, then=(CaseState.ON_HOLD,))
    with transaction(store.conn) as conn:
        Outbox(store).add_expert_message(conn, case_id, "q1", "Une dermoscopie ?", "2026-12-02T09:00:00+00:00", "a")
    prepared = prepare_image_bytes(jpeg_bytes(skin_photo()), filename="d.jpg", specialty="dermatology")
    record = CaseImage(
        body_site="dos",
        view="dermoscopy",
        content_type=prepared.content_type,
        width=prepared.width,
        height=prepared.height,
        quality=prepared.quality,
    )
    queue_reply(store, case_id, "Voici la dermoscopie demandée.", [NewImage(record, prepared.data, prepared.thumbnail)])
    pdf = build_report(store, case_id, lang="fr").pdf
    english = build_report(store, case_id, lang="en").pdf
    store.close()

    out = run_inprocess(capsys, "case", "show", case_id).out
    said = out[out.index("Questions de l'expert et réponses") :]
    assert "    1 image jointe : image 1 — dos, dermoscopie" in said.splitlines()
    assert said.index("Voici la dermoscopie demandée.") < said.index("1 image jointe")
    whole = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    start = whole.index("Questions de l'expert et réponses")
    assert "Voici la dermoscopie demandée. 1 image jointe : image 1 — dos, dermoscopie" in whole[start:]
    whole = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(english)).pages)
    assert "1 image attached: image 1 — dos, dermoscopy" in whole  # « joined »: French in English words
