#!/usr/bin/env python3
"""Set up Teleavis from a clean checkout, then run it or test it.

    python3 dev.py run     # set everything up, then start Teleavis (window, or a headless demo)
    python3 dev.py test    # set everything up, then run every check and the whole test suite

Only the Python standard library is used here, so this works on a fresh Debian/Ubuntu machine
with nothing but Python 3.11+. System libraries (Qt's, poppler) are installed with apt-get
when running as root; otherwise the exact command to run is printed.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")

# What Qt (PySide6) needs to start, with or without a display, and what the tests use.
APT_RUNTIME = [
    "libgl1",
    "libegl1",
    "libglib2.0-0",
    "libfontconfig1",
    "libfreetype6",
    "libdbus-1-3",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libx11-xcb1",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-randr0",
    "libxcb-render-util0",
    "libxcb-shape0",
    "libxcb-xinerama0",
    "libxcb-xfixes0",
    "libxcb-xkb1",
    "libxrender1",
    "libxi6",
    "libsm6",
    "fonts-dejavu-core",
]
# poppler renders the report's pages for a look; desktop-file-utils validates the .deb's entry.
# (xvfb is only for packaging/screenshots.py, which says so itself.)
APT_TEST = ["poppler-utils", "desktop-file-utils"]
# The packaging tests build the bundle, and the bundle's OpenCV is compiled (packaging/build_opencv.py).
# nasm: libjpeg-turbo's SIMD (a still encodes 7 times slower without it).
APT_BUILD = ["cmake", "ninja-build", "g++", "nasm"]
# The versions the suite last passed with: a fresh machine installs exactly these.
CONSTRAINTS = ROOT / "constraints.txt"


def say(text: str) -> None:
    print(f"[teleavis] {text}", flush=True)


def installed_debs() -> set[str]:
    """The installed Debian packages, and the names they provide.

    Ubuntu 24.04 and Debian 13 renamed libglib2.0-0 libglib2.0-0t64, which provides the old name: asked
    about the old name, dpkg-query says it is not installed, whatever was installed.
    """
    listing = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Abbrev}\t${Package}\t${Provides}\n"], capture_output=True, text=True
    ).stdout
    names: set[str] = set()
    for line in listing.splitlines():
        status, _, rest = line.partition("\t")
        if not status.startswith("ii"):
            continue
        name, _, provides = rest.partition("\t")
        names.add(name)
        names.update(item.split("(")[0].strip() for item in provides.split(",") if item.strip())
    return names


def missing_debs(packages: list[str]) -> list[str]:
    if not shutil.which("dpkg-query"):
        return []
    present = installed_debs()
    return [name for name in packages if name not in present]


def apt_lists_present() -> bool:
    """Whether apt's package lists were ever fetched (a fresh image has none: then nothing is known)."""
    return any(Path("/var/lib/apt/lists").glob("*_Packages*"))


def known_to_apt(packages: list[str]) -> list[str]:
    """Those of ``packages`` apt-cache knows (read from the local lists: no root, no network)."""
    return [p for p in packages if subprocess.run(["apt-cache", "show", p], capture_output=True).returncode == 0]


def what_to_ask(missing: list[str]) -> tuple[list[str], list[str]]:
    """The missing packages to put in the printed ``sudo apt-get install``, and those this release lacks.

    Package names differ between Debian and Ubuntu releases: one the release lacks made apt-get refuse the
    whole command, and every run printed it again. With no lists fetched yet nothing can be told: all are
    asked for (the command runs ``apt-get update`` first)."""
    if not shutil.which("apt-cache") or not apt_lists_present():
        return missing, []
    known = known_to_apt(missing)
    return known, [p for p in missing if p not in known]


# apt-get reads only the lowercase names; pip, and the README's `export HTTPS_PROXY=… HTTP_PROXY=…`, the capitals.
APT_PROXIES = ("http_proxy", "https_proxy")


def apt_env() -> dict[str, str]:
    """The environment of the apt-get dev.py runs: the proxy given as HTTP_PROXY/HTTPS_PROXY, as the README says,
    also under the lowercase names apt-get reads (without them it went straight to the mirror)."""
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    # NO_PROXY too: a mirror inside the site's network, named there, was asked of the proxy.
    for name in (*APT_PROXIES, "no_proxy"):
        if not env.get(name) and env.get(name.upper()):
            env[name] = env[name.upper()]
    return env


