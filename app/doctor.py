"""The workstation diagnosis (``teleavis doctor``, the window's "Aide > Diagnostic"): pure checks.

Each check turns facts into one :class:`Check` with a status and, when something is wrong, a
sentence saying what to do. The facts that need hardware or the network (cameras, the platform's
answer) are gathered by the composition root (``app.commands.doctor``) and handed in as plain
values, so this module imports neither ``capture`` nor ``sync``, and every check can be fed a
simulated disk, clock or camera in tests.
"""

from __future__ import annotations

import email.utils
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import app.doctor_messages  # noqa: F401 - registers the messages used below
from app import i18n
from app import messages as M
from app.clock import utc_now
from app.db import DB_FILE, MIGRATIONS
from app.fsutil import existing_ancestor, no_space_left, os_reason

Status = Literal["ok", "warning", "failed"]
OK: Status = "ok"
WARNING: Status = "warning"
FAILED: Status = "failed"

#: Below this much free space new photos soon cannot be saved; below ``LOW_SPACE`` it is worth a word.
FULL_SPACE = 500 * 1024**2
LOW_SPACE = 2 * 1024**3
#: A clock further off than this breaks tokens and TLS; a minute off is already worth saying.
CLOCK_FAILED_S = 5 * 60
CLOCK_WARNING_S = 60
#: A camera whose best resolution has fewer pixels than 1280×720 takes unusable close-ups.
MIN_PIXELS = 1280 * 720


@dataclass(frozen=True)
class Check:
    """One line of the diagnosis: ``name`` is a stable id (camera, keyring, data_dir, free_space,
    database, cases, backup, platform, tls, clock); ``detail`` says what was found, ``advice`` what to do."""

    name: str
    status: Status
    detail: str
    advice: str = ""

    @property
    def title(self) -> str:
        return M.tr(f"doctor.title.{self.name}")

    def as_json(self) -> dict[str, str]:
        return {"name": self.name, "title": self.title, **{k: v for k, v in asdict(self).items() if k != "name"}}


# -- cameras ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CameraProbe:
    """What was learnt about one camera: whether it opened, and the resolutions it accepted."""

    name: str
    opened: bool
    resolutions: tuple[tuple[int, int], ...] = ()
    error: str = ""


def cameras(found: Sequence[CameraProbe] | None, error: str = "") -> Check:
    """The camera check from the probes (``None`` with ``error`` when enumeration itself failed)."""
    if found is None:
        return Check("camera", WARNING, M.tr("doctor.camera.error", reason=error), M.tr("doctor.camera.none.advice"))
    if not found:
        return Check("camera", WARNING, M.tr("doctor.camera.none"), M.tr("doctor.camera.none.advice"))
    details: list[str] = []
    advice: list[str] = []
    status: Status = OK
    for probe in found:
        if not probe.opened:
            details.append(M.tr("doctor.camera.unopened", name=probe.name, reason=probe.error or "?"))
            advice.append(M.tr("doctor.camera.unopened.advice"))
            status = FAILED
            continue
        best = max(probe.resolutions, key=lambda wh: wh[0] * wh[1], default=None)
        if best is not None and best[0] * best[1] < MIN_PIXELS:
            details.append(M.tr("doctor.camera.low", name=probe.name, resolution=f"{best[0]}×{best[1]}"))
            advice.append(M.tr("doctor.camera.low.advice"))
            status = WARNING if status == OK else status
            continue
        listed = ", ".join(f"{w}×{h}" for w, h in probe.resolutions) or "?"
        details.append(M.tr("doctor.camera.found", name=probe.name, resolutions=listed))
    if any(p.opened for p in found) and status == FAILED:
        status = WARNING  # one camera works: capture is possible
    return Check("camera", status, " ".join(details), " ".join(dict.fromkeys(advice)))


# -- keyring ------------------------------------------------------------------------------------------


def keyring(usable: bool, backend: str, key_file: Path, refused: tuple[str, ...] = ()) -> Check:
    """Where the data key is kept, and whether that place answers here. ``refused``: keyring
    backends present but not trusted with the key (plain-file ones), said when none is used."""
    check = _keyring(usable, backend, key_file)
    if refused and not usable:
        detail = f"{check.detail} {M.tr('doctor.keyring.refused', backends=', '.join(refused))}"
        return Check(check.name, check.status, detail, check.advice)
    return check


