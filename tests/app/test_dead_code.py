"""No function of the core, capture or sync without a caller in the program itself.

A function only tests call is a second, untested-in-use path that drifts from the real one (issue 17:
``record_event``, ``message_state``, ``anonymise_faces``, ``has_exif`` had no caller). This reads the
source, so it also catches a function whose last caller was just removed.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFINED_IN = ("app", "capture", "sync")
CALLED_FROM = ("app", "capture", "sync", "ui", "packaging")

#: Called by a framework, not by name in our code.
FRAMEWORK_HOOKS = {
    "do_GET",
    "do_HEAD",
    "do_OPTIONS",
    "do_POST",
    "do_PUT",
    "do_PATCH",
    "do_DELETE",  # http.server
    "log_message",
    "send_error",
    "getRGBData",  # reportlab's image reader protocol
    "wrap",  # reportlab Flowable
    "readable",
    "writable",  # io.RawIOBase
    "tell",  # io.RawIOBase, asked by tarfile (app/backup.py)
}
#: The training sandbox's handles for tests and demonstrations (it is a platform to test against).
SANDBOX_HOOKS = {"binary_uploads", "inject_fault", "run_until_idle"}
#: Public helpers whose module documents them as an API (tests are their only users so far).
DOCUMENTED_API = {"load_form", "jpeg_scans", "png_chunk", "read_header", "verify_all", "open_snapshot"}
#: Written with work in progress elsewhere; each is to be used or removed by that work.
AWAITING_A_CALLER = {"idnps_is_valid", "idnst_is_valid", "keyring_usable", "in_memory"}
ALLOWED = FRAMEWORK_HOOKS | SANDBOX_HOOKS | DOCUMENTED_API | AWAITING_A_CALLER


def _trees(folders: tuple[str, ...]) -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8")))
        for folder in folders
        for path in sorted((ROOT / folder).rglob("*.py"))
    ]


def _names_used(trees: list[tuple[Path, ast.Module]]) -> set[str]:
    used: set[str] = set()
    for _path, tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.Name):
                used.add(node.id)
            elif isinstance(node, ast.Attribute):
                used.add(node.attr)
            elif isinstance(node, ast.alias):
                used.add(node.name.rsplit(".", 1)[-1])
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                used.add(node.value)  # getattr(), entry points, Qt slots named in strings
    return used


def test_every_function_of_the_core_has_a_caller_in_the_program() -> None:
    used = _names_used(_trees(CALLED_FROM)) | set((ROOT / "pyproject.toml").read_text(encoding="utf-8").split())
    orphans = []
    for path, tree in _trees(DEFINED_IN):
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            name = node.name
            if name.startswith("__") or name in ALLOWED or name in used:
                continue
            orphans.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    assert orphans == [], "no caller outside the tests:\n" + "\n".join(orphans)