def no_proxy_hosts() -> list[str]:
    """The host names NO_PROXY (or no_proxy) gives that apt-get can be told to reach directly: a domain suffix
    (``.example.org``), an address range or ``*`` has no such apt option and is left out."""
    given = os.environ.get("no_proxy") or os.environ.get("NO_PROXY") or ""
    hosts = [word.strip() for word in given.split(",")]
    return [host for host in hosts if re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?", host)]


def sudo_apt_get() -> str:
    """The printed `sudo apt-get`, with the proxy given here: sudo drops the environment, so each proxy goes as an
    apt option (`-o Acquire::http::Proxy=…`), which any sudo rule allowing apt-get lets through (a variable set
    on sudo's command line, `sudo http_proxy=… apt-get`, is refused by a rule that allows only apt-get). The
    shell fills it in from the variable holding it: its value, maybe with a password, is not printed."""
    words = ["sudo", "apt-get"]
    for name in APT_PROXIES:
        given = next((n for n in (name, name.upper()) if os.environ.get(n)), None)
        if given:
            words.append(f'-o Acquire::{name.removesuffix("_proxy")}::Proxy="${given}"')
    if len(words) > 2:  # a proxy given: the hosts NO_PROXY names are reached directly, as apt-get run here does
        for host in no_proxy_hosts():
            words += [f"-o Acquire::{scheme}::Proxy::{host}=DIRECT" for scheme in ("http", "https")]
    return " ".join(words)


def ensure_system(packages: list[str]) -> None:
    """Install the Debian packages that are missing (as root), or say how to."""
    missing = missing_debs(packages)
    if not missing:
        return
    command = ["apt-get", "install", "-y", "--no-install-recommends", *missing]
    if os.name != "posix" or os.geteuid() != 0:
        asked, unavailable = what_to_ask(missing)
        if unavailable:
            say(f"not available on this system, skipped: {' '.join(unavailable)}")
        if not asked:
            return
        say("Missing system packages. Run, then start again:")
        apt_get = sudo_apt_get()
        print(f"    {apt_get} update && {apt_get} {' '.join([*command[1:4], *asked])}")
        sys.exit(1)
    say(f"installing system packages: {' '.join(missing)}")
    env = apt_env()
    subprocess.run(["apt-get", "update", "-q"], check=True, env=env, stdout=subprocess.DEVNULL)
    # Package names differ between Debian and Ubuntu releases: install what exists, report the rest.
    available = known_to_apt(missing)
    unavailable = sorted(set(missing) - set(available))
    if unavailable:
        say(f"not available on this system, skipped: {' '.join(unavailable)}")
    if available:
        subprocess.run([*command[:4], *available], check=True, env=env)


def venv_debs() -> list[str]:
    """The Debian packages of Python's venv module, when the venv is still to make and this Python lacks them.

    Debian and Ubuntu ship python3 without ensurepip (python3.X-venv): asked for with the other system
    packages, they go in the one command a user is told to run, not in a second one after it.
    """
    if PY.exists() or not shutil.which("dpkg-query") or importlib.util.find_spec("ensurepip") is not None:
        return []
    return ["python3-venv", f"python3.{sys.version_info.minor}-venv"]


def ensure_venv() -> None:
    if PY.exists():
        return
    if VENV.exists():
        # Left by a Python no longer here (a release upgrade): venv stops on its links, and its packages,
        # installed for that Python, are of no use to this one.
        say(f"the virtual environment in {VENV} was made by a Python no longer here: it is made again")
        shutil.rmtree(VENV)
    say(f"creating the virtual environment in {VENV}")
    result = subprocess.run([sys.executable, "-m", "venv", str(VENV)])
    if result.returncode != 0:
        shutil.rmtree(VENV, ignore_errors=True)
        version = f"python3.{sys.version_info.minor}-venv"
        if os.name == "posix" and os.geteuid() == 0:
            ensure_system(["python3-venv", version])
            subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        else:
            say("Python's venv module is missing. Run, then start again:")
            # The package lists first, as the other printed command does: never fetched (a fresh machine), apt-get
            # could not find python3-venv.
            apt_get = sudo_apt_get()
            print(f"    {apt_get} update && {apt_get} install -y python3-venv {version}")
            sys.exit(1)


def ensure_packages(extra: str) -> None:
    """pip install the project (editable) with ``extra``; skipped when nothing changed."""
    spec = (ROOT / "pyproject.toml").read_bytes() + CONSTRAINTS.read_bytes()
    stamp = VENV / f".installed-{extra or 'run'}"
    digest = hashlib.sha256(spec).hexdigest()
    if stamp.exists() and stamp.read_text() == digest:
        return
    say("installing Python packages (first time: a few minutes)")
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True)
    target = f".[{extra}]" if extra else "."
    subprocess.run([str(PY), "-m", "pip", "install", "-q", "-c", str(CONSTRAINTS), "-e", target], check=True, cwd=ROOT)
    stamp.write_text(digest)