def _keyring(usable: bool, backend: str, key_file: Path) -> Check:
    mode: str | None = None
    if key_file.exists():
        try:
            meta = _read_json(key_file)
            mode = "+".join(name for name in ("keyring", "passphrase") if meta.get(name)) or "?"
        except (OSError, ValueError):
            return Check("keyring", FAILED, M.tr("doctor.keyring.damaged"), M.tr("doctor.keyring.damaged.advice"))
    if usable:
        return Check("keyring", OK, M.tr("doctor.keyring.ok", backend=backend, mode=mode or "-"))
    if mode is None:
        return Check("keyring", WARNING, M.tr("doctor.keyring.new"), M.tr("doctor.keyring.new.advice"))
    if "passphrase" in mode:
        return Check("keyring", WARNING, M.tr("doctor.keyring.passphrase"), M.tr("doctor.keyring.passphrase.advice"))
    return Check("keyring", FAILED, M.tr("doctor.keyring.lost"), M.tr("doctor.keyring.lost.advice"))


def _read_json(path: Path) -> dict[str, Any]:
    import json

    value = json.loads(path.read_text("utf-8"))
    if not isinstance(value, dict):
        raise ValueError("not an object")
    return value


# -- data folder and disk -----------------------------------------------------------------------------


def data_dir(path: Path) -> Check:
    """The data folder is a folder, this user can write there (really tried), and others cannot read it."""
    target = path if path.exists() else existing_ancestor(path)
    if path.exists() and not path.is_dir():
        return Check(
            "data_dir", FAILED, M.tr("doctor.data_dir.not_dir", path=str(path)), M.tr("doctor.data_dir.readonly.advice")
        )
    try:
        with tempfile.NamedTemporaryFile(dir=target, prefix=".doctor-", delete=True) as probe:
            probe.write(b"x")
            probe.flush()
    except OSError as exc:
        if no_space_left(target):  # full, not forbidden: the advice is to free space, not to change owners
            return Check(
                "data_dir", FAILED, M.tr("doctor.data_dir.full", path=str(target)), M.tr("doctor.space.full.advice")
            )
        return Check(
            "data_dir",
            FAILED,
            M.tr("doctor.data_dir.readonly", path=str(target), reason=os_reason(exc)),
            M.tr("doctor.data_dir.readonly.advice"),
        )
    if not path.exists():
        return Check("data_dir", OK, M.tr("doctor.data_dir.new", path=str(path)))
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name != "nt" and mode & 0o077:
        return Check(
            "data_dir",
            WARNING,
            M.tr("doctor.data_dir.open", path=str(path), mode=f"{mode:o}"),
            M.tr("doctor.data_dir.open.advice", path=str(path)),
        )
    return Check("data_dir", OK, M.tr("doctor.data_dir.ok", path=str(path)))


def human_size(size: float) -> str:
    for unit in ("o", "Ko", "Mo", "Go") if i18n.language() == "fr" else ("B", "KB", "MB", "GB"):
        if size < 1024 or unit in ("Go", "GB"):
            return f"{size:.0f} {unit}" if unit in ("o", "B") else f"{i18n.decimal_words(size)} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def free_space(path: Path, usage: Callable[[Path], Any] = shutil.disk_usage) -> Check:
    """Free space on the disk holding the data folder (``usage`` returns an object with ``.free``)."""
    free = int(usage(existing_ancestor(path)).free)
    words = human_size(free)
    if free < FULL_SPACE:
        return Check("free_space", FAILED, M.tr("doctor.space.full", free=words), M.tr("doctor.space.full.advice"))
    if free < LOW_SPACE:
        return Check("free_space", WARNING, M.tr("doctor.space.low", free=words), M.tr("doctor.space.low.advice"))
    return Check("free_space", OK, M.tr("doctor.space.ok", free=words))


# -- database -----------------------------------------------------------------------------------------


#: What SQLite answers (its extended codes begin so) of a file it read and found damaged, not of one it
#: could not open.
_DAMAGE = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


