"""An exception's words reach the log masked wherever the code puts them: as a record's argument
(``log.warning("… : %s", exc)``, a worker's failure handed on), inside an exception group, or on an
indented line of its message. Each quoted a file's path or a value whole (leak40: a photo under
``Pictures/MARTIN_Paul/`` named the patient in ``teleavis.log``)."""

from __future__ import annotations

import logging
from pathlib import Path

from app import logs

NAME = "MART" + "IN_Paul"  # (written apart: the failing line of a trace quotes its source)


def _logged(tmp_path: Path) -> str:
    for handler in logging.getLogger().handlers:
        handler.flush()
    return (tmp_path / "teleavis.log").read_text("utf-8")


def test_an_exception_given_as_a_record_argument_has_its_quoted_words_masked(tmp_path: Path) -> None:
    logs.setup(tmp_path)
    failure = FileNotFoundError(2, "No such file or directory", f"/home/inf/Pictures/{NAME}/dos.jpg")
    logging.getLogger("ui.test_words").warning("a reply's photos were not shown: %s", failure)
    text = _logged(tmp_path)
    assert "a reply's photos were not shown: [Errno 2] No such file or directory: [masqué]" in text
    assert NAME not in text


def test_an_exception_groups_inner_words_are_masked_its_code_lines_kept(tmp_path: Path) -> None:
    logs.setup(tmp_path)
    try:
        raise ExceptionGroup("images", [ValueError(f"cannot read '{NAME}/dos.jpg'")])
    except ExceptionGroup:
        logging.getLogger("app.test_words").exception("import failed")
    text = _logged(tmp_path)
    assert "ValueError: cannot read [masqué]" in text
    assert "test_log_exception_words.py" in text  # the code's own lines stay, for the maintainer
    assert NAME not in text


def test_an_indented_line_of_an_exceptions_text_is_masked_as_its_first(tmp_path: Path) -> None:
    logs.setup(tmp_path)
    try:
        raise OSError(f"the folder was not read:\n    '/media/usb/{NAME}'\n    'ins 2 50 02'")
    except OSError:
        logging.getLogger("app.test_words").exception("import failed")
    text = _logged(tmp_path)
    assert "the folder was not read:" in text and "    [masqué]" in text
    assert NAME not in text


def test_an_exception_argument_whose_words_are_all_masked_still_says_its_kind(tmp_path: Path) -> None:
    """Found in review40b: a backup refused for a member missing from its archive logged « backup refused:
    [masqué] » (a KeyError's text is its key, quoted), and one refused for a time-out « backup refused: » (no
    text): nothing for support to go on. Such an argument says its kind, its words still masked."""
    logs.setup(tmp_path)
    log = logging.getLogger("app.test_words")
    log.warning("backup refused: %s", KeyError(f"{NAME}/manifest.json"))
    log.warning("backup refused: %s", TimeoutError())
    log.warning("backup refused: %s", OSError(5, "Input/output error", f"/media/usb/{NAME}.tvbak"))
    text = _logged(tmp_path)
    assert "backup refused: KeyError: [masqué]" in text
    assert "backup refused: TimeoutError\n" in text
    assert "backup refused: [Errno 5] Input/output error: [masqué]" in text  # (its words say enough)
    assert NAME not in text
