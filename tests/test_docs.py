"""The project's documentation stays the project's own and stays true to the command line.

- No tracked file points a reader outside the repository (the team's working notes are not shipped).
- Every ``docs/<page>.md`` a file names, and every relative ``.md`` link of a page, exists.
- Every sub-command and option ``teleavis --help`` lists is written in docs/cli.md, so a command
  added without its documentation fails here.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from app import casefile
from app import site as site_file
from app.casefile import parse_case
from app.main import build_parser
from app.site import parse_site

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
#: Spelled in two parts so that this file does not name what it forbids.
OUTSIDE = ".." + "/shared"
#: The team's reference pages, which are not part of the project: the project names its own pages.
FOREIGN_PAGES = ("expertise" + "-api", "image-quality" + ".md", "style" + ".md")
TEXT_SUFFIXES = {
    ".py",
    ".md",
    ".json",
    ".toml",
    ".txt",
    ".cfg",
    ".ini",
    ".sh",
    ".spec",
    ".ts",
    ".desktop",
    ".yml",
    ".yaml",
    "",
}


#: Folders that hold what is built or installed, not the project's own files (when git cannot say).
NOT_THE_PROJECTS = {"build", "dist", "node_modules", "__pycache__"}


def tracked_files() -> list[Path]:
    """The project's text files: git's list in a checkout; elsewhere (an unpacked archive) every file
    outside hidden, built and installed folders, so the checks still run rather than being skipped."""
    try:
        out = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
        files = [ROOT / name for name in out.decode().split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        files = [
            path
            for path in ROOT.rglob("*")
            if not any(part.startswith(".") or part in NOT_THE_PROJECTS for part in path.relative_to(ROOT).parts)
        ]
    return [f for f in files if f.is_file() and f.suffix in TEXT_SUFFIXES]


def text_of(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return ""


def test_no_tracked_file_points_outside_the_repository() -> None:
    offenders = []
    for path in tracked_files():
        text = text_of(path)
        for needle in (OUTSIDE, *FOREIGN_PAGES):
            if needle in text:
                offenders.append(f"{path.relative_to(ROOT)}: {needle}")
    assert not offenders, (
        "pointers outside the project (name docs/cli.md, docs/platform-api.md, "
        "docs/architecture.md instead):\n" + "\n".join(offenders)
    )


def _named_pages(path: Path, text: str) -> Iterator[Path]:
    for match in re.finditer(r"(?<![\w/.-])docs/([\w.-]+\.md)\b", text):
        yield DOCS / match.group(1)
    if path.suffix == ".md":
        for match in re.finditer(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", text):
            target = match.group(1)
            if "://" not in target:
                yield (path.parent / target).resolve()


def test_every_named_docs_page_exists() -> None:
    missing = sorted(
        {
            f"{path.relative_to(ROOT)} -> {page.relative_to(ROOT) if page.is_relative_to(ROOT) else page}"
            for path in tracked_files()
            for page in _named_pages(path, text_of(path))
            if not page.is_file()
        }
    )
    assert not missing, "pages named but absent:\n" + "\n".join(missing)


def _commands(parser: argparse.ArgumentParser, prefix: str = "") -> Iterator[tuple[str, argparse.ArgumentParser]]:
    for action in parser._actions:  # argparse keeps its sub-parsers there, and nowhere public
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                yield full, sub
                yield from _commands(sub, full)


def test_every_command_and_option_is_in_cli_md() -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    parser = build_parser()
    commands = list(_commands(parser))
    assert len(commands) > 10  # the walk found the commands at all
    absent = []
    for name, sub in commands:
        if not re.search(rf"`(teleavis )?{re.escape(name)}\b", page):
            absent.append(f"command `{name}`")
        for action in sub._actions:
            if action.help == argparse.SUPPRESS:
                continue  # hidden from --help (a test's switch), so not a promise to users
            for option in action.option_strings:
                if option.startswith("--") and option != "--help" and option not in page:
                    absent.append(f"option {option} of `{name}`")
    for option in ("--version", "--training"):
        if option not in page:
            absent.append(f"option {option}")
    assert not absent, "docs/cli.md does not describe:\n" + "\n".join(absent)


def _json_blocks(page: str) -> list[object]:
    return [json.loads(block) for block in re.findall(r"```json\n(.*?)```", page, flags=re.DOTALL)]


def test_the_file_examples_of_cli_md_are_accepted_as_written(tmp_path: Path) -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    blocks = _json_blocks(page)
    site = next(b for b in blocks if isinstance(b, dict) and "practitioner" in b)
    case_document = next(b for b in blocks if isinstance(b, dict) and "specialty" in b)
    assert parse_site(site).rpps == site["practitioner"]["rpps"]
    for image in case_document["images"]:
        (tmp_path / image["file"]).write_bytes(b"")  # located, not read, by the parser
    parsed = parse_case(case_document, tmp_path)
    assert parsed.case.patient.identity_status == case_document["patient"]["identity_status"]


def test_every_key_of_the_case_and_site_files_is_in_cli_md() -> None:
    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    keys = set().union(
        casefile._TOP,
        casefile._PATIENT,
        casefile._CONSENT,
        casefile._TREATMENT,
        casefile._IMAGE,
        *site_file._KEYS.values(),
    )
    absent = sorted(k for k in keys if f"`{k}`" not in page and f'"{k}"' not in page)
    assert not absent, "docs/cli.md does not describe these file keys: " + ", ".join(absent)


def test_every_command_and_option_is_in_the_readme_table() -> None:
    # The README's table is what a newcomer reads first, and the command line's contract asks it to name
    # every command: `case cancel` and `sync --timeout` were missing, a technician never knew of them.
    lines = (ROOT / "README.md").read_text(encoding="utf-8").splitlines()
    commands = list(_commands(build_parser()))
    absent = []
    for name, sub in commands:
        if any(isinstance(action, argparse._SubParsersAction) for action in sub._actions):
            continue  # a group (`case`): its own commands are checked
        rows = " ".join(line for line in lines if re.search(rf"`teleavis {re.escape(name)}\b", line))
        if not rows:
            absent.append(f"command `teleavis {name}`")
        for action in sub._actions:
            if action.help == argparse.SUPPRESS:
                continue
            for option in action.option_strings:
                if option.startswith("--") and option != "--help" and option not in rows:
                    absent.append(f"option {option} of `teleavis {name}`")
    assert not absent, "README.md's table of commands does not name:\n" + "\n".join(absent)


def test_the_settings_cli_md_lists_are_those_config_knows() -> None:
    # A setting added (or renamed) without its line in docs/cli.md is one a technician never hears of.
    from app.settings import SETTINGS

    page = (DOCS / "cli.md").read_text(encoding="utf-8")
    paragraph = page.split("Settings known to `config`:", 1)[1].split("\n\n", 1)[0]
    assert set(re.findall(r"`([\w.]+)`", paragraph)) == set(SETTINGS)


def _section(page: str, title: str) -> str:
    return page.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]


def _table_after(page: str, header: str) -> list[str]:
    """The first cells of the rows of the Markdown table whose header line is ``header``."""
    lines = page.split(f"\n{header}\n", 1)[1].splitlines()[1:]  # (the line of dashes)
    return [line.split("|")[1].strip() for line in lines[: next(n for n, line in enumerate(lines) if not line)]]


def test_the_diagnosis_tables_of_the_user_guides_name_every_check() -> None:
    # The guides' table of *Aide > Diagnostic* lacked « Dossiers » (every case opens), and the English one
    # called two points otherwise than the window does: a nurse reading the window could not find them.
    import app.doctor  # noqa: F401 - registers the diagnosis's words
    from app import messages as M

    keys = [key for key in M.CATALOGUE if key.startswith("doctor.title.")]
    assert len(keys) >= 9  # the words were found at all
    for lang, header in (("fr", "| point | ce qui est vérifié |"), ("en", "| point | what is checked |")):
        page = (DOCS / f"user-guide.{lang}.md").read_text(encoding="utf-8")
        # The window's title of each point, its parentheses aside: « Trousseau (clé des données) ».
        titles = {M.CATALOGUE.tr_in(key, lang).split(" (")[0] for key in keys}
        assert set(_table_after(page, header)) == titles, lang


def test_the_user_guides_name_the_ehpad_residents_box_as_the_window_does() -> None:
    """The guides said the family record book and the birth certificate validate a minor's identity only: an
    EHPAD's nurse read there that her adult resident could not be validated on them, while the window offers the
    exception (RNIV 2024, volet 1, 3.3.3) under the document. Each guide names its box in its own language."""
    source = "Admis directement en EHPAD, carte Vitale à photo vue"
    assert source in (ROOT / "ui" / "case_editor.py").read_text(encoding="utf-8")
    catalogue = (ROOT / "resources" / "i18n" / "teleavis_en.ts").read_text(encoding="utf-8")
    found = re.search(f"<source>{re.escape(source)}</source>\\s*<translation>([^<]+)</translation>", catalogue)
    assert found, "the box's words are translated"
    english = found.group(1)
    for lang, label in (("fr", source), ("en", english)):
        page = " ".join((DOCS / f"user-guide.{lang}.md").read_text(encoding="utf-8").split())
        assert label in page, lang


def test_the_recipe_for_a_specialty_names_every_module_that_lists_them() -> None:
    # « Add a specialty form » sent a maintainer to app/casefile.py (which takes the enum as it is) and
    # left out app/validation.py, which names the specialties whose photos need a view: a new one
    # followed the recipe and its photos went without that check, unsaid.
    page = (DOCS / "maintainer-guide.md").read_text(encoding="utf-8")
    recipe = _section(page, "Add a specialty form")
    listing = set()
    for path in tracked_files():
        relative = path.relative_to(ROOT)
        if path.suffix != ".py" or relative.parts[0] not in ("app", "capture", "sync", "ui"):
            continue
        if re.search(r'"wound-care"|\bWOUND_CARE\b', text_of(path)):
            listing.add(relative.as_posix())
    assert "app/model.py" in listing  # the search found the specialties at all
    unnamed = sorted(m for m in listing if m not in recipe and m[:-3].replace("/", ".") not in recipe)
    assert not unnamed, "modules listing the specialties that the recipe does not name: " + ", ".join(unnamed)
    for module in re.findall(r"`((?:app|capture|sync|ui)/[\w/]+\.py)`", recipe):
        assert (ROOT / module).is_file(), module


def test_the_data_folder_holds_only_what_architecture_md_names(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A maintainer looking into a data folder met sync.lock, .in-use and .key.json.lock, which the page
    # that describes the folder did not name: is it ours, may it go?
    from tests.support.cli import run_inprocess

    assert run_inprocess(capsys, "sync", "--once").code == 0  # (training mode: the sandbox's folder too)
    page = (DOCS / "architecture.md").read_text(encoding="utf-8")
    bullet = _section(page, "Storage").split("\n- **Sealed**", 1)[0]
    written = sorted(path.name for path in teleavis_home.iterdir())
    assert "teleavis.db" in written  # the command did make its data
    unnamed = [name for name in written if f"`{re.sub(r'-(wal|shm)$', '', name)}" not in bullet.replace("/`", "`")]
    assert not unnamed, "in the data folder, not named by architecture.md's Storage: " + ", ".join(unnamed)


def _members(node: ast.ClassDef) -> set[str]:
    """The names a class defines: methods, nested classes, class attributes, and those set on ``self``."""
    names = set()
    for inner in ast.walk(node):
        if isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(inner.name)
        elif isinstance(inner, ast.Name | ast.Attribute) and isinstance(inner.ctx, ast.Store):
            names.add(inner.id if isinstance(inner, ast.Name) else inner.attr)
    return names


def _top_level_names(path: Path) -> dict[str, set[str]]:
    """A module's names (its definitions, assignments and imports), each class's with what it defines."""
    names: dict[str, set[str]] = {}
    for node in ast.parse(text_of(path)).body:
        for inner in ast.walk(node) if isinstance(node, ast.If) else [node]:  # (TYPE_CHECKING's imports)
            if isinstance(inner, ast.ClassDef):
                names[inner.name] = _members(inner)
            elif isinstance(inner, ast.FunctionDef | ast.AsyncFunctionDef):
                names[inner.name] = set()
            elif isinstance(inner, ast.Assign | ast.AnnAssign):
                for target in [inner.target] if isinstance(inner, ast.AnnAssign) else inner.targets:
                    names.update({t.id: set() for t in ast.walk(target) if isinstance(t, ast.Name)})
            elif isinstance(inner, ast.Import | ast.ImportFrom):
                names.update({(a.asname or a.name).split(".")[0]: set() for a in inner.names})
    return names


def _code_modules() -> dict[str, Path]:
    return {
        path.relative_to(ROOT).with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__"): path
        for path in tracked_files()
        if path.suffix == ".py" and path.relative_to(ROOT).parts[0] in ("app", "capture", "sync", "ui")
    }


def _docs_and_docstrings(modules: dict[str, Path]) -> list[tuple[Path, str]]:
    """The README, every docs page, and every docstring of the code, each with where it is."""
    texts = [(page, text_of(page)) for page in [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]]
    for path in modules.values():
        for node in ast.walk(ast.parse(text_of(path))):
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                texts.append((path, ast.get_docstring(node) or ""))
    return texts


def test_every_dotted_name_of_the_docs_and_docstrings_exists() -> None:
    # sync/mapping.py's docstring named app.audit.witness_code, which never existed: a reader looked for it.
    modules = _code_modules()
    texts = _docs_and_docstrings(modules)
    quoted = set(re.findall(r'"([\w.]+)"', "\n".join(text_of(path) for path in modules.values())))
    known: dict[str, dict[str, set[str]]] = {}
    absent = set()
    for path, text in texts:
        for name in re.findall(r"(?<![\w./-])((?:app|capture|sync|ui)(?:\.[A-Za-z_]\w*)+)", text):
            parts = name.split(".")
            module = next(".".join(parts[:n]) for n in range(len(parts), 0, -1) if ".".join(parts[:n]) in modules)
            rest = parts[len(module.split(".")) :]
            if not rest or "." not in module or name in quoted:
                continue  # a module; a package's name, or a setting's key ("sync.interval_s"); a variable (app.exec)
            names = known.setdefault(module, _top_level_names(modules[module]))
            if rest[0] not in names or (len(rest) > 1 and names[rest[0]] and rest[1] not in names[rest[0]]):
                absent.add(f"{path.relative_to(ROOT)}: {name}")
    assert not absent, "names that do not exist:\n" + "\n".join(sorted(absent))


def test_every_file_the_docs_and_docstrings_name_exists() -> None:
    # A newcomer follows the paths the pages give (`app/validation.py`, `packaging/build_translations.py`):
    # one moved or renamed sends them nowhere. A path written as a pattern (`*`, `<code>`) is left aside,
    # and so is the maintainer guide's example of a new form (pneumology).
    absent = set()
    for path, text in _docs_and_docstrings(_code_modules()):
        for name in re.findall(
            r"(?<![\w/.-])((?:app|capture|sync|ui|resources|packaging|tests|docs)/[\w./-]*\w)(?![\w./-]*[<*])", text
        ):
            if "pneumology" in name or (ROOT / name).exists():
                continue
            # `ui/reply_places.ReplyReduce`, `capture/dicom.restamp_dicom`: a module's file, then its name.
            module, _, inside = name.partition(".")
            if not (ROOT / f"{module}.py").is_file() or inside.split(".")[0] not in _top_level_names(
                ROOT / f"{module}.py"
            ):
                absent.add(f"{path.relative_to(ROOT)}: {name}")
    assert not absent, "files named that do not exist:\n" + "\n".join(sorted(absent))


def test_the_states_of_architecture_md_are_the_models() -> None:
    # The page a newcomer reads for a case's life: every state in its drawing, and the editable and followed
    # ones as app/model.py has them.
    from app.model import EDITABLE_STATES, FOLLOWED_STATES, CaseState

    section = _section((DOCS / "architecture.md").read_text(encoding="utf-8"), "The case and its states")
    drawing = section.split("```")[1]
    assert {s.value for s in CaseState} <= set(re.findall(r"[a-z]+(?:-[a-z]+)*", drawing))
    for states, name in ((EDITABLE_STATES, "EDITABLE_STATES"), (FOLLOWED_STATES, "FOLLOWED_STATES")):
        sentence = next(line for line in section.split("\n- ") if f"(`{name}`)" in line).split(f"(`{name}`)")[0]
        assert set(re.findall(r"`([a-z-]+)`", sentence)) == {s.value for s in states}, name


def test_the_exit_codes_of_cli_md_are_the_errors_own() -> None:
    # Scripts on the carts branch on these numbers: the table names the error class behind each.
    from app import errors

    table = _section((DOCS / "cli.md").read_text(encoding="utf-8"), "Exit codes")
    rows = re.findall(r"^\| (\d+) \|.*\(`(\w+)`\) \|$", table, flags=re.MULTILINE)
    assert len(rows) == 3  # 1, 2, 3: the table was read
    for code, name in rows:
        assert getattr(errors, name).exit_code == int(code), name


def test_no_docstring_or_page_sends_the_reader_to_an_issue_list_it_cannot_read() -> None:
    # « (issue 16.6) », « (issue 18.5) » in module docstrings named a numbered list of issues that is not
    # in the repository nor anywhere public: the docstring says what it means in its own words instead.
    cited = sorted(
        f"{path.relative_to(ROOT)}: {match}"
        for path, text in _docs_and_docstrings(_code_modules())
        for match in re.findall(r"\bissues? \d+\.\d+", text)
    )
    assert not cited, "issues the reader cannot look up:\n" + "\n".join(cited)


def test_the_last_backup_setting_is_named_as_the_scheduled_ones_only(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``state.backup.file`` is the window's last scheduled backup: one made by ``teleavis backup`` (the
    README's cron line) leaves it empty. Found from outside: the user guides sent the reader to it for « the
    last one this workstation made » after a ``teleavis backup`` that it does not know."""
    from tests.support.cli import SITE, run_inprocess, write_json

    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    (tmp_path / "usb").mkdir()
    assert run_inprocess(capsys, "backup", f"{tmp_path / 'usb'}/").code == 0
    assert run_inprocess(capsys, "config", "get", "state.backup.file").out.strip() == ""
    for page in ("user-guide.fr.md", "user-guide.en.md", "cli.md"):
        text = " ".join((DOCS / page).read_text(encoding="utf-8").split())
        for at in (m.start() for m in re.finditer(re.escape("state.backup.file"), text)):
            before = text[max(0, at - 160) : at]
            assert "automatique" in before or "scheduled" in before, (page, before)