def database(root: Path) -> Check:
    """SQLite's own integrity check of the database, opened read-only (no key needed, nothing written)."""
    path = root / DB_FILE
    if not path.exists():
        return Check("database", OK, M.tr("doctor.db.new"))
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        try:
            # Not quick_check: SQLite 3.40's reports false NULLs in WITHOUT ROWID tables (search_tokens).
            result = [row[0] for row in conn.execute("PRAGMA integrity_check(20)").fetchall()]
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            cases = int(conn.execute("SELECT count(*) FROM cases").fetchone()[0]) if version else 0
        finally:
            conn.close()
    except sqlite3.Error as exc:
        text = str(exc)
        if "locked" in text or "busy" in text:
            return Check("database", WARNING, M.tr("doctor.db.busy", reason=text), M.tr("doctor.db.busy.advice"))
        if no_space_left(root):
            # Not damaged: SQLite cannot make the small file it reads with. Restoring a backup, the
            # advice for a damaged base, would put older data in place of this.
            return Check("database", FAILED, M.tr("doctor.db.disk_full"), M.tr("doctor.space.full.advice"))
        if not os.access(root, os.W_OK) and not str(getattr(exc, "sqlite_errorname", "")).startswith(_DAMAGE):
            # Not damaged either: SQLite cannot make the file it reads a WAL database with in a folder it
            # cannot write to (a read-only mount, another account's folder). A file it read as no database,
            # or as malformed, is damaged all the same.
            return Check(
                "database",
                FAILED,
                M.tr("doctor.db.read_only", path=str(root)),
                M.tr("doctor.data_dir.readonly.advice"),
            )
        return Check("database", FAILED, M.tr("doctor.db.corrupt", reason=text), M.tr("doctor.db.corrupt.advice"))
    if result != ["ok"]:
        return Check(
            "database",
            FAILED,
            M.tr("doctor.db.corrupt", reason="; ".join(result[:3])),
            M.tr("doctor.db.corrupt.advice"),
        )
    if version > len(MIGRATIONS):
        return Check("database", FAILED, M.tr("doctor.db.too_new", version=version), M.tr("doctor.db.too_new.advice"))
    return Check("database", OK, M.tr("doctor.db.ok", version=version, cases=M.counted("cases", cases)))


def cases(total: int, not_opening: Sequence[str]) -> Check:
    """Whether every one of the ``total`` cases opens (decrypts): ``not_opening``, the ids of those that do not
    (app.case_check), which SQLite's integrity check cannot see."""
    if not not_opening:
        return Check("cases", OK, M.tr("doctor.cases.ok", cases=M.counted("cases", total)))
    ids = ", ".join(case_id[:8] for case_id in not_opening)
    return Check(
        "cases",
        FAILED,
        M.tr_count("doctor.cases.altered", len(not_opening), count=len(not_opening), total=total, ids=ids),
        M.tr("doctor.cases.altered.advice"),
    )


def cases_not_opened(reason: str) -> Check:
    """The cases could not be opened at all: the data key is not to be had here (no passphrase given)."""
    return Check("cases", WARNING, M.tr("doctor.cases.locked", reason=reason), M.tr("doctor.cases.locked.advice"))


