"""The case record from the command line: ``case export``, ``backup``, ``restore``,
``retention run``, ``audit list`` and ``audit export``."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path
from typing import Any

from app import messages as M
from app.commands.common import emit_json, export_target, local_minute, open_store, say, say_replaced
from app.errors import DataLocked, TeleavisError, UsageError
from app.fsutil import disk_full, file_too_large, os_reason
from app.i18n import decimal_words
from app.keystore import PASSPHRASE_ENV, passphrase_from_env_or_terminal
from app.paths import data_dir

M.add(
    {
        "record.export_help": {
            "fr": "le rapport PDF du dossier (demande, images, réponse)",
            "en": "the case report as PDF (request, images, answer)",
        },
        "record.pdf_help": {"fr": "le fichier PDF à écrire", "en": "the PDF file to write"},
        "record.backup_file_help": {
            "fr": "le fichier de sauvegarde à écrire (un nouveau : un fichier déjà là n'est jamais remplacé), ou un "
            "dossier : un nouveau fichier daté y est écrit à chaque fois (pour une sauvegarde programmée)",
            "en": "the backup file to write (a new one: a file already there is never replaced), or a folder: a new "
            "dated file is written in it each time (for a scheduled backup)",
        },
        "record.restore_file_help": {"fr": "le fichier de sauvegarde à restaurer", "en": "the backup file to restore"},
        "record.force_help": {
            "fr": "restaure même si ce poste a des données plus récentes que la sauvegarde (sans le demander)",
            "en": "restores even if this workstation has data newer than the backup (without asking)",
        },
        "record.from_help": {"fr": "à partir de ce jour", "en": "from this day"},
        "record.to_help": {"fr": "jusqu'à ce jour inclus", "en": "up to this day included"},
        "record.csv_help": {"fr": "le fichier CSV à écrire", "en": "the CSV file to write"},
        "record.lang_help": {
            "fr": "la langue du rapport (par défaut, celle de Teleavis)",
            "en": "the report's language (by default, Teleavis's)",
        },
        "record.backup_help": {
            "fr": "sauvegarde chiffrée de toutes les données dans un fichier",
            "en": "encrypted backup of all the data into one file",
        },
        "record.restore_help": {
            "fr": "restaure une sauvegarde (avec la phrase secrète)",
            "en": "restore a backup (with the passphrase)",
        },
        "record.retention_run_help": {
            "fr": "archive les dossiers clos et purge les archives arrivées au terme de leur conservation",
            "en": "archives closed cases and purges archives whose retention period has ended",
        },
        "record.dry_run_help": {
            "fr": "dit ce qui serait fait, sans rien faire",
            "en": "says what it would do, doing nothing",
        },
        "record.audit_list_help": {"fr": "les entrées du journal d'audit", "en": "the audit trail's entries"},
        "record.audit_export_help": {
            "fr": "les entrées du journal d'audit dans un fichier CSV",
            "en": "the audit trail's entries in a CSV file",
        },
        "record.retention_help": {
            "fr": "archivage et purge selon la durée de conservation",
            "en": "archiving and purging by the retention period",
        },
        # {cases}, {blobs}, {entries}, {archived}, {purged}: counted in words (app.messages.counted).
        "record.report_missing": {
            "fr": "Attention : {count} images introuvables, signalées dans le rapport.",
            "en": "Warning: {count} images missing, marked as such in the report.",
        },
        "record.report_missing.one": {
            "fr": "Attention : {count} image introuvable, signalée dans le rapport.",
            "en": "Warning: {count} image missing, marked as such in the report.",
        },
        "record.backup_done": {
            "fr": "Sauvegarde écrite : {path} ({cases}, {blobs}, {mb} Mo).",
            "en": "Backup written: {path} ({cases}, {blobs}, {mb} MB).",
        },
        "record.backup_exists": {
            "fr": "{path} existe déjà : rien n'a été écrit, il est gardé tel quel (ce peut être la seule sauvegarde "
            "d'un autre poste). Donnez un nouveau nom de fichier, par exemple avec la date, ou un dossier (un "
            "nouveau fichier daté y est écrit à chaque fois), ou supprimez d'abord l'ancien si vous êtes sûr de "
            "ne plus en avoir besoin.",
            "en": "{path} already exists: nothing was written, it is kept as it is (it may be another workstation's "
            "only backup). Give a new file name, with the date for instance, or a folder (a new dated file is "
            "written in it each time), or delete the old one first if you are sure it is no longer needed.",
        },
        "record.keep_help": {
            "fr": "avec un DOSSIER : n'y garder que les N dernières sauvegardes que cette commande y a écrites "
            "depuis ces données (les plus anciennes sont retirées une fois la nouvelle écrite ; les autres "
            "fichiers du dossier ne sont jamais touchés)",
            "en": "with a FOLDER: keep there only the last N backups this command wrote into it from this data "
            "(the older ones are removed once the new one is written; the folder's other files are never "
            "touched)",
        },
        "record.keep_number": {
            "fr": "« {value} » : --keep attend un nombre de sauvegardes à garder, 1 ou plus (par exemple 14)",
            "en": "“{value}”: --keep takes a number of backups to keep, 1 or more (for example 14)",
        },
        "record.keep_needs_folder": {
            "fr": "--keep ne vaut que pour un dossier de sauvegarde (teleavis backup DOSSIER/ --keep N) : "
            "« {path} » n'est pas un dossier. Rien n'a été écrit.",
            "en": "--keep is only for a backup folder (teleavis backup FOLDER/ --keep N): “{path}” is not a "
            "folder. Nothing was written.",
        },
        "record.backups_removed": {
            "fr": "{count} anciennes sauvegardes retirées de ce dossier ({kept}).",
            "en": "{count} older backups removed from this folder ({kept}).",
        },
        "record.backups_removed.one": {
            "fr": "{count} ancienne sauvegarde retirée de ce dossier ({kept}).",
            "en": "{count} older backup removed from this folder ({kept}).",
        },
        "record.backup_not_removed": {
            "fr": "Une ancienne sauvegarde n'a pas pu être retirée : {path} ({reason}). Elle sera retentée la "
            "prochaine fois.",
            "en": "An older backup could not be removed: {path} ({reason}). It will be tried again next time.",
        },
        "record.folder_full": {
            "fr": "Les sauvegardes déjà dans « {folder} » sont intactes. Libérez de la place : retirez les plus "
            "anciennes, ou faites garder seulement les dernières à la commande, par exemple : "
            "teleavis backup {folder}/ --keep 14",
            "en": "The backups already in “{folder}” are intact. Free some space: remove the oldest, or have the "
            "command keep only the last ones, for example: teleavis backup {folder}/ --keep 14",
        },
        "record.folder_file_limit": {
            "fr": "Les sauvegardes déjà dans « {folder} » sont intactes : gardez-les, en retirer ne changerait "
            "rien (la place ne manque pas, c'est la taille d'un fichier qui est limitée sur ce disque).",
            "en": "The backups already in “{folder}” are intact: keep them, removing some would change nothing "
            "(room is not what is missing: this drive limits the size of one file).",
        },
        "record.backup_not_opening": {
            "fr": "Attention : le dossier {id} ne s'ouvre plus (données abîmées ou modifiées hors de Teleavis). "
            "Cette sauvegarde le contient tel quel : restauré, il ne s'ouvrira pas davantage. Gardez les "
            "sauvegardes plus anciennes (l'une d'elles peut le contenir intact) et appelez le support.",
            "en": "Warning: case {id} no longer opens (data damaged or changed outside Teleavis). This backup holds "
            "it as it is: restored, it will not open either. Keep the older backups (one of them may hold it "
            "whole) and call the support.",
        },
        "record.backup_kept_whole": {
            "fr": "Gardée au-delà de --keep : {path}, la dernière sauvegarde où le dossier {id} s'ouvrait encore.",
            "en": "Kept beyond --keep: {path}, the last backup in which case {id} still opened.",
        },
        "record.backup_kept_maybe_whole": {
            "fr": "Gardée au-delà de --keep : {path}, écrite par une version antérieure de Teleavis : elle contient "
            "peut-être le dossier {id} intact.",
            "en": "Kept beyond --keep: {path}, written by an earlier release of Teleavis: it may hold case {id} whole.",
        },
        "record.backup_missing": {
            "fr": "Attention : {count} fichiers déjà absents du disque n'ont pas pu être sauvegardés.",
            "en": "Warning: {count} files already missing from the disk could not be backed up.",
        },
        "record.backup_missing.one": {
            "fr": "Attention : {count} fichier déjà absent du disque n'a pas pu être sauvegardé.",
            "en": "Warning: {count} file already missing from the disk could not be backed up.",
        },
        "record.restore_ask": {
            "fr": "Ce poste a des données plus récentes que la sauvegarde ({cases}, {entries}) : elles seront "
            "remplacées, et gardées à part à côté du dossier des données. Remplacer quand même ? [o/N] ",
            "en": "This computer has data newer than the backup ({cases}, {entries}): it will be replaced, and "
            "kept apart beside the data folder. Replace anyway? [y/N] ",
        },
        "record.restored_kept": {
            "fr": "Les données remplacées ({cases}, {entries} plus récents que la sauvegarde) ne sont pas effacées : "
            "elles sont gardées telles quelles, chiffrées, dans « {kept} ». Pour les retrouver : fermez Teleavis, "
            "renommez « {home} » (par exemple en « {home}.restauree »), puis renommez « {kept} » en « {home} ».",
            "en": "The data replaced ({cases}, {entries} newer than the backup) is not erased: it is kept as it "
            "was, encrypted, in “{kept}”. To get it back: close Teleavis, rename “{home}” (for example to "
            "“{home}.restored”), then rename “{kept}” to “{home}”.",
        },
        "record.restored": {
            "fr": "Sauvegarde du {created} restaurée : {cases}, {blobs}.",
            "en": "Backup of {created} restored: {cases}, {blobs}.",
        },
        "record.restored_passphrase": {
            "fr": "Les données s'ouvrent maintenant avec la phrase secrète de la sauvegarde (celle donnée pour la "
            "restaurer), plus avec celle choisie depuis. Si l'ancienne a pu être connue de quelqu'un d'autre, "
            "changez-la : teleavis passphrase change --rotate-key.",
            "en": "The data now opens with the backup's passphrase (the one given to restore it), no longer with the "
            "one chosen since. If the old one may have been known to someone else, change it: teleavis passphrase "
            "change --rotate-key.",
        },
        "record.restored_audit": {
            "fr": "Attention : le journal d'audit de cette sauvegarde est altéré (voyez « teleavis audit verify »).",
            "en": "Warning: the audit trail of this backup has been tampered with (see “teleavis audit verify”).",
        },
        "record.retention": {"fr": "{archived}, {purged}.", "en": "{archived}, {purged}."},
        "record.retention_dry": {
            "fr": "Simulation : {archived}, {purged}. Rien n'a été modifié.",
            "en": "Dry run: {archived}, {purged}. Nothing was changed.",
        },
        "record.audit_exported": {
            "fr": "Journal d'audit exporté : {path} ({rows} entrées, chaîne vérifiée).",
            "en": "Audit trail exported: {path} ({rows} entries, chain verified).",
        },
        "record.audit_exported.one": {
            "fr": "Journal d'audit exporté : {path} ({rows} entrée, chaîne vérifiée).",
            "en": "Audit trail exported: {path} ({rows} entry, chain verified).",
        },
        "record.bad_date": {
            "fr": "Date invalide « {value} » : écrivez AAAA-MM-JJ.",
            "en": "Invalid date “{value}”: write YYYY-MM-DD.",
        },
        "record.bad_period": {
            "fr": "La période est à l'envers : --from est après --to.",
            "en": "The period is backwards: --from is after --to.",
        },
    }
)


def _subparsers(parser: argparse.ArgumentParser) -> Any:
    """The sub-command set of an existing command (``case``, ``audit``) to add ours to."""
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action
    raise LookupError(f"{parser.prog} has no sub-commands")


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(M.tr("record.bad_date", value=value)) from exc


def register(sub: Any) -> None:
    export = _subparsers(sub.choices["case"]).add_parser(
        "export", help=M.tr("record.export_help"), description=M.tr("record.export_help")
    )
    export.add_argument("id", help=M.tr("cli.id_help"))
    export.add_argument("--pdf", type=Path, required=True, metavar="FILE", help=M.tr("record.pdf_help"))
    export.add_argument("--lang", choices=("fr", "en"), default=None, help=M.tr("record.lang_help"))
    export.set_defaults(handler=run_export)

    backup = sub.add_parser("backup", help=M.tr("record.backup_help"))
    backup.add_argument("file", metavar="FILE_OR_FOLDER", help=M.tr("record.backup_file_help"))
    backup.add_argument("--keep", type=_how_many, metavar="N", help=M.tr("record.keep_help"))
    backup.set_defaults(handler=run_backup)

    restore = sub.add_parser("restore", help=M.tr("record.restore_help"))
    restore.add_argument("file", type=Path, help=M.tr("record.restore_file_help"))
    restore.add_argument("--force", action="store_true", help=M.tr("record.force_help"))
    restore.set_defaults(handler=run_restore)

    retention = sub.add_parser("retention", help=M.tr("record.retention_help"))
    rsub = retention.add_subparsers(dest="action", required=True)
    run = rsub.add_parser("run", help=M.tr("record.retention_run_help"))
    run.add_argument("--dry-run", action="store_true", help=M.tr("record.dry_run_help"))
    run.set_defaults(handler=run_retention)

    asub = _subparsers(sub.choices["audit"])
    for name, handler in (("list", run_audit_list), ("export", run_audit_export)):
        parser = asub.add_parser(name, help=M.tr(f"record.audit_{name}_help"))
        parser.add_argument(
            "--from", dest="start", type=_day, default=None, metavar="YYYY-MM-DD", help=M.tr("record.from_help")
        )
        parser.add_argument(
            "--to", dest="end", type=_day, default=None, metavar="YYYY-MM-DD", help=M.tr("record.to_help")
        )
        if name == "export":
            parser.add_argument("--csv", type=Path, required=True, metavar="FILE", help=M.tr("record.csv_help"))
        else:
            parser.add_argument("--json", action="store_true", help=M.tr("case.json_help"))
        parser.set_defaults(handler=handler)


def run_export(args: argparse.Namespace) -> int:
    from app.report import export_report

    replacing = export_target(args.pdf, "pdf")
    with open_store() as store:
        case_id = store.resolve_id(args.id)
        report = export_report(store, case_id, args.pdf, lang=args.lang)
    say(M.tr_count("report.written", report.pages, id=case_id, path=str(args.pdf), pages=report.pages))
    if replacing:
        say_replaced(args.pdf)
    if report.missing_images:
        say(M.tr_count("record.report_missing", len(report.missing_images), count=len(report.missing_images)))
        return 1
    return 0


def _how_many(text: str) -> int:
    """argparse's type of ``backup --keep N``: a whole number of backups, 1 or more."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(M.tr("record.keep_number", value=text))
    return value


