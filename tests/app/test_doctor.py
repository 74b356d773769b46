"""``teleavis doctor``: each failure a workstation meets is reported, with what to do, in French and English.

The network cases are real: a closed loopback port, a local HTTPS server whose self-signed
certificate is (or is not) in the site's CA bundle, and a local server whose clock is ten minutes
ahead. The disk and the camera are fed in, since a test cannot fill the disk or plug a camera.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import glob
import http.server
import ipaddress
import json
import os
import ssl
from collections import namedtuple
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from app import clock, doctor
from app.commands.doctor import diagnose, probe_platform
from app.doctor import CameraProbe, PlatformProbe
from app.i18n import set_language
from sync.client import short_reason
from tests.support.cases import example_case
from tests.support.cli import SITE, closed_port, run_inprocess, run_process, write_json
from tests.support.http import QuietHandler, serving

Usage = namedtuple("Usage", "total used free")
NOW = dt.datetime(2026, 11, 20, 9, 30, tzinfo=dt.UTC)


# -- little servers ------------------------------------------------------------------------------------


class _Platform(QuietHandler):
    """Answers ``GET /fhir/metadata`` with a CapabilityStatement, its clock shifted by ``skew``."""

    skew = dt.timedelta(0)

    def date_time_string(self, timestamp: float | None = None) -> str:
        return email.utils.format_datetime(clock.utc_now() + self.skew, usegmt=True)

    def do_GET(self) -> None:
        body = json.dumps(
            {
                "resourceType": "CapabilityStatement",
                "status": "active",
                "fhirVersion": "4.0.1",
                "software": {"name": "Plateforme d'essai"},
                "kind": "instance",
                "format": ["json"],
                "date": "2026-01-01",
            }
        ).encode()
        self.answer(200 if self.path.endswith("/metadata") else 404, body)


def _serve(handler: type[http.server.BaseHTTPRequestHandler], context: ssl.SSLContext | None = None) -> Iterator[str]:
    with serving(handler, path="/fhir", context=context) as url:
        yield url


@pytest.fixture
def clock_ahead_platform() -> Iterator[str]:
    class Ahead(_Platform):
        skew = dt.timedelta(minutes=10)

    yield from _serve(Ahead)


def _self_signed(folder: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "plateforme-essai.local")])
    now = dt.datetime.now(dt.UTC)  # OpenSSL checks the certificate on the system's clock, never shifted
    public = key.public_key()
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                key_cert_sign=True,
                crl_sign=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(public), critical=False)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "plateforme.pem", folder / "plateforme.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_path, key_path


@pytest.fixture
def https_platform(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    cert, key = _self_signed(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    for url in _serve(_Platform, context):
        yield url, cert


@pytest.fixture
def configured(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Any:
    site = write_json(tmp_path / "site.json", SITE)
    assert run_inprocess(capsys, "init", "--site", str(site)).code == 0

    def set_setting(key: str, value: str) -> None:
        assert run_inprocess(capsys, "config", "set", key, value).code == 0

    return set_setting


def _by_name(report: dict[str, Any]) -> dict[str, dict[str, str]]:
    return {check["name"]: check for check in report["checks"]}


def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, dict[str, str]]]:
    result = run_inprocess(capsys, "doctor", "--json")
    report = result.json()
    assert report["ok"] == (result.code == 0)
    return result.code, _by_name(report)


# -- cameras -------------------------------------------------------------------------------------------


def test_no_camera_is_found_by_the_real_enumeration_and_the_advice_says_what_to_do(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _code, checks = _doctor(capsys)
    camera = checks["camera"]
    if glob.glob("/dev/video*"):  # a workstation with a camera: the real enumeration lists it
        assert camera["detail"] != "Aucune caméra trouvée."
        return
    assert camera["status"] == "warning"
    assert camera["detail"] == "Aucune caméra trouvée."
    assert "Branchez la caméra" in camera["advice"] and "caméra de démonstration" in camera["advice"]


def test_camera_found_unopened_or_too_coarse() -> None:
    good = CameraProbe("Dermatoscope USB", True, ((640, 480), (1920, 1080)))
    assert doctor.cameras([good]).status == "ok"
    assert "1920×1080" in doctor.cameras([good]).detail
    busy = CameraProbe("Webcam", False, error="open")
    check = doctor.cameras([busy])
    assert check.status == "failed" and "impossible à ouvrir" in check.detail and "groupe « video »" in check.advice
    assert doctor.cameras([busy, good]).status == "warning"  # one camera works: capture is possible
    coarse = doctor.cameras([CameraProbe("Vieille webcam", True, ((320, 240), (640, 480)))])
    assert coarse.status == "warning" and "640×480" in coarse.detail and "1280×720" in coarse.advice
    broken = doctor.cameras(None, error="OSError: v4l2")
    assert broken.status == "warning" and "v4l2" in broken.detail


# -- keyring, data folder, disk, database ----------------------------------------------------------


def test_keyring_unavailable_is_reported_with_the_passphrase_as_the_way_in(
    capsys: pytest.CaptureFixture[str], configured: Any, teleavis_home: Path
) -> None:
    assert os.environ["PYTHON_KEYRING_BACKEND"] == "keyring.backends.fail.Keyring"
    code, checks = _doctor(capsys)
    assert code == 0
    assert checks["keyring"]["status"] == "warning"
    assert "Pas de trousseau du système utilisable" in checks["keyring"]["detail"]
    assert "phrase secrète" in checks["keyring"]["advice"]
    # A key kept only in a keyring that does not answer here: the data cannot be opened.
    meta = json.loads((teleavis_home / "key.json").read_text())
    meta.update(keyring={"service": "teleavis", "username": "data-key:x"}, passphrase=None)
    (teleavis_home / "key.json").write_text(json.dumps(meta))
    code, checks = _doctor(capsys)
    assert code == 1 and checks["keyring"]["status"] == "failed"
    assert "Ouvrez la session" in checks["keyring"]["advice"]
    (teleavis_home / "key.json").write_text("{not json")
    assert doctor.keyring(False, "", teleavis_home / "key.json").status == "failed"
    assert doctor.keyring(True, "SecretService", teleavis_home / "nothing.json").status == "ok"


def test_disk_nearly_full_fails_with_advice_and_low_space_warns(teleavis_home: Path) -> None:
    def nearly_full(_path: Path) -> Usage:
        return Usage(100 * 1024**3, 100 * 1024**3 - 120 * 1024**2, 120 * 1024**2)

    checks = diagnose(teleavis_home, camera_probe=list, usage=nearly_full)
    space = next(c for c in checks if c.name == "free_space")
    assert space.status == "failed"
    assert space.detail == "Disque presque plein : 120,0 Mo libres sur le disque des données."
    assert "Libérez de la place maintenant" in space.advice
    assert doctor.exit_code(checks) == 1
    assert "[ÉCHEC] Place libre sur le disque" in doctor.render_text(checks)
    low = doctor.free_space(teleavis_home, lambda _p: Usage(0, 0, 1024**3))
    assert low.status == "warning"
    assert doctor.free_space(teleavis_home, lambda _p: Usage(0, 0, 50 * 1024**3)).status == "ok"


def test_data_folder_that_is_a_file_or_open_to_others(teleavis_home: Path) -> None:
    teleavis_home.parent.mkdir(parents=True, exist_ok=True)
    teleavis_home.write_text("not a folder")
    assert doctor.data_dir(teleavis_home).status == "failed"
    teleavis_home.unlink()
    assert doctor.data_dir(teleavis_home).status == "ok"  # will be created
    teleavis_home.mkdir()
    teleavis_home.chmod(0o755)
    check = doctor.data_dir(teleavis_home)
    assert check.status == "warning" and "chmod 700" in check.advice
    teleavis_home.chmod(0o700)
    assert doctor.data_dir(teleavis_home).status == "ok"
    assert not list(teleavis_home.iterdir())  # the write probe left nothing behind


def test_database_integrity(
    capsys: pytest.CaptureFixture[str], configured: Any, teleavis_home: Path, tmp_path: Path
) -> None:
    check = doctor.database(teleavis_home)
    assert check.status == "ok" and "0 dossier" in check.detail
    assert run_inprocess(capsys, "case", "import", str(example_case(tmp_path / "cas"))).code == 0
    check = doctor.database(teleavis_home)
    assert check.status == "ok" and "1 dossier" in check.detail, check
    damaged = teleavis_home.parent / "damaged"
    damaged.mkdir()
    (damaged / "teleavis.db").write_bytes(b"SQLite format 3\x00" + os.urandom(8192))
    check = doctor.database(damaged)
    assert check.status == "failed" and "endommagée" in check.detail and "sauvegarde" in check.advice


# -- the platform: unreachable, wrong CA, clock --------------------------------------------------------


def test_platform_unreachable_on_a_closed_port(capsys: pytest.CaptureFixture[str], configured: Any) -> None:
    url = f"http://127.0.0.1:{closed_port()}/fhir"
    configured("platform.url", url)
    code, checks = _doctor(capsys)
    assert code == 1
    assert checks["platform"]["status"] == "failed"
    # In words first (a tester read « injoignable ([Errno 111] Connection refused) »); the system's words,
    # for support, in parentheses.
    assert checks["platform"]["detail"].startswith(f"{url} injoignable : connexion refusée (")
    assert "refused" in checks["platform"]["detail"].lower()
    assert "accès à Internet" in checks["platform"]["advice"]
    assert checks["clock"]["status"] == "ok"  # not compared, not blamed


def test_wrong_ca_fails_tls_then_the_sites_ca_bundle_makes_it_trusted(
    capsys: pytest.CaptureFixture[str], configured: Any, https_platform: tuple[str, Path]
) -> None:
    url, cert = https_platform
    configured("platform.url", url)
    code, checks = _doctor(capsys)
    assert code == 1
    assert checks["tls"]["status"] == "failed"
    assert "certificate verify failed" in checks["tls"]["detail"]
    assert "platform.ca_bundle" in checks["tls"]["advice"]
    assert checks["platform"]["status"] == "failed"
    configured("platform.ca_bundle", str(cert))
    code, checks = _doctor(capsys)
    assert checks["tls"]["status"] == "ok", checks["tls"]
    assert str(cert) in checks["tls"]["detail"]
    assert checks["platform"]["status"] == "ok" and "Plateforme d'essai" in checks["platform"]["detail"]
    assert checks["clock"]["status"] == "ok"
    assert code == 0
    moved = cert.with_suffix(".moved.pem")  # set while there (config set refuses a file missing), then gone
    moved.write_bytes(cert.read_bytes())
    configured("platform.ca_bundle", str(moved))
    moved.unlink()
    code, checks = _doctor(capsys)
    assert code == 1 and checks["tls"]["status"] == "failed" and "introuvable" in checks["tls"]["detail"]


def test_clock_ten_minutes_off_the_platforms_date_header(
    capsys: pytest.CaptureFixture[str], configured: Any, clock_ahead_platform: str
) -> None:
    configured("platform.url", clock_ahead_platform)
    code, checks = _doctor(capsys)
    assert checks["platform"]["status"] == "ok"
    assert checks["tls"]["status"] == "ok"  # loopback
    assert code == 1
    assert checks["clock"]["status"] == "failed"
    assert checks["clock"]["detail"] == "L'horloge de l'ordinateur retarde de 10 min sur celle de la plateforme."
    assert "Mettez l'ordinateur à l'heure" in checks["clock"]["advice"]


def test_clock_against_the_sandbox_platform(
    tmp_path: Path, teleavis_home: Path, capsys: pytest.CaptureFixture[str], configured: Any
) -> None:
    from sync.sandbox import SandboxServer

    with SandboxServer(tmp_path / "sandbox", "127.0.0.1", 0, run_expert=False) as sandbox:
        configured("platform.url", sandbox.base_url)
        probe = probe_platform(teleavis_home)
    assert probe is not None and probe.outcome == "ok" and probe.date_header
    assert doctor.clock(probe.date_header, probe.received_at).status == "ok"
    skewed = doctor.clock(probe.date_header, probe.received_at + dt.timedelta(minutes=10))
    assert skewed.status == "failed" and "avance de 10 min" in skewed.detail


def test_clock_skew_is_pure() -> None:
    header = email.utils.format_datetime(NOW, usegmt=True)
    assert doctor.clock_skew(header, NOW + dt.timedelta(minutes=10)) == 600
    assert doctor.clock_skew(None, NOW) is None
    assert doctor.clock(header, NOW + dt.timedelta(seconds=20)).status == "ok"
    assert doctor.clock(header, NOW - dt.timedelta(minutes=2)).status == "warning"
    assert doctor.clock("pas une date", NOW).status == "warning"


def test_a_proxy_kept_unusable_is_said_and_nothing_is_sent(
    capsys: pytest.CaptureFixture[str], configured: Any, teleavis_home: Path
) -> None:
    """Found from outside: a proxy kept by an older version that no reading makes an address
    (« cart7:S3cretPW@ », no host) failed the probe as « injoignable » (check the network), or sent it
    without the site's proxy. The doctor says the proxy setting is the fault, and never quotes it."""
    from app.store import Store

    configured("platform.url", "https://plateforme.example/fhir")
    with Store.open(teleavis_home) as store:
        store.settings.set("proxy", "cart7:S3cretPW@")
    code, checks = _doctor(capsys)
    platform = checks["platform"]
    assert code == 1 and platform["status"] == "failed"
    assert "réglage du proxy est inutilisable" in platform["detail"] and "Réglages > Plateforme" in platform["advice"]
    assert "S3cretPW" not in json.dumps(checks)
    assert checks["tls"]["status"] == "warning"
    set_language("en")
    try:
        check = doctor.platform(PlatformProbe("https://plateforme.example/fhir", "proxy"))
    finally:
        set_language(None)
    assert check.detail.startswith("The proxy setting cannot be used") and "config set proxy -" in check.advice