def backup(settings: dict[str, Any], now: datetime, data_folder: Path | None = None) -> Check:
    """Whether the scheduled backup runs (app/backup.py): a folder chosen and there, outside the data folder
    ``data_folder`` (where no backup is written), and a backup made within twice the interval. From the
    settings stored in clear (:func:`plain_settings`)."""
    from datetime import timedelta

    from app.i18n import moment_words

    folder = str(settings.get("backup.folder") or "")
    hours = settings.get("backup.every_hours", 24)
    if not folder:
        return Check("backup", WARNING, M.tr("doctor.backup.none"), M.tr("doctor.backup.none.advice"))
    if not isinstance(hours, int) or hours <= 0:
        return Check("backup", WARNING, M.tr("doctor.backup.off"), M.tr("doctor.backup.off.advice"))
    if data_folder is not None:
        from app.setting_checks import inside_folder

        if inside_folder(Path(folder), data_folder):
            return Check(
                "backup", WARNING, M.tr("doctor.backup.inside", path=folder), M.tr("doctor.backup.inside.advice")
            )
    if not Path(folder).is_dir():
        return Check(
            "backup", WARNING, M.tr("doctor.backup.missing", path=folder), M.tr("doctor.backup.missing.advice")
        )
    if not os.access(folder, os.W_OK):  # every backup would fail there
        return Check(
            "backup", WARNING, M.tr("doctor.backup.readonly", path=folder), M.tr("doctor.backup.readonly.advice")
        )
    from app.backup import drive_gone

    gone = drive_gone(settings.get("state.backup.mount"), Path(folder))
    if gone is not None:  # the scheduled backup refuses there (found from outside: said « OK », or « supprimée »)
        return Check(
            "backup",
            WARNING,
            M.tr("doctor.backup.unplugged", mount=str(gone), path=folder),
            M.tr("doctor.backup.unplugged.advice"),
        )
    last_text = settings.get("state.backup.last")
    try:
        last = datetime.fromisoformat(str(last_text)) if last_text else None
    except ValueError:
        last = None
    if last is None:
        return Check("backup", OK, M.tr("doctor.backup.first", path=folder))
    when = moment_words(last.isoformat(), i18n.language())
    last_file = str(settings.get("state.backup.file") or "")
    if last_file and not Path(last_file).exists():  # the date alone said « OK » for a backup deleted since
        return Check(
            "backup", WARNING, M.tr("doctor.backup.gone", when=when, file=last_file), M.tr("doctor.backup.gone.advice")
        )
    if now - last > timedelta(hours=2 * hours):
        return Check(
            "backup",
            WARNING,
            M.tr("doctor.backup.late", when=when, path=folder),
            M.tr("doctor.backup.late.advice"),
        )
    future = _future_backups(Path(folder), now)
    if future:
        return Check(
            "backup",
            WARNING,
            M.tr_count(
                "doctor.backup.future",
                len(future),
                n=len(future),
                names=", ".join(future[:-4:-1]) + (", …" if len(future) > 3 else ""),
            ),
            M.tr("doctor.backup.future.advice"),
        )
    ok = M.tr("doctor.backup.ok", when=when, path=folder)
    # Files from before the names carried the workstation's id, not proven its own (app/backup.py).
    listed = settings.get("state.backup.unproven")
    unproven = [p for p in listed if Path(str(p)).exists()] if isinstance(listed, list) else []
    if unproven:
        ok += " " + M.tr_count("doctor.backup.unproven", len(unproven), n=len(unproven))
    return Check("backup", OK, ok)


#: A scheduled backup's name dated this far past now was written under a wrong clock.
FUTURE_BACKUP = 3600


def _future_backups(folder: Path, now: datetime) -> list[str]:
    """The scheduled backups in ``folder`` whose name is dated in the future, oldest first."""
    from datetime import timedelta

    from app.backup import scheduled_moment

    try:
        names = sorted(entry.name for entry in os.scandir(folder))
    except OSError:
        return []
    later = now + timedelta(seconds=FUTURE_BACKUP)
    return [name for name in names if (moment := scheduled_moment(name)) is not None and moment > later]


def plain_settings(root: Path) -> dict[str, Any]:
    """The settings stored in clear (platform address, CA bundle, proxy…), read without the data key."""
    import json

    path = root / DB_FILE
    if not path.exists():
        return {}
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        try:
            rows = conn.execute("SELECT key, value FROM settings WHERE encrypted = 0").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:
        return {}
    values: dict[str, Any] = {}
    for key, raw in rows:
        try:
            values[str(key)] = json.loads(raw)
        except (TypeError, ValueError):
            continue
    return values


# -- platform, TLS, clock -----------------------------------------------------------------------------

Outcome = Literal[
    "ok", "sign_in", "unreachable", "timeout", "tls", "not_fhir", "cut", "ca_missing", "not_configured", "proxy"
]


@dataclass(frozen=True)
class PlatformProbe:
    """The answer to one ``GET metadata``: how it ended, in words, and the platform's ``Date`` header."""

    url: str
    outcome: Outcome
    detail: str = ""
    date_header: str | None = None
    ca_bundle: str = ""
    received_at: datetime = field(default_factory=utc_now)
    # A sign-in refused that no one signs in to again (a fixed token, an OAuth client's credentials): what the
    # platform refuses and who gives it again, the sync's own words (sync.auth.refused_words); empty for
    # Pro Santé Connect, a sign-in of the user's.
    refused: str = ""
    refused_advice: str = ""
    # An access token not taken beside a refresh token saved: the sync asks for a new one with it, which the
    # probe does not (the platform may give a new refresh token for it, which the doctor, writing nothing,
    # would lose). Nothing is said refused: the refresh token was never shown to the platform.
    renewed_by_sync: bool = False
    # The access token could not be renewed because of the sign-in address itself (it redirects, or is no
    # https: the secret was not sent; or it does not answer): the sync's words for it, nothing refused; and
    # that address (``platform.token_url``).
    sign_in_fault: str = ""
    sign_in_url: str = ""


