"""A retinograph whose eye is to check keeps its doubt in the window once the case is sent, as ``case show``
and the report keep it (found by an outside tester playing a nurse: the tile said « ⚠ Œil à vérifier »,
she sent it all the same, and the sent case's « Votre demande » listed « 2. œil gauche (OG), centrée sur
la macula » as if sure, beside the expert's advice on that eye)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.store import Store
from tests.app.test_eye_side_said import sent_swapped_case
from tests.support.cli import SITE, run_inprocess, write_json
from tests.support.french import NARROW_NO_BREAK, NO_BREAK
from tests.support.ui import shown


def test_the_sent_request_says_which_eye_is_to_check(
    qtbot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], store: Store
) -> None:
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_id = sent_swapped_case(tmp_path, capsys, store)
    view = shown(qtbot, store, case_id)
    images = view.request.text().splitlines()[2]
    said = images.split(NO_BREAK + ": ", 1)[1].split(NARROW_NO_BREAK + "; ")
    assert [("⚠ œil à vérifier" in words) for words in said] == [True, False, True, False], images
    assert said[0] == "1. œil droit (OD), centrée sur la macula — ⚠ œil à vérifier"


def test_a_reply_image_whose_eye_is_to_check_says_so_in_the_exchange(
    qtbot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], store: Store
) -> None:
    """The same doubt on a photo sent with a reply: its line in the exchange said « 1 image jointe :
    Centrée sur la papille · Œil gauche (OG) », as if sure, as the report says it with « œil à vérifier »."""
    from app.outbox import Outbox

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_id = sent_swapped_case(tmp_path, capsys, store)
    first, second = (image.id for image in store.get_case(case_id).images[:2])
    Outbox(store).queue_reply(case_id, "Voici les clichés.", [first, second], None)
    view = shown(qtbot, store, case_id)
    lines = [view.conversation.item(row).text() for row in range(view.conversation.count())]
    joined = next(line for line in lines if "Voici les clichés." in line).splitlines()[-1]
    said = joined.split(NO_BREAK + ": ", 1)[1].split(NARROW_NO_BREAK + "; ")
    assert ["œil à vérifier" in words for words in said] == [True, False], joined


def test_a_reply_image_in_the_exchange_names_its_eye_first_as_its_tile_does(
    qtbot: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str], store: Store
) -> None:
    """Found by an outside tester playing a nurse: her reply's retinograph showed in the exchange as
    « 1 image jointe : Centrée sur la macula · Œil gauche (OG) », the field before the eye, where its tile,
    « Votre demande » and the report all name the eye first (the thing a wrong advice would hit). The line
    now says it as the tile does, eye first."""
    from app.outbox import Outbox
    from ui.image_tile import eye_name, view_name

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    case_id = sent_swapped_case(tmp_path, capsys, store)
    images = store.get_case(case_id).images[:2]
    Outbox(store).queue_reply(case_id, "Voici les clichés.", [image.id for image in images], None)
    view = shown(qtbot, store, case_id)
    lines = [view.conversation.item(row).text() for row in range(view.conversation.count())]
    joined = next(line for line in lines if "Voici les clichés." in line).splitlines()[-1]
    said = joined.split(NO_BREAK + ": ", 1)[1].split(NARROW_NO_BREAK + "; ")
    for words, image in zip(said, images, strict=True):
        assert image.eye and image.view, "retinographs with an eye and a field"
        assert words.startswith(f"{eye_name(image.eye)} · {view_name(image.view)}"), joined