def test_platform_outcomes_in_words() -> None:
    assert doctor.platform(None).status == "ok" and "mode formation" in doctor.platform(None).detail
    sign_in = PlatformProbe("https://p.example/fhir", "sign_in")
    assert doctor.platform(sign_in).status == "warning" and "Reconnectez-vous" in doctor.platform(sign_in).advice
    portal = PlatformProbe("https://p.example/fhir", "not_fhir", "HTTP 200, text/html")
    assert doctor.platform(portal).status == "failed" and "portail" in doctor.platform(portal).detail
    assert doctor.tls(PlatformProbe("http://p.example/fhir", "ok")).status == "warning"
    assert doctor.tls(PlatformProbe("https://p.example/fhir", "unreachable")).status == "warning"
    assert short_reason(OSError("x [Errno 111] Connection refused'))")) == "[Errno 111] Connection refused"


# -- the command as a user runs it -----------------------------------------------------------------


def test_english_words_and_exit_codes(capsys: pytest.CaptureFixture[str], configured: Any) -> None:
    configured("platform.url", f"http://127.0.0.1:{closed_port()}/fhir")
    set_language("en")
    result = run_inprocess(capsys, "doctor")
    assert result.code == 1
    assert "[FAILED] Platform" in result.out and "out of reach: connection refused (" in result.out
    assert "What to do: Check that the computer reaches the Internet" in result.out
    assert "1 failure: follow the advice above" in result.out