def platform(probe: PlatformProbe | None) -> Check:
    """Reachability of the configured platform (``None``: none configured, training mode)."""
    if probe is None:
        return Check("platform", OK, M.tr("doctor.platform.training"), M.tr("doctor.platform.training.advice"))
    url, reason = probe.url, probe.detail
    if probe.outcome == "not_configured":
        return Check(
            "platform", FAILED, M.tr("doctor.platform.not_configured"), M.tr("doctor.platform.not_configured.advice")
        )
    if probe.outcome == "proxy":
        return Check("platform", FAILED, M.tr("doctor.platform.proxy", url=url), M.tr("doctor.platform.proxy.advice"))
    if probe.outcome == "ok":
        return Check("platform", OK, M.tr("doctor.platform.ok", url=url, software=reason or "FHIR"))
    if probe.outcome == "sign_in" and probe.renewed_by_sync:
        return Check("platform", OK, M.tr("doctor.platform.renewed_by_sync", url=url))
    if probe.sign_in_fault:
        # A sign-in address that does not answer keeps the cases here as an unreachable platform does: a failure;
        # one that redirects, or is no https, a warning, as the other sign-in faults.
        return Check(
            "platform",
            WARNING if probe.outcome == "sign_in" else FAILED,
            M.tr("doctor.platform.sign_in_fault", url=url, token_url=probe.sign_in_url),
            probe.sign_in_fault,
        )
    if probe.outcome == "sign_in" and probe.refused:
        return Check(
            "platform", WARNING, M.tr("doctor.platform.refused", url=url, what=probe.refused), probe.refused_advice
        )
    if probe.outcome == "sign_in":
        return Check(
            "platform", WARNING, M.tr("doctor.platform.sign_in", url=url), M.tr("doctor.platform.sign_in.advice")
        )
    if probe.outcome == "not_fhir":
        return Check(
            "platform",
            FAILED,
            M.tr("doctor.platform.not_fhir", url=url, reason=reason.rstrip("."))
            if reason
            else M.tr("doctor.platform.not_fhir.bare", url=url),
            M.tr("doctor.platform.not_fhir.advice"),
        )
    if probe.outcome == "cut":
        return Check(
            "platform", FAILED, M.tr("doctor.platform.cut", url=url, reason=reason), M.tr("doctor.platform.cut.advice")
        )
    if probe.outcome == "timeout":
        return Check(
            "platform", FAILED, M.tr("doctor.platform.timeout", url=url), M.tr("doctor.platform.unreachable.advice")
        )
    if probe.outcome in ("tls", "ca_missing"):
        # Reached, but the conversation was refused: the TLS check says why.
        return Check(
            "platform",
            FAILED,
            M.tr("doctor.platform.unreachable", url=url, reason=M.tr("doctor.title.tls")),
            M.tr("doctor.tls.failed.advice"),
        )
    words = _reason_words(reason)
    return Check(
        "platform",
        FAILED,
        M.tr("doctor.platform.unreachable.said", url=url, words=words, reason=reason)
        if words
        else M.tr("doctor.platform.unreachable", url=url, reason=reason),
        M.tr("doctor.platform.unreachable.advice"),
    )


#: The system's words of a connection that failed (sync.client.short_reason), said in the user's.
_REASON_WORDS = (
    ("connection refused", "doctor.reason.refused"),
    ("name or service not known", "doctor.reason.no_name"),
    ("temporary failure in name resolution", "doctor.reason.no_name"),
    ("no address associated with hostname", "doctor.reason.no_name"),
    ("nodename nor servname", "doctor.reason.no_name"),
    ("network is unreachable", "doctor.reason.no_network"),
    ("no route to host", "doctor.reason.no_route"),
)


def _reason_words(reason: str) -> str:
    """``reason`` in words (« connexion refusée »), empty when it is not one known."""
    lowered = reason.lower()
    return next((M.tr(key) for said, key in _REASON_WORDS if said in lowered), "")