def build_translations() -> None:
    script = ROOT / "packaging" / "build_translations.py"
    if script.exists():
        subprocess.run([str(PY), str(script)], check=True, cwd=ROOT)


def setup(extra: str, system: list[str]) -> None:
    if sys.version_info < (3, 11):  # noqa: UP036 - this script must run, and say so, on an old Python
        say(f"Python 3.11 or newer is needed (this is {sys.version.split()[0]}).")
        command = sys.argv[1] if len(sys.argv) > 1 else "run"
        # Ubuntu 22.04's python3 is 3.10, with python3.11 installable beside it: say the one already there.
        newer = [f"python3.{minor}" for minor in range(20, 10, -1) if shutil.which(f"python3.{minor}")]
        if newer:
            say(f"This machine has {newer[0]}: run it instead, {newer[0]} dev.py {command}")
        else:
            say("Install it (Debian, Ubuntu: sudo apt-get install python3.11 python3.11-venv), then run:")
            print(f"    python3.11 dev.py {command}")
        sys.exit(1)
    ensure_system(system + venv_debs())
    ensure_venv()
    ensure_packages(extra)
    build_translations()


def python_headers() -> list[str]:
    """The Debian package of Python's headers, when the interpreter has none (a Debian python3)."""
    import sysconfig

    if (Path(sysconfig.get_paths()["include"]) / "Python.h").exists():
        return []
    return [f"python3.{sys.version_info.minor}-dev"]


# Where the OpenCV build's output goes while the checks and the first tests run beside it.
OPENCV_LOG = ROOT / "build" / "opencv-build.log"


def start_opencv_build() -> subprocess.Popen[bytes]:
    """Start compiling the bundle's OpenCV (once per release, then kept in build/opencv) in the background.

    Only tests/packaging needs it: the checks and every other test run meanwhile, and the compiler, at the lowest
    priority, takes what they leave of the processors (see wait_opencv)."""
    say(
        "OpenCV for the bundle, compiled meanwhile (first time: 12 to 15 minutes on 2 idle cores, 40 or more on a "
        f"busy machine; then kept in build/opencv); its output: {OPENCV_LOG.relative_to(ROOT)}"
    )
    OPENCV_LOG.parent.mkdir(parents=True, exist_ok=True)
    lowest = ["nice", "-n", "19"] if shutil.which("nice") else []
    with OPENCV_LOG.open("wb") as log:
        return subprocess.Popen(
            [*lowest, str(PY), str(ROOT / "packaging" / "build_opencv.py")],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def wait_opencv(build: subprocess.Popen[bytes]) -> bool:
    """Wait for the OpenCV build; when it failed, say so with the end of its output (the packaging tests then fail)."""
    if build.poll() is None:
        say("waiting for the OpenCV build (the packaging tests need it)")
    code = build.wait()
    if code == 0:
        say("OpenCV for the bundle: built")
        return True
    say(f"The OpenCV build failed (exit code {code}). The end of its output ({OPENCV_LOG}):")
    lines = OPENCV_LOG.read_text(encoding="utf-8", errors="replace").splitlines()
    print("\n".join(lines[-60:]), flush=True)
    return False


def has_display() -> bool:
    return sys.platform in ("win32", "darwin") or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def exit_status(returncode: int) -> int:
    """The code a shell gives for a child's ``returncode``: 128 + the signal's number when a signal killed it
    (``subprocess`` says -N; passed to ``sys.exit`` as it is, -15 became 241), else the code itself."""
    return 128 - returncode if returncode < 0 else returncode


def run() -> int:
    setup("", APT_RUNTIME)
    teleavis = str(BIN / "teleavis")
    if has_display():
        say("starting Teleavis (training mode until a platform is configured)")
        return exit_status(subprocess.run([teleavis]).returncode)
    say("No graphical display here: the window cannot open. Here is a headless demo of the commands instead.")
    return exit_status(subprocess.run([str(PY), str(ROOT / "packaging" / "demo.py")]).returncode)


# The tests run in two parts. The first, every test but tests/packaging and tests/bench, on WORKERS processes
# (pytest-xdist), each test file whole on one of them. The second alone, one test after another, once the first is
# done and OpenCV built: tests/packaging needs OpenCV and makes one bundle, tests/bench compares ratios measured in
# the same run, which holds only on a machine doing nothing else (tests/conftest.py: --part).
WORKERS = 2
PARTS = [
    (
        f"pytest, all but packaging and benchmarks, on {WORKERS} processes",
        ["--part", "parallel", "-n", str(WORKERS), "--dist", "loadfile"],
    ),
    ("pytest, packaging and benchmarks, one after another", ["--part", "serial"]),
]
NO_TESTS_COLLECTED = 5  # pytest's exit code
COUNTED = ("passed", "failed", "errors", "skipped", "xfailed", "xpassed")


def run_pytest(command: list[str], env: dict[str, str]) -> tuple[int, dict[str, int]]:
    """Run pytest, its output shown as it comes; its exit code, and the counts its closing line gives."""
    counts: dict[str, int] = {}
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, errors="replace"
    ) as proc:
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            found = closing_counts(line)
            if found is not None:
                counts = found
    return proc.returncode, counts