def test_the_command_in_a_fresh_process_only_warns(tmp_path: Path) -> None:
    result = run_process("doctor", env={"TELEAVIS_HOME": str(tmp_path / "fresh"), "LANG": "en_GB.UTF-8"})
    assert result.code == 0, result.err
    assert "[WARNING] Keyring (data key)" in result.out
    assert "No failure" in result.out
    assert not (tmp_path / "fresh").exists()  # a diagnosis writes nothing


# -- one implementation: the doctor asks capture and sync ------------------------------------------


class _Capture:
    """A camera as OpenCV shows it: opens, takes the resolutions it is asked, gives a frame."""

    def __init__(self, index: int, backend: int) -> None:
        self.index, self.size = index, [640.0, 480.0]

    def isOpened(self) -> bool:  # OpenCV's name
        return self.index != 9

    def set(self, prop: int, value: float) -> None:
        from capture.cv import cv2

        axis = 0 if prop == cv2.CAP_PROP_FRAME_WIDTH else 1
        self.size[axis] = min(value, (1920.0, 1080.0)[axis])  # a Full HD camera

    def get(self, prop: int) -> float:
        from capture.cv import cv2

        return self.size[0 if prop == cv2.CAP_PROP_FRAME_WIDTH else 1]

    def read(self) -> tuple[bool, Any]:
        return True, object()

    def release(self) -> None:
        pass