def tls(probe: PlatformProbe | None) -> Check:
    """Whether the platform's certificate was verified (with the site's CA bundle when one is set)."""
    if probe is None:
        return Check("tls", OK, M.tr("doctor.tls.training"))
    if probe.outcome == "not_configured":
        return Check("tls", WARNING, M.tr("doctor.tls.untested"))
    if probe.outcome == "ca_missing":
        return Check(
            "tls", FAILED, M.tr("doctor.tls.ca_missing", path=probe.ca_bundle), M.tr("doctor.tls.ca_missing.advice")
        )
    if probe.outcome == "tls":
        return Check("tls", FAILED, M.tr("doctor.tls.failed", reason=probe.detail), M.tr("doctor.tls.failed.advice"))
    if not probe.url.lower().startswith("https://"):
        host = probe.url.split("//", 1)[-1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
        if host in ("127.0.0.1", "localhost", "::1"):
            return Check("tls", OK, M.tr("doctor.tls.local"))
        return Check("tls", WARNING, M.tr("doctor.tls.plain"), M.tr("doctor.tls.plain.advice"))
    if probe.outcome in ("unreachable", "timeout", "proxy", "cut"):
        return Check("tls", WARNING, M.tr("doctor.tls.untested"))
    ca = M.tr("doctor.tls.ca", path=probe.ca_bundle) if probe.ca_bundle else ""
    return Check("tls", OK, M.tr("doctor.tls.ok", ca=ca))


def clock_skew(date_header: str | None, now: datetime) -> float | None:
    """Seconds this computer's clock is ahead (positive) or behind the ``Date`` header; None if absent."""
    if not date_header:
        return None
    moment = email.utils.parsedate_to_datetime(date_header)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (now - moment).total_seconds()


def _duration(seconds: float) -> str:
    seconds = abs(seconds)
    if seconds < 90:
        return f"{seconds:.0f} s"
    return f"{seconds / 60:.0f} min"


def clock(date_header: str | None, now: datetime) -> Check:
    """The clock check: this computer's time against the platform's ``Date`` header."""
    try:
        skew = clock_skew(date_header, now)
    except (TypeError, ValueError):
        return Check("clock", WARNING, M.tr("doctor.clock.bad_header", value=date_header))
    if skew is None:
        return Check("clock", OK, M.tr("doctor.clock.untested"))
    # The Date header has a one-second resolution and the answer took a moment to arrive.
    if abs(skew) <= CLOCK_WARNING_S:
        return Check("clock", OK, M.tr("doctor.clock.ok", skew=_duration(skew)))
    direction = M.tr("doctor.clock.ahead" if skew > 0 else "doctor.clock.behind")
    status: Status = FAILED if abs(skew) > CLOCK_FAILED_S else WARNING
    return Check(
        "clock",
        status,
        M.tr("doctor.clock.off", direction=direction, skew=_duration(skew)),
        M.tr("doctor.clock.off.advice"),
    )


# -- the whole diagnosis ------------------------------------------------------------------------------


def failed(checks: Sequence[Check]) -> bool:
    return any(c.status == FAILED for c in checks)


def exit_code(checks: Sequence[Check]) -> int:
    """0 when nothing failed (warnings allowed), 1 otherwise (docs/cli.md)."""
    return 1 if failed(checks) else 0


def summary(checks: Sequence[Check]) -> str:
    failures = sum(c.status == FAILED for c in checks)
    warnings = sum(c.status == WARNING for c in checks)
    if failures:
        return M.tr_count("doctor.summary.failed", failures, n=failures)
    if warnings:
        return M.tr_count("doctor.summary.warnings", warnings, n=warnings)
    return M.tr("doctor.summary.ok")


def render_text(checks: Sequence[Check]) -> str:
    """The diagnosis as plain text, one block per check (the CLI and the window show this)."""
    lines: list[str] = []
    for check in checks:
        lines.append(f"[{M.tr(f'doctor.status.{check.status}')}] {check.title} — {check.detail}")
        if check.advice and check.status != OK:
            lines.append(f"    {M.tr('doctor.advice', advice=check.advice)}")
    lines.append("")
    lines.append(summary(checks))
    return "\n".join(lines)


def as_json(checks: Sequence[Check]) -> dict[str, Any]:
    return {"ok": not failed(checks), "summary": summary(checks), "checks": [c.as_json() for c in checks]}