#: The backups ``backup FOLDER`` wrote from this data, oldest first: the only ones its ``--keep`` removes.
_COMMAND_WRITTEN = "state.backup.command_written"
#: The mount point each folder ``backup FOLDER`` wrote into lay on: ``{folder: mount point}`` (a drive unplugged).
_COMMAND_MOUNTS = "state.backup.command_mounts"
#: The most folders whose mount point is remembered (a cron line uses one or two).
_MOUNTS_REMEMBERED = 50


def run_backup(args: argparse.Namespace) -> int:
    from app.backup import (
        BackupError,
        cases_recorded,
        dated_name,
        holding_whole,
        mount_of,
        passphrase_needed,
        unplugged_from,
        write_backup,
    )

    target = Path(args.file)
    into_folder = os.path.isdir(target)  # (not pathlib's: a name too long went through as « Erreur interne »)
    if not into_folder and args.file.endswith(("/", os.sep)):
        # A folder meant (its trailing slash) that is not there, a USB drive not plugged in: not a file of
        # that name beside where it should be mounted.
        raise TeleavisError(M.tr("backup.folder_missing", path=str(target)))
    if args.keep is not None and not into_folder:
        raise UsageError(M.tr("record.keep_needs_folder", path=str(target)))
    if not into_folder and os.path.lexists(target):  # (a rename over it would replace it)
        raise TeleavisError(M.tr("record.backup_exists", path=str(target)))
    removed = 0
    kept_whole: dict[str, list[str]] = {}
    recorded: set[str] = set()
    with open_store() as store:
        mounts = store.settings.get(_COMMAND_MOUNTS) or {}
        folder_key = os.path.abspath(target)
        if into_folder and isinstance(mounts, dict) and unplugged_from(mounts.get(folder_key), target) is not None:
            # The drive's mount point left empty (``/media/usb/``, unplugged): a folder of this computer's own
            # disk, the data's, which a backup there would share its fate with. Said as a drive not plugged in.
            raise TeleavisError(M.tr("backup.folder_missing", path=str(target)))
        passphrase = passphrase_from_env_or_terminal(True) if passphrase_needed(store.data_dir) else None
        if into_folder:  # a new dated file each time (a cron line), never over one already there
            try:
                info = write_backup(store, target / dated_name(store), passphrase=passphrase, new_file=True)
            except BackupError as exc:
                if not disk_full(exc):
                    raise
                # Found from outside: a nightly cron line filled the USB drive. Say what is safe and the way out.
                folder = str(target).rstrip("/" + os.sep) or str(target)
                # A file over what the drive takes for one (FAT32): removing backups is no way out there.
                words = "record.folder_file_limit" if file_too_large(exc) else "record.folder_full"
                raise BackupError(f"{exc.unwritten or exc}\n{M.tr(words, folder=folder)}") from exc
            # Those not found now are kept listed: a drive taken in turn with another at the same place has them
            # (found in review: forgotten on the other drive's nights, they were never removed again).
            written = _remembered([*(store.settings.get(_COMMAND_WRITTEN) or []), os.path.abspath(info.path)])
            store.settings.set(_COMMAND_WRITTEN, written)
            if isinstance(mounts, dict) and (folder_key in mounts or len(mounts) < _MOUNTS_REMEMBERED):
                store.settings.set(_COMMAND_MOUNTS, {**mounts, folder_key: str(mount_of(target))})
            if args.keep is not None:
                # Found in review: --keep removed the older backups, one of which may hold the case whole, while
                # the message below says to keep them; then (note 36) none went while a case did not open, and the
                # drive filled. Pruned, but the newest one in which each such case still opened is kept.
                whole = holding_whole(store.settings, store.conn, written[:-1], info.not_opening)
                written, removed, spared = _keep_last(target, written, args.keep, set(whole))
                store.settings.set(_COMMAND_WRITTEN, written)
                # Said of those this --keep would have removed only (found in review: also of one among the last N,
                # and of one on another drive, which it never touches).
                kept_whole = {path: whole[path] for path in spared}
                recorded = {path for path in spared if cases_recorded(store.settings, path)}
        else:
            info = write_backup(store, target, passphrase=passphrase)
    print(info.path)  # for a script: which file was written
    say(
        M.tr(
            "record.backup_done",
            path=str(info.path),
            cases=M.counted("cases", info.cases),
            blobs=M.counted("files", info.blobs),
            mb=decimal_words(info.size / 1e6),
        )
    )
    if removed:
        say(M.tr_count("record.backups_removed", removed, count=removed, kept=M.counted("kept", args.keep)))
    if info.missing_blobs:
        say(M.tr_count("record.backup_missing", info.missing_blobs, count=info.missing_blobs))
    for case_id in info.not_opening:
        say(M.tr("record.backup_not_opening", id=case_id[:8]))
    for path, ids in kept_whole.items():
        words = "record.backup_kept_whole" if path in recorded else "record.backup_kept_maybe_whole"
        for case_id in ids:
            say(M.tr(words, path=path, id=case_id[:8]))
    return 0