def test_the_doctor_lists_the_cameras_the_capture_panel_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    from capture import camera
    from capture.cv import cv2

    listed = [
        camera.CameraIdentity("Dermatoscope USB", 0x1234, 0x5678, "/dev/video0", 200, 0),
        camera.CameraIdentity("Dermatoscope USB", 0x1234, 0x5678, "/dev/video0", 200, 1),  # same device
        camera.CameraIdentity("Webcam occupée", None, None, "/dev/video9", 200, 9),
    ]
    monkeypatch.setattr(camera, "enumerate_cameras", lambda *, quiet=True: list(listed))
    monkeypatch.setattr(cv2, "VideoCapture", _Capture)
    (check,) = [c for c in diagnose(platform_probe=lambda _root: None) if c.name == "camera"]
    assert "Dermatoscope USB" in check.detail and "1920×1080" in check.detail
    assert "Webcam occupée" in check.detail and check.status == "warning"
    assert check.detail.count("Dermatoscope USB") == 1

    def broken(*, quiet: bool = True) -> list[camera.CameraIdentity]:
        assert not quiet, "the diagnosis wants the reason, not an empty list"
        raise OSError("v4l2 indisponible")

    monkeypatch.setattr(camera, "enumerate_cameras", broken)
    (check,) = [c for c in diagnose(platform_probe=lambda _root: None) if c.name == "camera"]
    assert check.status == "warning" and "v4l2 indisponible" in check.detail


