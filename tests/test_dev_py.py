"""dev.py, the README's first command, on the machine's real package database."""

from __future__ import annotations

import importlib.util
import shutil
import socket
import subprocess
import threading
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[1]

pytestmark = pytest.mark.skipif(not shutil.which("dpkg-query"), reason="a Debian or Ubuntu machine's dpkg")


def dev_py() -> ModuleType:
    spec = importlib.util.spec_from_file_location("teleavis_dev_py", ROOT / "dev.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def installed() -> dict[str, str]:
    """Each installed package with what it provides."""
    lines = subprocess.run(
        ["dpkg-query", "-W", "-f=${db:Status-Abbrev}\t${Package}\t${Provides}\n"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()
    rows = (line.split("\t") for line in lines)
    return {name: provides for status, name, provides in rows if status.startswith("ii")}


def test_a_name_an_installed_package_provides_is_not_missing() -> None:
    # Ubuntu 24.04 and Debian 13 renamed libglib2.0-0 to libglib2.0-0t64, which provides the old name: dpkg-query
    # says the old name is not installed, so dev.py printed « sudo apt-get install … libglib2.0-0 » again at
    # every start, whatever the user installed, and never went on.
    packages = installed()
    provided = {
        item.split("(")[0].strip()
        for provides in packages.values()
        for item in provides.split(",")
        if item.strip() and item.split("(")[0].strip() not in packages
    }
    assert provided, "no installed package here provides another name"
    name = sorted(provided)[0]
    dev = dev_py()
    assert dev.missing_debs([name]) == []
    assert dev.missing_debs([name, "teleavis-no-such-package"]) == ["teleavis-no-such-package"]
    assert dev.missing_debs(sorted(packages)[:3]) == []


def test_the_first_printed_command_also_installs_venv_when_python_has_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh Debian or Ubuntu has python3 without its venv module (python3-venv, which holds ensurepip): run
    # as a user, dev.py printed the « sudo apt-get install » of Qt's libraries, and once the user had run it,
    # stopped again on the venv with a second command to run. The first command now holds both.
    dev = dev_py()
    monkeypatch.setattr(dev, "PY", tmp_path / "no-venv-yet" / "python")
    real_find_spec = dev.importlib.util.find_spec
    monkeypatch.setattr(
        dev.importlib.util, "find_spec", lambda name, *a: None if name == "ensurepip" else real_find_spec(name, *a)
    )
    minor = dev.sys.version_info.minor
    needed = dev.venv_debs()
    assert needed == ["python3-venv", f"python3.{minor}-venv"]
    monkeypatch.setattr(dev, "PY", tmp_path / "python")
    (tmp_path / "python").touch()
    assert dev.venv_debs() == [], "a venv made already needs nothing more"


def test_no_venv_package_is_asked_for_when_python_has_its_venv(tmp_path: Path) -> None:
    dev = dev_py()
    assert dev.importlib.util.find_spec("ensurepip") is not None, "this machine's Python has ensurepip"
    assert dev.venv_debs() == []


def test_a_venv_left_by_a_python_gone_is_made_again_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    # Found by a newcomer after a release upgrade (Debian 12 to 13: python3.11 to 3.13): .venv's python pointed
    # at an interpreter no longer there, venv stopped on it (« Error: [Errno 2] No such file or directory »)
    # and dev.py, run as a user, said Python's venv module was missing and to install python3-venv, which
    # was installed.
    dev = dev_py()
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("python", "python3"):
        (venv / "bin" / name).symlink_to("/nonexistent/python3.10")
    (venv / ".installed-run").write_text("a digest of the old install")
    monkeypatch.setattr(dev, "VENV", venv)
    monkeypatch.setattr(dev, "BIN", venv / "bin")
    monkeypatch.setattr(dev, "PY", venv / "bin" / "python")
    dev.ensure_venv()
    out = capfd.readouterr()
    assert (venv / "bin" / "python").exists()
    assert "Errno" not in out.out + out.err and "venv module is missing" not in out.out, out
    assert not (venv / ".installed-run").exists(), "the old install's stamp would skip installing the packages"


def test_the_first_install_of_the_project_prints_no_setuptools_warning(tmp_path: Path) -> None:
    # Found by a newcomer: the first `python3 dev.py run` printed ten lines of setuptools' « Editable
    # installation … Please be careful with folders in your working directory » (a BuildBackendWarning), our
    # pyproject leaving setuptools to guess the layout. The install as dev.py makes it, into a fresh venv.
    import sys

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    python = str(venv / "bin" / "python")
    subprocess.run([python, "-m", "pip", "install", "-q", "--upgrade", "pip"], check=True, capture_output=True)
    done = subprocess.run(
        [python, "-m", "pip", "install", "-q", "--no-deps", "-e", str(ROOT)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    said = done.stdout + done.stderr
    assert "setuptools" not in said and "BuildBackendWarning" not in said, said[-3000:]
    check = "import app, capture, resources, sync, ui; print(app.__file__)"
    imported = subprocess.run([python, "-c", check], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert imported.stdout.strip() == str(ROOT / "app" / "__init__.py")


def test_a_download_that_fails_is_said_plainly_not_as_a_traceback(tmp_path: Path) -> None:
    # Found by a technician following the README on a hospital machine behind a proxy: pip could not reach
    # PyPI and `python3 dev.py run` ended in forty lines of Python traceback (CalledProcessError) that said
    # neither what had failed nor what to do. A package index that does not answer is the same failure.
    import os
    import sys

    dev = dev_py()
    if dev.missing_debs(dev.APT_RUNTIME) or dev.venv_debs():
        pytest.skip("this machine lacks system packages: dev.py would install them")
    tree = tmp_path / "checkout"
    tree.mkdir()
    shutil.copy(ROOT / "dev.py", tree / "dev.py")
    (tree / "constraints.txt").write_text("", encoding="utf-8")
    (tree / "pyproject.toml").write_text(
        '[project]\nname = "offline-check"\nversion = "0"\ndependencies = ["teleavis-not-on-any-index"]\n'
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n',
        encoding="utf-8",
    )
    env = dict(os.environ, PIP_NO_INDEX="1", PIP_FIND_LINKS="", DISPLAY="")
    env.pop("PIP_INDEX_URL", None)
    done = subprocess.run(
        [sys.executable, str(tree / "dev.py"), "run"], capture_output=True, text=True, env=env, timeout=600
    )
    said = done.stdout + done.stderr
    assert done.returncode == 1, said[-3000:]
    assert "Traceback" not in said and "CalledProcessError" not in said, said[-3000:]
    assert "pip" in said and "proxy" in said and "python3 dev.py run" in said, said[-3000:]


def test_a_package_this_release_lacks_is_not_in_the_printed_command(capsys: pytest.CaptureFixture[str]) -> None:
    # Found reading dev.py for a user without root: root's install skipped a package name the release does not
    # have (names differ between Debian and Ubuntu releases), but the `sudo apt-get install …` printed for a
    # user kept it, so apt-get refused the whole command, nothing was installed, and every run printed it
    # again: the README's first command could never go further.
    dev = dev_py()
    if not shutil.which("apt-cache") or not dev.apt_lists_present():
        pytest.skip("apt's package lists are needed")
    present = set(installed())
    names = subprocess.run(["apt-cache", "pkgnames"], capture_output=True, text=True, check=True).stdout.split()
    known = next(name for name in sorted(names) if name not in present and dev.known_to_apt([name]))
    asked, skipped = dev.what_to_ask([known, "teleavis-no-such-package"])
    assert asked == [known] and skipped == ["teleavis-no-such-package"]
    assert dev.what_to_ask(["teleavis-no-such-package"]) == ([], ["teleavis-no-such-package"])


def test_an_old_python_is_told_which_newer_one_this_machine_has(tmp_path: Path) -> None:
    # Found following the README on Ubuntu 22.04: `python3` is 3.10 there and python3.11 sits beside it; dev.py
    # said « Python 3.11 or newer is needed » and stopped, without saying that the newer one was right there.
    import os
    import sys

    old = next((p for p in sorted(Path("/root/.pyenv/versions").glob("3.10*/bin/python3.10"))), None)
    old = old or (Path(shutil.which("python3.10")) if shutil.which("python3.10") else None)
    if old is None:
        pytest.skip("no Python 3.10 on this machine")
    path_dir = tmp_path / "bin"
    path_dir.mkdir()
    (path_dir / "python3.12").symlink_to(sys.executable)
    done = subprocess.run(
        [str(old), str(ROOT / "dev.py"), "run"],
        capture_output=True,
        text=True,
        env=dict(os.environ, PATH=f"{path_dir}:/usr/bin:/bin"),
        timeout=60,
    )
    assert done.returncode == 1, done
    assert "Python 3.11 or newer is needed" in done.stdout and "python3.12 dev.py run" in done.stdout, done.stdout


def test_pytests_closing_line_gives_the_counts_and_the_run_its_code(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # `python3 dev.py test` runs pytest in two parts (the benchmarks alone, after the rest): its last line adds up
    # both parts' closing lines, and a failure in either fails the run.
    import os
    import sys

    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_some.py").write_text(
        "import pytest\n\n"
        "@pytest.fixture\ndef broken():\n    raise RuntimeError('set-up')\n\n"
        "def test_a(): pass\n\ndef test_b(): pass\n\ndef test_c(): assert 1 == 2\n\n"
        "def test_d(): pytest.skip('no')\n\n"
        "@pytest.mark.xfail(strict=True)\ndef test_e(): assert False\n\n"
        "def test_f(broken): pass\n",
        encoding="utf-8",
    )
    dev = dev_py()
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", str(tmp_path)]
    for quiet in ([], ["-q"]):
        code, counts = dev.run_pytest([*command, *quiet], dict(os.environ))
        assert code == 1
        assert counts == {"passed": 2, "failed": 1, "skipped": 1, "xfailed": 1, "errors": 1}
        assert "test_c" in capfd.readouterr().out, "pytest's output is shown as it comes"
    code, counts = dev.run_pytest([*command, "-k", "test_a or test_b"], dict(os.environ))
    assert (code, counts) == (0, {"passed": 2})


def test_a_selection_that_collects_nothing_is_told_apart_on_two_processes(tmp_path: Path) -> None:
    # The first part runs on pytest-xdist's processes: a `-k` naming nothing must still end in pytest's « no tests
    # collected » code (dev.py fails the run when both parts collected nothing), not in a silent pass.
    import os
    import sys

    pytest.importorskip("xdist")
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_one.py").write_text("def test_a(): pass\n", encoding="utf-8")
    dev = dev_py()
    command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-n", "2", str(tmp_path)]
    assert dev.run_pytest([*command, "-k", "nothing_named_so"], dict(os.environ)) == (dev.NO_TESTS_COLLECTED, {})
    assert dev.run_pytest(command, dict(os.environ)) == (0, {"passed": 1})


def test_the_two_parts_hold_each_test_once() -> None:
    # --part (tests/conftest.py) splits the suite for dev.py: the benchmarks and the packaging tests run alone,
    # the others on two processes. Named on the command line or found in a folder, a test is in one part only.
    import os
    import sys

    def collected(*extra: str) -> set[str]:
        done = subprocess.run(
            [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", "--collect-only", *extra, *named],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            timeout=600,
        )
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return {line for line in done.stdout.splitlines() if "::" in line}

    named = [
        "tests/test_docs.py",
        "tests/bench/test_store_bench.py",
        "tests/packaging",
        "tests/sync/test_secure_urls.py",
    ]
    every, parallel, serial = collected(), collected("--part", "parallel"), collected("--part", "serial")
    assert parallel and serial and not parallel & serial and parallel | serial == every
    assert all(test.startswith(("tests/bench/", "tests/packaging/")) for test in serial), serial
    assert any(test.startswith("tests/packaging/test_deb.py") for test in serial)


def test_an_opencv_build_that_failed_fails_the_run_with_its_own_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # OpenCV compiles in the background while the checks and the first tests run: its failure must still be seen,
    # with what the build said, before the packaging tests that need it.
    import sys

    dev = dev_py()
    monkeypatch.setattr(dev, "OPENCV_LOG", tmp_path / "opencv-build.log")
    script = (
        "import sys; print('[opencv] building'); print('CMake Error: no C++ compiler', file=sys.stderr); sys.exit(3)"
    )
    with dev.OPENCV_LOG.open("wb") as log:
        build = subprocess.Popen([sys.executable, "-c", script], stdout=log, stderr=subprocess.STDOUT)
    assert dev.wait_opencv(build) is False
    said = capsys.readouterr().out
    assert "exit code 3" in said and "CMake Error: no C++ compiler" in said, said
    with dev.OPENCV_LOG.open("wb") as log:
        build = subprocess.Popen([sys.executable, "-c", "pass"], stdout=log, stderr=subprocess.STDOUT)
    assert dev.wait_opencv(build) is True


def _proxy_catcher() -> tuple[socket.socket, list[bytes]]:
    """A local port that answers like a broken proxy, keeping the first line of each request it got."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    got: list[bytes] = []

    def serve() -> None:
        while True:
            try:
                conn, _ = server.accept()
            except OSError:
                return
            with conn:
                got.append(conn.recv(4096).split(b"\r\n", 1)[0])
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

    threading.Thread(target=serve, daemon=True).start()
    return server, got


def _apt_alone(tmp_path: Path) -> Path:
    """An APT_CONFIG for an apt-get run of a test's own, its one source existing nowhere."""
    # apt-get alone, run with a configuration of its own: this machine's apt.conf.d is never read (its proxy
    # would come first, its update hooks would run as root: appstreamcli, packagekit), and nothing of the
    # machine's apt is written or locked (lists, caches, logs all here), so it runs beside dev.py's own apt-get.
    config = tmp_path / "apt.conf"
    config.write_text(
        "".join(
            f'{name} "{value}";\n'
            for name, value in (
                ("Dir::Etc::Main", tmp_path / "none.conf"),
                ("Dir::Etc::Parts", tmp_path / "none.d"),
                ("Dir::Etc::SourceList", tmp_path / "sources.list"),
                ("Dir::Etc::SourceParts", tmp_path / "none.d"),
                ("Dir::State", tmp_path / "state"),
                ("Dir::Cache", tmp_path / "cache"),
                ("Dir::Log", tmp_path / "log"),
                ("Debug::NoLocking", "true"),
                ("APT::Sandbox::User", "root"),  # (as root, apt's _apt could not write in this test's folder)
                ("Acquire::Retries", "0"),
                ("Acquire::http::Timeout", "20"),
            )
        ),
        encoding="utf-8",
    )
    (tmp_path / "sources.list").write_text(
        "deb [trusted=yes] http://teleavis-mirror.invalid/debian stable main\n", encoding="utf-8"
    )
    (tmp_path / "none.d").mkdir()
    (tmp_path / "state" / "lists" / "partial").mkdir(parents=True)
    (tmp_path / "cache" / "archives" / "partial").mkdir(parents=True)
    return config


def test_apt_get_goes_through_the_proxy_the_readme_says_to_export(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Found following the README behind a proxy: it says `export HTTPS_PROXY=… HTTP_PROXY=…`, which pip reads,
    # but apt-get reads only the lowercase http_proxy: run as root, dev.py's apt-get went straight to the
    # mirror, and on a network where only the proxy goes out the system packages never came. Here apt-get,
    # run with the environment dev.py gives it and a source that exists nowhere, must ask the proxy.
    if not shutil.which("apt-get"):
        pytest.skip("apt-get is needed")
    server, got = _proxy_catcher()
    with server:
        for name in ("http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.getsockname()[1]}")
        config = _apt_alone(tmp_path)
        subprocess.run(
            ["apt-get", "update", "-q"],
            env=dict(dev_py().apt_env(), APT_CONFIG=str(config)),
            capture_output=True,
            timeout=120,
        )
    assert any(b"teleavis-mirror.invalid" in line for line in got), got


def test_the_printed_sudo_command_passes_the_proxy_to_apt_get_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The same, for a user without root: sudo drops the environment, so the printed `sudo apt-get …` went straight
    # to the mirror. Passed as `sudo http_proxy="$HTTP_PROXY" apt-get …`, a sudo rule allowing only apt-get refused
    # it (« you are not allowed to set the following environment variables »): it goes as apt-get's own option,
    # from the variable that holds it (a proxy's password is never printed). Run by a shell with sudo's emptied
    # environment (`env -i`), the printed update asks the proxy.
    dev = dev_py()
    if not shutil.which("apt-cache") or not dev.apt_lists_present():
        pytest.skip("apt's package lists are needed")
    present = set(installed())
    names = subprocess.run(["apt-cache", "pkgnames"], capture_output=True, text=True, check=True).stdout.split()
    known = next(name for name in sorted(names) if name not in present and dev.known_to_apt([name]))
    for name in ("http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", "http://agent:s3cret@proxy.example:3128")
    monkeypatch.setenv("https_proxy", "http://agent:s3cret@proxy.example:3128")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    with pytest.raises(SystemExit):
        dev.ensure_system([known])
    printed = capsys.readouterr().out
    apt_get = 'sudo apt-get -o Acquire::http::Proxy="$HTTP_PROXY" -o Acquire::https::Proxy="$https_proxy"'
    assert f"{apt_get} update && {apt_get} install -y --no-install-recommends {known}" in printed, printed
    assert "s3cret" not in printed
    update = next(line for line in printed.splitlines() if " update && " in line).strip().split(" && ")[0]
    server, got = _proxy_catcher()
    with server:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.getsockname()[1]}")
        config = _apt_alone(tmp_path)
        assert update.startswith("sudo ")
        as_sudo_runs_it = f"env -i APT_CONFIG='{config}' {update.removeprefix('sudo ')} -q"
        subprocess.run(["sh", "-c", as_sudo_runs_it], capture_output=True, timeout=120)
    assert any(b"teleavis-mirror.invalid" in line for line in got), got


def test_apt_get_goes_straight_to_the_hosts_no_proxy_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # dev.py gave apt-get the README's HTTP_PROXY/HTTPS_PROXY and not NO_PROXY: a site whose package mirror is
    # inside its network (named in NO_PROXY, the proxy refusing to reach it) saw apt-get ask the proxy for it.
    if not shutil.which("apt-get"):
        pytest.skip("apt-get is needed")
    server, got = _proxy_catcher()
    with server:
        for name in ("http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.getsockname()[1]}")
        monkeypatch.setenv("NO_PROXY", "localhost,teleavis-mirror.invalid")
        config = _apt_alone(tmp_path)
        subprocess.run(
            ["apt-get", "update", "-q"],
            env=dict(dev_py().apt_env(), APT_CONFIG=str(config)),
            capture_output=True,
            timeout=120,
        )
    assert not any(b"teleavis-mirror.invalid" in line for line in got), got


def test_the_printed_sudo_command_keeps_the_no_proxy_hosts_off_the_proxy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The same through the printed `sudo apt-get`, whose environment sudo empties: each host NO_PROXY names goes
    # as apt-get's own option (DIRECT); a domain suffix or an address range has no such option and is not given.
    dev = dev_py()
    for name in ("http_proxy", "https_proxy", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "localhost, teleavis-mirror.invalid,.hopital.example,10.0.0.0/8,*")
    monkeypatch.setenv("HTTP_PROXY", "http://agent:s3cret@proxy.example:3128")
    printed = dev.sudo_apt_get()
    assert "-o Acquire::http::Proxy::teleavis-mirror.invalid=DIRECT" in printed, printed
    assert "-o Acquire::https::Proxy::teleavis-mirror.invalid=DIRECT" in printed, printed
    assert "hopital.example" not in printed and "10.0.0.0" not in printed and "*" not in printed, printed
    if not shutil.which("apt-get"):
        return
    server, got = _proxy_catcher()
    with server:
        monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{server.getsockname()[1]}")
        config = _apt_alone(tmp_path)
        update = f"env -i APT_CONFIG='{config}' HTTP_PROXY='{dev.os.environ['HTTP_PROXY']}' "
        update += dev.sudo_apt_get().removeprefix("sudo ") + " update -q"
        subprocess.run(["sh", "-c", update], capture_output=True, timeout=120)
    assert not any(b"teleavis-mirror.invalid" in line for line in got), got


def test_the_printed_venv_command_fetches_the_package_lists_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The line printed when Python has no venv module was `sudo apt-get install -y python3-venv …` alone: on a
    # machine whose package lists were never fetched (a fresh container, a new install) apt-get answered
    # « Unable to locate package » and the technician was left there. It runs `update` first, as the other does.
    dev = dev_py()
    blocked = tmp_path / "a-file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(dev, "VENV", blocked / ".venv")  # under a file: venv cannot be made there, for real
    monkeypatch.setattr(dev, "PY", blocked / ".venv" / "bin" / "python")
    monkeypatch.setattr(dev.os, "geteuid", lambda: 1000)
    for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "no_proxy", "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(SystemExit):
        dev.ensure_venv()
    printed = capsys.readouterr().out
    minor = dev.sys.version_info.minor
    assert f"sudo apt-get update && sudo apt-get install -y python3-venv python3.{minor}-venv" in printed, printed


@pytest.mark.parametrize(("ending", "code"), [("kill -TERM $$", 143), ("kill -KILL $$", 137), ("exit 3", 3)])
def test_run_exits_as_a_shell_would_when_the_window_is_killed_by_a_signal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ending: str, code: int
) -> None:
    """Left open last session: Teleavis killed by a signal (SIGTERM at a session's end, the OOM killer's SIGKILL)
    gave ``subprocess`` its negative code, -15, and ``sys.exit(-15)`` left ``dev.py run`` with 241, which reads
    as an error of its own. A shell says 128 + the signal's number (143, 137); an exit code stays as it is."""
    dev = dev_py()
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    teleavis = bin_dir / "teleavis"
    teleavis.write_text(f"#!/bin/sh\n{ending}\n", encoding="utf-8")
    teleavis.chmod(0o755)
    monkeypatch.setattr(dev, "BIN", bin_dir)
    monkeypatch.setattr(dev, "setup", lambda *_args: None)  # (the venv's installation: not this test's part)
    monkeypatch.setenv("DISPLAY", ":0")
    assert dev.run() == code  # (main() hands it to sys.exit: the code the shell reads after `python3 dev.py run`)
