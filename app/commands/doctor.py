"""``teleavis doctor``: the workstation diagnosis, and the I/O behind it (cameras, the platform).

The checks themselves are pure (``app.doctor``); this module, part of the composition root, gathers
the facts that need hardware or the network and hands them in. The window's "Aide > Diagnostic"
calls :func:`diagnose` and shows :func:`app.doctor.render_text` of the result, so both say the
same thing. Nothing here writes to the data folder or asks for the passphrase.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import shutil
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from app import doctor
from app import messages as M
from app.commands.common import emit_json
from app.doctor import CameraProbe, Check, PlatformProbe
from app.paths import data_dir
from app.urls import is_secure_url

log = logging.getLogger(__name__)

#: Resolutions asked of each camera; it answers with the nearest it supports.
CANDIDATE_RESOLUTIONS = ((640, 480), (1280, 720), (1920, 1080), (2592, 1944), (3840, 2160))
PROBE_CONNECT_TIMEOUT_S = 5.0
PROBE_READ_TIMEOUT_S = 10.0


def register(sub: Any) -> None:
    parser = sub.add_parser("doctor", help=M.tr("doctor.help"))
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--no-camera", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    checks = diagnose(camera_probe=(lambda: []) if args.no_camera else probe_cameras)
    if args.json:
        emit_json(doctor.as_json(checks))
    else:
        print(doctor.render_text(checks))
    return doctor.exit_code(checks)


def diagnose(root: Path | None = None, *,
             camera_probe: Callable[[], list[CameraProbe]] | None = None,
             platform_probe: Callable[[Path], PlatformProbe | None] | None = None,
             usage: Callable[[Path], Any] = shutil.disk_usage,
             now: Callable[[], datetime] = lambda: datetime.now(UTC),
             keyring_state: Callable[[], tuple[bool, str]] | None = None) -> list[Check]:
    """Every check, in the order a technician would look. Each source of facts can be replaced."""
    root = root or data_dir()
    usable, backend = (keyring_state or _keyring_state)()
    from app.keyring_backends import choose

    refused = choose().refused if keyring_state is None else ()
    checks = [
        _camera_check(camera_probe or probe_cameras),
        doctor.keyring(usable, backend, root / "key.json", refused),
        doctor.data_dir(root),
        doctor.free_space(root, usage),
        doctor.database(root),
    ]
    probe = (platform_probe or probe_platform)(root)
    checks += [doctor.platform(probe), doctor.tls(probe)]
    checks.append(doctor.clock(probe.date_header if probe else None, probe.received_at if probe else now()))
    return checks


def _camera_check(probe: Callable[[], list[CameraProbe]]) -> Check:
    try:
        return doctor.cameras(probe())
    except Exception as exc:
        log.warning("camera enumeration failed", exc_info=True)
        return doctor.cameras(None, error=f"{type(exc).__name__}: {exc}")


def _keyring_state() -> tuple[bool, str]:
    from app.keyring_backends import choose

    chosen = choose()
    return chosen.usable, chosen.name


# -- cameras ------------------------------------------------------------------------------------------

def _camera_backend(cv2: Any) -> int:
    if sys.platform == "win32":
        return int(cv2.CAP_MSMF)
    if sys.platform == "darwin":
        return int(cv2.CAP_AVFOUNDATION)
    return int(cv2.CAP_V4L2)


def probe_cameras() -> list[CameraProbe]:
    """Every plugged-in camera: opened once, asked for a frame and for the usual resolutions."""
    from cv2_enumerate_cameras import enumerate_cameras

    from capture.cv import cv2

    backend = _camera_backend(cv2)
    probes: list[CameraProbe] = []
    seen: set[str] = set()
    for info in enumerate_cameras(backend):
        key = str(getattr(info, "path", "") or info.index)
        if key in seen:
            continue
        seen.add(key)
        probes.append(_probe_one(cv2, info.index, backend, str(info.name or key)))
    return probes


def _probe_one(cv2: Any, index: int, backend: int, name: str) -> CameraProbe:
    capture = cv2.VideoCapture(index, backend)
    try:
        if not capture.isOpened():
            return CameraProbe(name, False, error="open")
        accepted: list[tuple[int, int]] = []
        for width, height in CANDIDATE_RESOLUTIONS:
            capture.set(cv2.CAP_PROP_FRAME_WIDTH, width)
            capture.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
            got = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
            if got[0] > 0 and got not in accepted:
                accepted.append(got)
        ok, frame = capture.read()
        if not ok or frame is None:
            return CameraProbe(name, False, tuple(accepted), error="no image")
        return CameraProbe(name, True, tuple(sorted(accepted)))
    finally:
        capture.release()


# -- the platform -------------------------------------------------------------------------------------

def _training(settings: dict[str, Any]) -> bool:
    mode = settings.get("training", "auto")
    return mode == "on" or (mode != "off" and not settings.get("platform.url"))


def _sealed(root: Path, url: str) -> tuple[str | None, str]:
    """The pasted access token and the proxy (sealed: it may hold a password) when the data unlocks
    without asking (keyring, or the environment), and only for the platform address the settings'
    tags vouch for (read without the key, ``url`` could have been rewritten in the database to send
    the token elsewhere). ``(None, "")`` otherwise."""
    if not (root / "key.json").exists():
        return None, ""
    from app.errors import TeleavisError
    from app.keystore import PASSPHRASE_ENV
    from app.store import Store

    try:
        with Store.open(root, passphrase=lambda _confirm: os.environ.get(PASSPHRASE_ENV)) as store:
            if store.settings.get("platform.url") != url:
                return None, ""
            token = store.settings.get("platform.token")
            proxy = store.settings.get("proxy")
    except TeleavisError:
        return None, ""
    return (str(token) if token else None), str(proxy or "")


_REASON = re.compile(r"(certificate verify failed[^'\")\]]*|\[Errno -?\d+\] [^'\")\]]+|"
                     r"Name or service not known|Temporary failure in name resolution|Connection refused)")


def short_reason(exc: BaseException) -> str:
    """The useful words of a ``requests`` error (its message nests three exceptions deep)."""
    found = _REASON.findall(str(exc))
    return found[-1].strip() if found else type(exc).__name__


def probe_platform(root: Path) -> PlatformProbe | None:
    """One ``GET metadata`` to the configured platform with the site's CA bundle and proxy."""
    settings = doctor.plain_settings(root)
    if _training(settings):
        return None
    import requests

    from sync.auth import StaticToken
    from sync.client import ClientConfig, PlatformClient

    url = str(settings["platform.url"])
    if not is_secure_url(url):
        # Nothing is sent there, not even a probe with the token.
        return PlatformProbe(url, "unreachable", M.tr("url.insecure_short"))
    ca_bundle = str(settings.get("platform.ca_bundle") or "")
    if ca_bundle and not Path(ca_bundle).is_file():
        return PlatformProbe(url, "ca_missing", ca_bundle=ca_bundle)
    token, proxy = _sealed(root, url)
    config = ClientConfig(url, PROBE_CONNECT_TIMEOUT_S, PROBE_READ_TIMEOUT_S, ca_bundle,
                          proxy or str(settings.get("proxy") or ""))
    with PlatformClient(config, StaticToken(token)) as client:
        headers = {"Accept": "application/fhir+json"}
        token = client.tokens.token()
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = client.session.get(client.base_url + "metadata", headers=headers, timeout=config.timeout,
                                          allow_redirects=False)
        except requests.exceptions.SSLError as exc:
            return PlatformProbe(url, "tls", short_reason(exc), ca_bundle=ca_bundle)
        except requests.exceptions.Timeout as exc:
            return PlatformProbe(url, "timeout", short_reason(exc), ca_bundle=ca_bundle)
        except requests.RequestException as exc:
            return PlatformProbe(url, "unreachable", short_reason(exc), ca_bundle=ca_bundle)
        received = datetime.now(UTC)
        with response:
            date = response.headers.get("Date")
            if response.status_code == 401:
                return PlatformProbe(url, "sign_in", date_header=date, ca_bundle=ca_bundle, received_at=received)
            try:
                document = response.json()
            except ValueError:
                document = None
            if (response.status_code != 200 or not isinstance(document, dict)
                    or document.get("resourceType") != "CapabilityStatement"):
                kind = response.headers.get("Content-Type", "?").split(";")[0]
                return PlatformProbe(url, "not_fhir", f"HTTP {response.status_code}, {kind}", date, ca_bundle,
                                     received)
    software = document.get("software")
    software = software if isinstance(software, dict) else {}
    words = " ".join(str(x) for x in (software.get("name"), document.get("fhirVersion")) if x)
    return PlatformProbe(url, "ok", words, date, ca_bundle, received)
