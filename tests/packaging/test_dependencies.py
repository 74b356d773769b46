"""What a fresh machine installs: floors that match the code, bounded tools, and the pinned set CI tested."""

from __future__ import annotations

import re
import tomllib
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

from tests.packaging.built import ROOT

PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
DECLARED = [Requirement(r) for r in PYPROJECT["project"]["dependencies"]]
TOOLS = [Requirement(r) for r in PYPROJECT["project"]["optional-dependencies"]["test"]]


def pins() -> dict[str, Version]:
    found = {}
    for line in (ROOT / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, version = line.partition("==")
            assert version, f"constraints.txt: {line!r} is not pinned with =="
            found[canonicalize_name(name)] = Version(version)
    return found


def by_name(requirements: list[Requirement]) -> dict[str, Requirement]:
    return {canonicalize_name(r.name): r for r in requirements}


@pytest.mark.parametrize(
    ("name", "floor"),
    [
        ("pydicom", "3.0"),  # capture/dicom.py imports pydicom.pixels
        ("fhir.resources", "8.0"),  # model_validate: the pydantic v2 models
        ("pydantic", "2.0"),  # imported by sync/mapping.py and the sandbox's validation
    ],
)
def test_floors_admit_no_release_the_code_cannot_run_on(name: str, floor: str) -> None:
    requirement = by_name(DECLARED)[canonicalize_name(name)]
    lowest = min((Version(s.version) for s in requirement.specifier if s.operator == ">="), default=None)
    assert lowest is not None and lowest >= Version(floor), f"{requirement}: floor below {floor}"


def test_setuptools_reads_the_licence_expression() -> None:
    build = [Requirement(r) for r in PYPROJECT["build-system"]["requires"]]
    setuptools = by_name(build)["setuptools"]
    assert isinstance(PYPROJECT["project"]["license"], str)  # a PEP 639 expression
    assert not setuptools.specifier.contains("76.9"), "setuptools < 77 does not read a licence expression"


@pytest.mark.parametrize("tool", ["ruff", "mypy"])
def test_checking_tools_have_an_upper_bound(tool: str) -> None:
    requirement = by_name(TOOLS)[tool]
    assert any(s.operator in ("<", "<=", "~=", "==") for s in requirement.specifier), str(requirement)


def test_constraints_pin_every_dependency_within_its_range() -> None:
    pinned = pins()
    for requirement in DECLARED + TOOLS:
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is declared but constraints.txt does not pin it"
        within = requirement.specifier.contains(pinned[name], prereleases=True)
        assert within, f"{name}=={pinned[name]} vs {requirement}"
    assert pinned[canonicalize_name("PySide6")] != Version("6.12.0")


def test_this_environment_runs_the_pinned_versions() -> None:
    """dev.py installs with ``-c constraints.txt``: the suite runs on exactly what is pinned."""
    pinned = pins()
    for requirement in DECLARED + TOOLS:
        name = canonicalize_name(requirement.name)
        installed = Version(metadata.version(name))
        assert installed == pinned[name], f"{name} {installed} installed, {pinned[name]} pinned"


def test_dev_py_installs_from_the_constraints() -> None:
    source = (ROOT / "dev.py").read_text(encoding="utf-8")
    assert re.search(r'"-c", str\(CONSTRAINTS\)', source)
