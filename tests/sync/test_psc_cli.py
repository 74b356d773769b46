"""``teleavis login`` (issue 16.5): CIBA in training mode, the printed address and loopback wait otherwise."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import Store
from sync.psc import signed_in
from sync.sandbox.psc import PscProvider
from tests.support.cli import ROOT, SITE, closed_port, run_inprocess, write_json
from tests.sync.sync_helpers import setup_site
from tests.sync.test_psc import Browser


@pytest.fixture(autouse=True)
def _stop_training_provider() -> Iterator[None]:
    yield
    from sync.training import stop_psc

    stop_psc()


def test_login_in_training_mode_uses_ciba_on_the_built_in_provider(
    teleavis_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store.open(teleavis_home) as store:
        setup_site(store)
    done = run_inprocess(capsys, "login", "--timeout", "30")
    assert done.code == 0, done.err
    assert "Mode formation : fournisseur Pro Santé Connect simulé" in done.err
    assert "Validez sur votre téléphone" in done.err
    assert "Connecté avec Pro Santé Connect : Anne DURAND (RPPS 10101010105)." in done.err
    assert "pour son compte" not in done.err
    with Store.open(teleavis_home) as store:
        assert signed_in(store.settings).rpps == "10101010105"  # type: ignore[union-attr]


def test_login_without_site_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    done = run_inprocess(capsys, "login")
    assert done.code == 2 and "teleavis init" in done.err


def test_login_prints_the_address_and_waits_on_loopback(teleavis_home: Path) -> None:
    """No CIBA offered: the cart prints the address; someone opens it and signs in (here a nurse,
    who then requests on behalf of the site's physician)."""
    with PscProvider(offer_ciba=False) as provider:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.oidc_issuer", provider.issuer)
            store.settings.set("platform.client_id", "teleavis")
        env = dict(os.environ, PYTHONPATH=str(ROOT), LANG="en_GB.UTF-8")
        with subprocess.Popen(
            [sys.executable, "-m", "app.main", "login", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            assert proc.stderr is not None
            url = ""
            for line in proc.stderr:
                if line.startswith("http://127.0.0.1"):
                    url = line.strip()
                    break
            assert url.startswith(f"{provider.issuer}/auth?")
            Browser(login="810000000017").__call__(url)
            rest = proc.stderr.read()
            assert proc.wait(60) == 0, rest
        assert "Signed in with Pro Santé Connect: Claire MARTIN (RPPS 10000000017)." in rest
        assert re.search(r"not the site's requester \(Anne DURAND, RPPS 10101010105\)", rest)
        with Store.open(teleavis_home) as store:
            assert signed_in(store.settings).rpps == "10000000017"  # type: ignore[union-attr]


def test_the_issuer_must_be_https_off_loopback(capsys: pytest.CaptureFixture[str]) -> None:
    refused = run_inprocess(capsys, "config", "set", "platform.oidc_issuer", "http://psc.example/auth")
    assert refused.code == 2 and "https://" in refused.err
    taken = run_inprocess(capsys, "config", "set", "platform.oidc_issuer", "https://psc.example/auth")
    assert taken.code == 0, taken.err


def test_login_uses_the_device_flow_when_offered_without_ciba(teleavis_home: Path) -> None:
    """A cart without a browser: the address and the code to type on another device are printed."""
    import requests

    with PscProvider(offer_ciba=False, offer_device=True, ciba_interval_s=0.3) as provider:
        with Store.open(teleavis_home) as store:
            setup_site(store)
            store.settings.set("platform.oidc_issuer", provider.issuer)
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        with subprocess.Popen(
            [sys.executable, "-m", "app.main", "login", "--timeout", "60"],
            cwd=ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        ) as proc:
            assert proc.stderr is not None
            line = next(line for line in proc.stderr if "saisissez le code" in line)
            found = re.search(r"ouvrez (\S+) et saisissez le code (\S+) ", line)
            assert found is not None, line
            page = requests.get(found.group(1), timeout=10)
            assert found.group(2) in page.text
            done = requests.post(
                f"{provider.issuer}/device/verify",
                timeout=10,
                data={"user_code": found.group(2), "login": "810101010105", "pin": "1234"},
            )
            assert done.status_code == 200
            rest = proc.stderr.read()
            assert proc.wait(60) == 0, rest
        assert "Connecté avec Pro Santé Connect : Anne DURAND (RPPS 10101010105)." in rest


def test_login_with_no_provider_set_says_where_to_give_its_address(
    teleavis_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's way to a real platform: its address, then its token or ``teleavis login``. Found from
    outside: a technician who ran ``login`` before the platform had given its Pro Santé Connect address read
    « Aucun fournisseur Pro Santé Connect n'est configuré (réglage platform.oidc_issuer). » and no way on."""
    assert run_inprocess(capsys, "init", "--site", str(write_json(tmp_path / "site.json", SITE))).code == 0
    url = f"http://127.0.0.1:{closed_port()}/fhir"
    assert run_inprocess(capsys, "config", "set", "platform.url", url).code == 0
    result = run_inprocess(capsys, "login", "--timeout", "1")
    assert result.code == 1, result.err
    assert "teleavis config set platform.oidc_issuer https://" in result.err, result.err
    assert "teleavis config set platform.token -" in result.err, result.err  # (the other way the README gives)
    assert "Rien n'a été changé." in result.err, result.err
