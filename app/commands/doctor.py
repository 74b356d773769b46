"""``teleavis doctor``: the workstation diagnosis, and the I/O behind it (cameras, the platform).

The checks themselves are pure (``app.doctor``); this module, part of the composition root, gathers
the facts that need hardware or the network and hands them in. The window's "Aide > Diagnostic"
calls :func:`diagnose` and shows :func:`app.doctor.render_text` of the result, so both say the
same thing. Nothing here writes to the data folder or asks for the passphrase: the cases are opened (to find
those that no longer do) with the key the keyring or ``TELEAVIS_PASSPHRASE`` gives, the base read-only.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import shutil
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import clock, doctor
from app import messages as M
from app.commands.common import emit_json
from app.db import DB_FILE
from app.doctor import CameraProbe, Check, PlatformProbe
from app.errors import TeleavisError
from app.paths import data_dir
from app.swap import finish_swap
from app.urls import is_secure_url, proxy_in_use

if TYPE_CHECKING:
    from app.store import Store

log = logging.getLogger(__name__)

#: Resolutions asked of each camera; it answers with the nearest it supports.
CANDIDATE_RESOLUTIONS = ((640, 480), (1280, 720), (1920, 1080), (2592, 1944), (3840, 2160))
PROBE_CONNECT_TIMEOUT_S = 5.0
PROBE_READ_TIMEOUT_S = 10.0


def register(sub: Any) -> None:
    parser = sub.add_parser("doctor", help=M.tr("doctor.help"))
    parser.add_argument("--json", action="store_true", help=M.tr("case.json_help"))
    parser.add_argument("--no-camera", action="store_true", help=argparse.SUPPRESS)
    parser.set_defaults(handler=run_doctor)


def run_doctor(args: argparse.Namespace) -> int:
    checks = diagnose(camera_probe=(lambda: []) if args.no_camera else probe_cameras)
    if args.json:
        emit_json(doctor.as_json(checks))
    else:
        print(doctor.render_text(checks))
    return doctor.exit_code(checks)


def diagnose(
    root: Path | None = None,
    *,
    camera_probe: Callable[[], list[CameraProbe]] | None = None,
    platform_probe: Callable[[Path], PlatformProbe | None] | None = None,
    usage: Callable[[Path], Any] = shutil.disk_usage,
    now: Callable[[], datetime] = clock.utc_now,
    keyring_state: Callable[[], tuple[bool, str]] | None = None,
    on_check: Callable[[Check], None] | None = None,
    store: Store | None = None,
) -> list[Check]:
    """Every check, in the order a technician would look. Each source of facts can be replaced.
    ``on_check`` hears of each check as soon as it is done (the window shows them as they come). ``store``:
    the window's (unlocked), whose cases are opened; without it, with the key the keyring or the passphrase
    variable gives."""
    root = root or data_dir()
    with contextlib.suppress(OSError):  # (what cannot be moved back is the folder check's to say)
        finish_swap(root)  # a restore cut between its renames: its data is looked at where it belongs
    checks: list[Check] = []

    def done(check: Check) -> None:
        checks.append(check)
        if on_check is not None:
            on_check(check)

    done(_camera_check(camera_probe or probe_cameras))
    usable, backend = (keyring_state or _keyring_state)()
    from app.keyring_backends import choose

    refused = choose().refused if keyring_state is None else ()
    done(doctor.keyring(usable, backend, root / "key.json", refused))
    done(doctor.data_dir(root))
    done(doctor.free_space(root, usage))
    database = doctor.database(root)
    done(database)
    if database.status == doctor.OK and (root / DB_FILE).exists():
        # SQLite's integrity check cannot see a case whose sealed content no longer opens (found from
        # outside: « Base intègre » over such a case).
        cases = _cases_check(root, store)
        if cases is not None:
            done(cases)
    done(doctor.backup(doctor.plain_settings(root), now(), root))
    probe = (platform_probe or probe_platform)(root)
    done(doctor.platform(probe))
    done(doctor.tls(probe))
    done(doctor.clock(probe.date_header if probe else None, probe.received_at if probe else now()))
    return checks


def _cases_check(root: Path, store: Store | None) -> Check | None:
    """Whether each case opens; None when there is no key yet (the keyring check says so)."""
    from app.case_check import cases_not_opening

    if store is not None:
        return doctor.cases(*cases_not_opening(store))
    from app.keystore import PASSPHRASE_ENV, KeyStore
    from app.store import Store

    keys = KeyStore(root, lambda _confirm: os.environ.get(PASSPHRASE_ENV) or None)  # never asked: a diagnosis
    if not keys.exists():
        return None
    try:
        key = keys.unlock()
        conn = sqlite3.connect(f"{(root / DB_FILE).resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
    except TeleavisError as exc:  # (no passphrase given, a wrong one, the keyring's entry lost)
        return doctor.cases_not_opened(exc.message)
    except sqlite3.Error as exc:
        return doctor.cases_not_opened(str(exc))
    conn.row_factory = sqlite3.Row
    try:
        return doctor.cases(*cases_not_opening(Store(root, key, conn)))
    except sqlite3.Error as exc:  # (busy: a restore or a key rotation going on)
        return doctor.cases_not_opened(str(exc))
    finally:
        conn.close()


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


def probe_cameras() -> list[CameraProbe]:
    """Every plugged-in camera (as the capture panel lists them): opened once, asked for a frame and
    for the usual resolutions."""
    from capture.camera import enumerate_cameras, platform_backend
    from capture.cv import cv2

    backend = platform_backend()
    probes: list[CameraProbe] = []
    seen: set[str] = set()
    for camera in enumerate_cameras(quiet=False):
        key = camera.path or str(camera.index)
        if key in seen:  # one device, several nodes (V4L2): one camera
            continue
        seen.add(key)
        probes.append(_probe_one(cv2, camera.index, backend, camera.name or key))
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


#: The sealed settings the doctor's probe reads, as the sync does (sync.auth.token_source_from_settings).
_SEALED_READ = (
    "platform.token",
    "proxy",
    "platform.token_url",
    "platform.client_id",
    "platform.client_secret",
    "platform.refresh_token",
    "platform.oidc_issuer",
)


def _sealed(root: Path, url: str) -> dict[str, Any]:
    """The access token, how the site gets one (the OAuth client's, Pro Santé Connect's issuer) and the proxy
    (sealed: it may hold a password) when the data unlocks without asking (keyring, or the environment), and
    only for the platform address the settings' tags vouch for (read without the key, ``url`` could have been
    rewritten in the database to send the token elsewhere). Empty otherwise."""
    if not (root / "key.json").exists():
        return {}
    from app.keystore import PASSPHRASE_ENV
    from app.store import Store

    try:
        with Store.open(root, passphrase=lambda _confirm: os.environ.get(PASSPHRASE_ENV)) as store:
            if store.settings.get("platform.url") != url:
                return {}
            return {key: store.settings.get(key) for key in _SEALED_READ}
    except TeleavisError:
        return {}


def probe_platform(root: Path) -> PlatformProbe | None:
    """One ``GET metadata`` to the configured platform with the site's CA bundle and proxy: the same
    probe as ``status`` and the window (``sync.client.probe_metadata``), from the clear settings."""
    from app.settings import is_training

    settings = doctor.plain_settings(root)
    if is_training(settings.get):
        return None
    from sync.auth import OAuthToken, StaticToken, TokenSource, refused_words
    from sync.client import ClientConfig, PlatformClient, probe_metadata

    url = str(settings.get("platform.url") or "")
    if not url:  # training switched off, and no platform set
        return PlatformProbe(url, "not_configured")
    if not is_secure_url(url):
        # Nothing is sent there, not even a probe with the token.
        return PlatformProbe(url, "unreachable", M.tr("url.insecure_short"))
    ca_bundle = str(settings.get("platform.ca_bundle") or "")
    if ca_bundle and not Path(ca_bundle).is_file():
        return PlatformProbe(url, "ca_missing", ca_bundle=ca_bundle)
    sealed = _sealed(root, url)
    token = str(sealed.get("platform.token") or "") or None
    proxy = str(sealed.get("proxy") or "") or str(settings.get("proxy") or "")
    try:
        proxy_in_use(proxy)
    except TeleavisError:  # kept so by an older version: nothing is sent, with it or without it
        return PlatformProbe(url, "proxy")
    config = ClientConfig(url, PROBE_CONNECT_TIMEOUT_S, PROBE_READ_TIMEOUT_S, ca_bundle, proxy)
    tokens: TokenSource = StaticToken(token)
    refused: Any = None if sealed.get("platform.oidc_issuer") or not sealed else "token"
    if sealed.get("platform.token_url") and not sealed.get("platform.oidc_issuer"):
        refused = "client" if sealed.get("platform.client_secret") else "refresh"
        if refused == "client":
            # An expired access token is no fault: the sync asks the client's for a new one, and so does the
            # probe (kept in memory, nothing written). A refresh token is not spent here: the platform may
            # give a new one for it, which the doctor, writing nothing, would lose.
            tokens = OAuthToken(
                str(sealed["platform.token_url"]),
                str(sealed.get("platform.client_id") or ""),
                str(sealed["platform.client_secret"]),
                access_token=token or "",
            )
    with PlatformClient(config, tokens) as client:
        probe = probe_metadata(client)
    detail = probe.words if probe.outcome == "ok" else probe.reason
    if probe.outcome == "not_fhir" and detail == probe.words:
        # The client's sentence for a page that is no platform's (a portal's), with its « retrying »: no
        # technical detail to add to the diagnosis's own words, which name the portal already.
        detail = ""
    # A refresh token is not spent here (above): an access token refused beside it is renewed by the sync.
    # (One the sync dropped, refused by the identity provider, is gone: then it is said refused, who to call.)
    renewed = probe.outcome == "sign_in" and refused == "refresh" and bool(sealed.get("platform.refresh_token"))
    fault = ""
    if probe.outcome == "sign_in" and isinstance(tokens, OAuthToken) and probe.words != tokens.sign_in_message():
        # Not a refusal: the sign-in address itself kept the secret from being sent (it redirects, or is no
        # https), which the sync says in its own words; the client's id and secret were never shown to anyone.
        fault, refused = probe.words, None
    elif isinstance(tokens, OAuthToken) and probe.outcome != "ok" and probe.words == M.tr("auth.refresh_later"):
        # The platform answered (a 401: the access token expired) and the sign-in address did not: not the
        # platform unreachable (« injoignable (RefreshUnavailable) »), the address to look at is the other one.
        fault = probe.words
    what, advice = refused_words(refused) if probe.outcome == "sign_in" and refused and not renewed else ("", "")
    return PlatformProbe(
        url,
        probe.outcome,
        detail,
        probe.date_header,
        ca_bundle,
        probe.received_at or clock.utc_now(),
        refused=what,
        refused_advice=advice,
        renewed_by_sync=renewed,
        sign_in_fault=fault,
        sign_in_url=str(sealed.get("platform.token_url") or "") if fault else "",
    )