def test_the_doctor_and_status_probe_the_platform_alike(
    tmp_path: Path,
    teleavis_home: Path,
    configured: Any,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from app.store import Store
    from sync import client
    from sync.client import check_reachable
    from sync.sandbox import SandboxServer

    probes: list[str] = []
    real = client.probe_metadata

    def spy(platform: client.PlatformClient) -> client.MetadataProbe:
        probes.append(platform.base_url)
        return real(platform)

    monkeypatch.setattr(client, "probe_metadata", spy)
    with SandboxServer(tmp_path / "sandbox", "127.0.0.1", 0, run_expert=False) as sandbox:
        configured("platform.url", sandbox.base_url)
        probe = probe_platform(teleavis_home)
        with Store.open(teleavis_home) as store:
            reachable, words = check_reachable(store)
    assert probe is not None and probe.outcome == "ok" and reachable and probe.detail == words
    assert len(probes) == 2 and len(set(probes)) == 1
    closed = f"http://127.0.0.1:{closed_port()}/fhir"
    configured("platform.url", closed)
    probe = probe_platform(teleavis_home)
    with Store.open(teleavis_home) as store:
        reachable, _words = check_reachable(store)
    assert probe is not None and probe.outcome == "unreachable" and not reachable


def test_training_off_without_a_platform_is_said_not_crashed(
    capsys: pytest.CaptureFixture[str], configured: Any
) -> None:
    from app.store import Store
    from sync.training import training_mode

    configured("training", "off")
    code, checks = _doctor(capsys)
    assert code == 1
    assert checks["platform"]["status"] == "failed" and "mode formation est désactivé" in checks["platform"]["detail"]
    with Store.open() as store:
        assert not training_mode(store)  # the same rule: no sandbox either


def test_the_doctor_says_when_no_backup_is_made(teleavis_home: Path, tmp_path: Path) -> None:
    """Found by a nurse's pass: « Sauvegarder toutes les 24 h » showed in the settings, no folder was
    chosen, and nothing ever said that no backup was made; the diagnosis had no line for it."""
    from app.backup import run_scheduled_backup
    from app.store import Store

    def backup_check() -> doctor.Check:
        (check,) = [
            c
            for c in diagnose(teleavis_home, camera_probe=list, platform_probe=lambda _root: None)
            if c.name == "backup"
        ]
        return check

    with Store.open(teleavis_home) as store:
        store.settings.set("language", "fr")
    none = backup_check()
    assert none.status == doctor.WARNING and "aucun dossier de sauvegarde" in none.detail
    assert "Réglages" in none.advice and "backup.folder" in none.advice
    folder = tmp_path / "cle-usb"
    with Store.open(teleavis_home) as store:
        store.settings.set("backup.folder", str(folder))
    assert backup_check().status == doctor.WARNING and str(folder) in backup_check().detail  # not plugged in
    folder.mkdir()
    with pytest.MonkeyPatch.context() as patch:  # a folder this user may not write in (root may, anywhere)
        patch.setattr(doctor.os, "access", lambda path, mode: False)
        assert backup_check().status == doctor.WARNING and "ne peut pas écrire" in backup_check().detail
    first = backup_check()
    assert first.status == doctor.OK and "première sauvegarde" in first.detail
    with Store.open(teleavis_home) as store:
        run_scheduled_backup(store)
    made = backup_check()
    assert made.status == doctor.OK and made.detail.startswith("Dernière sauvegarde le ")
    late = doctor.backup(
        {"backup.folder": str(folder), "backup.every_hours": 24, "state.backup.last": "2026-11-01T08:00:00+00:00"},
        dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC),
    )
    assert late.status == doctor.WARNING and "2026" in late.detail and late.advice
    off = doctor.backup({"backup.folder": str(folder), "backup.every_hours": 0}, clock.utc_now())
    assert off.status == doctor.WARNING and "arrêtées" in off.detail