#: How many written backups are remembered at most: the oldest of those no longer found are forgotten first.
_REMEMBERED = 1000


def _remembered(written: list[str]) -> list[str]:
    """``written`` (oldest first) less its oldest backups not found now, down to ``_REMEMBERED`` if it can, each
    path once, where it was last written: two drives taken in turn within a second get backups of the same name,
    and the name listed twice counted one file twice there, so a first prune removed the newer one and forgot
    both (found by the test of two drives, run fast)."""
    written = list(reversed(dict.fromkeys(reversed(written))))
    extra = len(written) - _REMEMBERED
    kept = []
    for path in written:
        if extra > 0 and not Path(path).exists():
            extra -= 1
            continue
        kept.append(path)
    return kept


def _keep_last(folder: Path, written: list[str], keep: int, whole: set[str]) -> tuple[list[str], int, list[str]]:
    """Remove the backups ``backup FOLDER`` wrote into ``folder`` (``written``, oldest first, the last one just
    written) beyond the last ``keep`` there now. Only those: what else is in the folder (another workstation's
    backups, the scheduled ones, a person's files) is never touched, and those not found there now (on another
    drive taken in turn at the same place) are neither counted nor forgotten. Returns what stays listed, how
    many went, and those of ``whole`` kept that would have gone."""
    here = [p for p in written if Path(p).parent.resolve() == folder.resolve() and Path(p).exists()]
    gone = set()
    spared = []
    for path in here[: max(len(here) - keep, 0)]:
        if path in whole:  # the last one holding whole a case that no longer opens (``holding_whole``)
            spared.append(path)
            continue
        try:
            Path(path).unlink()
            gone.add(path)
        except FileNotFoundError:
            gone.add(path)
        except OSError as exc:
            say(M.tr("record.backup_not_removed", path=path, reason=os_reason(exc)))
    return [p for p in written if p not in gone], len(gone), spared