def closing_counts(line: str) -> dict[str, int] | None:
    """The counts of pytest's closing line (« ==== 3 failed, 5 passed in 2.1s ==== », or « 5 passed in 2.1s »
    with -q); None for any other line."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", line).strip().strip("=").strip()
    if not re.fullmatch(r"(no tests ran|\d+ \w+.*) in [\d.]+s( \(.*\))?", text):
        return None
    counts: dict[str, int] = {}
    for number, word in re.findall(r"(\d+) (\w+)", text.rsplit(" in ", 1)[0]):
        word = {"error": "errors"}.get(word, word)
        if word in COUNTED:
            counts[word] = counts.get(word, 0) + int(number)
    return counts


def test() -> int:
    setup("test", APT_RUNTIME + APT_TEST + APT_BUILD + python_headers())
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONDONTWRITEBYTECODE="1")
    env.pop("TELEAVIS_HOME", None)
    checks = [
        ("ruff", [str(BIN / "ruff"), "check", "."]),
        ("ruff format", [str(BIN / "ruff"), "format", "--check", "."]),
        ("mypy", [str(BIN / "mypy")]),
        ("import contracts", [str(BIN / "lint-imports")]),
    ]
    failed = []
    build = start_opencv_build()
    try:
        for name, command in checks:
            say(f"--- {name}")
            if subprocess.run(command, cwd=ROOT, env=env).returncode != 0:
                failed.append(name)
        totals = dict.fromkeys(COUNTED, 0)
        codes = []
        for number, (name, part) in enumerate(PARTS):
            if number == len(PARTS) - 1 and not wait_opencv(build):
                failed.append("OpenCV build")
            say(f"--- {name}")
            code, counts = run_pytest([str(PY), "-m", "pytest", "-p", "no:cacheprovider", *part, *sys.argv[2:]], env)
            codes.append(code)
            for word, count in counts.items():
                totals[word] += count
            if code not in (0, NO_TESTS_COLLECTED):
                failed.append(name)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    if all(code == NO_TESTS_COLLECTED for code in codes):
        say("pytest: no test was collected (what was given after `test` selects none)")
        failed.append("pytest")
    if failed:
        say(f"FAILED: {', '.join(failed)}")
    else:
        say("all checks passed")
    # The last line, as pytest's own closing line would be: both parts together.
    summary = ", ".join(f"{totals[word]} {word}" for word in COUNTED if totals[word] or word in ("passed", "failed"))
    print(f"{summary} (both parts of pytest)", flush=True)
    return 1 if failed else 0


def failed_step(exc: subprocess.CalledProcessError) -> int:
    """Say which set-up step failed and what to do, instead of a traceback: most often the network (no access,
    a proxy not given, a package mirror down). What was done is kept; the next run goes on from there."""
    command = [str(part) for part in exc.cmd] if isinstance(exc.cmd, list | tuple) else [str(exc.cmd)]
    say(f"This step failed (exit code {exc.returncode}): {' '.join(command[:6])}{' …' if len(command) > 6 else ''}")
    say("Its own message is just above. Most often the network: this machine must reach the package servers")
    say("(PyPI for pip, the distribution's mirrors for apt-get). Behind a proxy, give it first, for instance:")
    print("    export HTTPS_PROXY=http://proxy.example:3128 HTTP_PROXY=http://proxy.example:3128")
    say(f"Then run the same command again (python3 dev.py {sys.argv[1] if len(sys.argv) > 1 else 'run'}): what is")
    say("already installed is kept.")
    return 1


def main() -> int:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    try:
        if command == "run":
            return run()
        if command == "test":
            return test()
    except subprocess.CalledProcessError as exc:
        return failed_step(exc)
    print(__doc__)
    return 2


if __name__ == "__main__":
    os.chdir(ROOT)
    tempfile.tempdir = None
    sys.exit(main())