def test_sync_says_a_refused_certificate_is_not_a_moments_fault(
    capsys: pytest.CaptureFixture[str], configured: Any, https_platform: tuple[str, Path]
) -> None:
    """Found from outside: `sync` said « injoignable pour l'instant (certificate verify failed: … (_ssl.c:1006).
    … partiront à une prochaine synchronisation », OpenSSL's words and a promise no sync would keep."""
    url, _cert = https_platform
    configured("platform.url", url)
    done = run_inprocess(capsys, "sync", "--once")
    assert done.code == 1, done.err  # not a moment's fault: a timer's run must not read as success
    assert "Le certificat de la plateforme est refusé : rien ne partira tant que ce n'est pas réglé." in done.err
    assert "ssl" not in done.err.lower() and "pour l'instant" not in done.err


def test_an_answer_cut_on_its_way_is_said_so_not_out_of_reach(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found in review: the platform's answer cut half-way (a proxy, an unstable link) was said
    « injoignable », with the advice to check the Internet access: the platform answered. The connection
    test says the answer was cut, and where to look (the proxy, the link)."""
    from sync.sandbox import SandboxServer
    from tests.sync.faultproxy import FaultProxy

    with (
        SandboxServer(tmp_path / "sandbox", "127.0.0.1", 0, run_expert=False) as sandbox,
        FaultProxy(sandbox.base_url, fault_rate=1.0, faults=("truncate",)) as proxy,
    ):
        configured("platform.url", proxy.base_url)
        code, checks = _doctor(capsys)
        assert code == 1
        detail, advice = checks["platform"]["detail"], checks["platform"]["advice"]
        assert "injoignable" not in detail and "coupée" in detail, detail
        assert "proxy" in advice and "accès à Internet" not in advice, advice
        status = run_inprocess(capsys, "status")
        assert "injoignable" not in status.err + status.out and "coupée" in status.err + status.out
        set_language("en")
        try:
            code, checks = _doctor(capsys)
        finally:
            set_language("fr")
        assert "out of reach" not in checks["platform"]["detail"] and "cut" in checks["platform"]["detail"]


def test_the_doctor_says_a_backup_folder_inside_the_data_folder_takes_no_backup(
    teleavis_home: Path, tmp_path: Path
) -> None:
    """Found from outside (tester A, session 36): a backup folder inside the data folder (set before it was
    refused) was « [OK] Sauvegarde automatique »; no backup is made there now (a restore erased them)."""
    from app.store import Store

    with Store.open(teleavis_home) as store:
        store.settings.set("language", "fr")
        store.settings.set("backup.folder", str(teleavis_home / "sauvegardes"))
    (teleavis_home / "sauvegardes").mkdir()
    (check,) = [
        c for c in diagnose(teleavis_home, camera_probe=list, platform_probe=lambda _root: None) if c.name == "backup"
    ]
    assert check.status == doctor.WARNING, check
    assert "données" in check.detail and "autre disque" in check.advice, check


# -- a platform that refuses what is saved on this workstation -----------------------------------------


def _refused_by_the_sandbox(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str], **saved: str
) -> dict[str, str]:
    """``doctor``'s platform check against a sandbox that takes only its own token, with ``saved`` kept."""
    from app.store import Store
    from sync.sandbox import SandboxServer

    with SandboxServer(
        tmp_path / "sandbox", "127.0.0.1", 0, run_expert=False, token="the-good-one", oauth_clients={"teleavis": "s3"}
    ) as sandbox:
        configured("platform.url", sandbox.base_url)
        with Store.open(teleavis_home) as store:
            for key, value in saved.items():
                store.settings.set(
                    key, value.replace("{oauth}", sandbox.base_url.rsplit("/fhir", 1)[0] + "/oauth/token")
                )
        _code, checks = _doctor(capsys)
    return checks["platform"]


def test_a_fixed_token_refused_is_said_as_the_window_and_sync_say_it(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """« Reconnectez-vous » told a site whose access is a fixed token nothing (e068383 for the sync): the
    doctor says the same words as the sync, who to call and the setting to give again."""
    from sync.auth import StaticToken

    platform = _refused_by_the_sandbox(tmp_path, teleavis_home, configured, capsys, **{"platform.token": "revoked"})
    assert platform["status"] == "warning"
    said = platform["detail"] + " " + platform["advice"]
    assert "reconnectez-vous" not in said.lower(), said
    assert "jeton d'accès enregistré sur ce poste" in platform["detail"], platform
    assert "installé Teleavis" in platform["advice"] and "config set platform.token -" in platform["advice"]
    assert platform["advice"] in StaticToken.sign_in_message()  # the sync's words, not a copy


def test_an_oauth_client_secret_refused_is_said_as_the_window_and_sync_say_it(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    platform = _refused_by_the_sandbox(
        tmp_path,
        teleavis_home,
        configured,
        capsys,
        **{"platform.token_url": "{oauth}", "platform.client_id": "teleavis", "platform.client_secret": "wrong"},
    )
    assert platform["status"] == "warning"
    assert "reconnectez-vous" not in (platform["detail"] + platform["advice"]).lower(), platform
    assert "secret client enregistrés sur ce poste" in platform["detail"], platform
    assert "installé Teleavis" in platform["advice"] and "config set platform.client_secret -" in platform["advice"]
    set_language("en")
    try:
        check = doctor.platform(PlatformProbe("https://p.example/fhir", "sign_in"))
    finally:
        set_language(None)
    assert "sign in again" in check.advice.lower()  # the probe naming nothing refused: a sign-in (PSC)


def test_an_oauth_client_accepted_is_no_warning(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The access token saved has expired, the client's secret is good: the sync would get a new token, so
    the doctor does too (kept in memory, nothing written) and finds nothing wrong."""
    platform = _refused_by_the_sandbox(
        tmp_path,
        teleavis_home,
        configured,
        capsys,
        **{
            "platform.token_url": "{oauth}",
            "platform.client_id": "teleavis",
            "platform.client_secret": "s3",
            "platform.token": "expired",
        },
    )
    assert platform["status"] == "ok", platform


def test_an_access_token_expired_beside_a_refresh_token_is_not_said_refused(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """A site living on a refresh token: the access token saved expires within the hour, and the sync renews it.
    The doctor, which rightly does not spend the refresh token (it writes nothing), met the expired access token
    and said « La plateforme refuse le jeton de renouvellement enregistré sur ce poste … Appelez la personne qui
    a installé Teleavis »: the renewal token was never shown to the platform, and the site's support was called
    for nothing (found in review). It says the access token expired, to be renewed by the sync."""
    platform = _refused_by_the_sandbox(
        tmp_path,
        teleavis_home,
        configured,
        capsys,
        **{
            "platform.token_url": "{oauth}",
            "platform.client_id": "teleavis",
            "platform.refresh_token": "r-1",
            "platform.token": "expired",
        },
    )
    said = platform["detail"] + " " + platform["advice"]
    assert "refuse" not in said and "installé Teleavis" not in said and "reconnectez" not in said.lower(), platform
    assert platform["status"] == "ok", platform
    assert "renouvellement" in platform["detail"], platform


def test_a_refresh_token_the_sync_dropped_is_said_refused_with_whom_to_call(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused by the identity provider, the sync forgot it (saved empty): nothing renews the access token."""
    platform = _refused_by_the_sandbox(
        tmp_path,
        teleavis_home,
        configured,
        capsys,
        **{
            "platform.token_url": "{oauth}",
            "platform.client_id": "teleavis",
            "platform.refresh_token": "",
            "platform.token": "expired",
        },
    )
    assert platform["status"] == "warning", platform
    assert "jeton de renouvellement enregistré sur ce poste" in platform["detail"], platform
    assert "config set platform.refresh_token -" in platform["advice"], platform


def test_a_sign_in_address_that_redirects_is_said_as_the_sync_says_it_not_as_a_secret_refused(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sign-in (OAuth) address moved (a 301 elsewhere): the secret is never posted on, and the sync says the
    address redirects, to check platform.token_url with the platform. The doctor's probe meets the same fault
    renewing the expired access token, and said « refuse l'identifiant et le secret client enregistrés sur ce
    poste (changés ou révoqués) », sending the site's support to give again a secret never shown (found in
    review): it says the sync's words."""
    from sync.auth import M as auth_messages

    posted: list[str] = []

    class Moved(QuietHandler):
        def do_POST(self) -> None:
            posted.append(self.path)
            self.answer(301, headers={"Location": "https://sso.example.org/oauth/token"})

    with serving(Moved, path="/oauth/token") as token_url:
        platform = _refused_by_the_sandbox(
            tmp_path,
            teleavis_home,
            configured,
            capsys,
            **{
                "platform.token_url": token_url,
                "platform.client_id": "teleavis",
                "platform.client_secret": "s3",
                "platform.token": "expired",
            },
        )
    assert posted, "the probe renews the expired access token, as the sync would"
    said = platform["detail"] + " " + platform["advice"]
    assert "secret client enregistrés" not in said and "reconnectez" not in said.lower(), platform
    assert auth_messages.tr("auth.redirected", status=301) in said, platform
    assert platform["status"] == "warning", platform


def test_a_sign_in_service_that_does_not_answer_is_not_said_the_platform_unreachable(
    tmp_path: Path, teleavis_home: Path, configured: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """The platform answered (its 401: the access token saved expired) and the OAuth client's sign-in address did
    not (down, or mistyped): the probe, renewing the token as the sync would, said « http://…/fhir injoignable
    (RefreshUnavailable). », a class name, with the advice to check the Internet access and the platform's
    address, both fine (found in review). It says the platform answers and names the sign-in address that did not,
    with the sync's words; still a failure (exit 1): no case can leave meanwhile."""
    from sync.auth import M as auth_messages

    token_url = f"http://127.0.0.1:{closed_port()}/oauth/token"
    platform = _refused_by_the_sandbox(
        tmp_path,
        teleavis_home,
        configured,
        capsys,
        **{
            "platform.token_url": token_url,
            "platform.client_id": "teleavis",
            "platform.client_secret": "s3",
            "platform.token": "expired",
        },
    )
    said = platform["detail"] + " " + platform["advice"]
    assert "RefreshUnavailable" not in said and "injoignable" not in platform["detail"], platform
    assert "répond" in platform["detail"] and token_url in platform["detail"], platform
    assert auth_messages.tr("auth.refresh_later") in platform["advice"], platform
    assert platform["status"] == "failed", platform