def run_restore(args: argparse.Namespace) -> int:
    from app.backup import Newer, restore_backup

    passphrase = passphrase_from_env_or_terminal(False)
    if not passphrase:
        raise DataLocked(M.tr("key.need_passphrase", env=PASSPHRASE_ENV))

    def confirm(newer: Newer) -> bool:
        if not sys.stdin.isatty():
            return False
        question = M.tr(
            "record.restore_ask",
            cases=M.counted("cases", newer.cases),
            entries=M.counted("audit-entries", newer.audit_entries),
        )
        return input(question).strip().lower()[:1] in ("o", "y")

    info = restore_backup(args.file, data_dir(), passphrase, force=args.force, confirm=confirm)
    say(
        M.tr(
            "record.restored",
            created=local_minute(info.created),
            cases=M.counted("cases", info.cases),
            blobs=M.counted("files", info.blobs),
        )
    )
    if info.kept is not None and info.newer is not None:
        say(
            M.tr(
                "record.restored_kept",
                cases=M.counted("cases", info.newer.cases),
                entries=M.counted("audit-entries", info.newer.audit_entries),
                kept=str(info.kept),
                home=str(data_dir()),
            )
        )
    if info.passphrase_back:
        say(M.tr("record.restored_passphrase"))
    if not info.audit_ok:
        say(M.tr("record.restored_audit"))
    return 0


