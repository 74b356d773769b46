"""``config get`` of a setting never set printed an empty line and nothing else: a technician on the phone
could not tell « not set » from a failed command or a blank value. stdout stays as a script reads it
(empty); stderr now says the setting is not set, in the user's language."""

from __future__ import annotations

from pathlib import Path

from tests.support.cli import SITE, run_process, write_json


def test_an_unset_setting_is_said_not_set(teleavis_home: Path, tmp_path: Path) -> None:
    assert run_process("init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    for key in ("backup.folder", "platform.token", "proxy"):
        shown = run_process("config", "get", key)
        assert shown.code == 0 and shown.out.strip() == "", shown
        assert f"« {key} » n'est pas renseigné" in shown.err, shown.err
    english = run_process("config", "get", "watch.folder", env={"LANG": "en_US.UTF-8"})
    assert english.code == 0 and english.out.strip() == ""
    assert "“watch.folder” is not set" in english.err, english.err
    # A set one, a default one: nothing more said.
    assert run_process("config", "set", "backup.folder", str(tmp_path)).code == 0
    for key in ("backup.folder", "sync.interval_s"):
        shown = run_process("config", "get", key)
        assert shown.out.strip() and "renseigné" not in shown.err, shown