def run_retention(args: argparse.Namespace) -> int:
    from app.retention import run_retention as run
    from sync.training import forget_purged

    with open_store() as store:
        result = run(store, dry_run=args.dry_run)
        if not args.dry_run:
            # The training sandbox's copy of a purged case goes too (and any a crash left behind).
            forget_purged(store)
    lines = [f"archived {case_id}" for case_id in result.archived]
    lines += [f"purged {case_id}" for case_id in result.purged]
    if lines:
        print("\n".join(lines))
    archived, purged = len(result.archived), len(result.purged)
    if args.dry_run:
        words = {"archived": M.counted("would-archive", archived), "purged": M.counted("would-purge", purged)}
        say(M.tr("record.retention_dry", **words))
    else:
        words = {"archived": M.counted("cases-archived", archived), "purged": M.counted("cases-purged", purged)}
        say(M.tr("record.retention", **words))
    return 0


def _period(args: argparse.Namespace) -> tuple[date | None, date | None]:
    if args.start and args.end and args.start > args.end:
        raise UsageError(M.tr("record.bad_period"))
    return args.start, args.end


def run_audit_list(args: argparse.Namespace) -> int:
    from app.audit_export import audit_rows

    start, end = _period(args)
    with open_store() as store:
        rows = audit_rows(store, start, end)
    if args.json:
        emit_json(
            [
                {
                    "seq": r.seq,
                    "at": r.at,
                    "actor": r.actor,
                    "action": r.action,
                    "case_id": r.case_id,
                    "detail": r.detail,
                }
                for r in rows
            ]
        )
        return 0
    if rows:
        print(
            "\n".join(
                f"{r.seq:>6}  {r.at}  {r.actor:<12}  {r.action:<9}  {r.case_id or '-':<36}  {r.detail}" for r in rows
            )
        )
    return 0


def run_audit_export(args: argparse.Namespace) -> int:
    from app.audit_export import export_csv

    start, end = _period(args)
    replacing = export_target(args.csv, "audit")
    with open_store() as store:
        result = export_csv(store, args.csv, start, end)
    say(M.tr_count("record.audit_exported", result.rows, path=str(result.path), rows=result.rows))
    if replacing:
        say_replaced(args.csv)
    return 0
