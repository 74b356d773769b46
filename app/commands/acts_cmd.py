"""``acts export``: the requester's tele-expertise acts (RQD) of a year, for the billing software."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from app import messages as M
from app.commands.common import export_target, open_store, say, say_replaced
from app.errors import TeleavisError, UsageError

M.add(
    {
        "acts.help": {
            "fr": "actes de télé-expertise du requérant (RQD), pour la facturation",
            "en": "the requester's tele-expertise acts (RQD), for billing",
        },
        "acts.export_help": {
            "fr": "écrit en CSV les actes RQD d'une année (date, code, RPPS du requérant, identité du patient, "
            "dossier, facturable oui/non et pourquoi). Ce fichier contient des données de patients : il est "
            "créé lisible par vous seul (0600) ; sans --out, il s'écrit sur la sortie standard",
            "en": "writes a year's RQD acts as CSV (date, code, requester's RPPS, patient identity, case, billable "
            "yes/no and why). This file holds patient data: it is created readable by you only (0600); "
            "without --out it goes to standard output",
        },
        "acts.year_help": {"fr": "l'année civile (ex. 2026)", "en": "the calendar year (e.g. 2026)"},
        "acts.out_help": {
            "fr": "fichier CSV à écrire (données de patients, créé en 0600)",
            "en": "CSV file to write (patient data, created 0600)",
        },
        "acts.exported": {
            "fr": "{n} actes de {year} exportés : {path} (données de patients : à garder pour vous).",
            "en": "{n} acts of {year} exported: {path} (patient data: keep it to yourself).",
        },
        "acts.exported.one": {
            "fr": "{n} acte de {year} exporté : {path} (données de patients : à garder pour vous).",
            "en": "{n} act of {year} exported: {path} (patient data: keep it to yourself).",
        },
        "acts.left_out": {
            "fr": "Laissé hors de l'export : l'acte du dossier {ids}, dont les données ont été modifiées hors de "
            "Teleavis (il ne s'ouvre plus). Les autres actes sont exportés. Gardez les sauvegardes (une plus ancienne "
            "peut le contenir intact) et appelez le support ; le dossier rétabli, exportez de nouveau.",
            "en": "Left out of the export: the act of case {ids}, whose data was changed outside Teleavis (it no "
            "longer opens). The other acts are exported. Keep the backups (an older one may hold it "
            "whole) and call the support; once the case is back, export again.",
        },
        "acts.left_out.many": {
            "fr": "Laissés hors de l'export : les actes des dossiers {ids}, dont les données ont été modifiées hors "
            "de Teleavis (ils ne s'ouvrent plus). Les autres actes sont exportés. Gardez les sauvegardes (une plus "
            "ancienne peut les contenir intacts) et appelez le support ; les dossiers rétablis, exportez de nouveau.",
            "en": "Left out of the export: the acts of cases {ids}, whose data was changed outside Teleavis (they no "
            "longer open). The other acts are exported. Keep the backups (an older one may hold "
            "them whole) and call the support; once the cases are back, export again.",
        },
        "acts.exported_stdout": {"fr": "{n} actes de {year} exportés.", "en": "{n} acts of {year} exported."},
        "acts.exported_stdout.one": {"fr": "{n} acte de {year} exporté.", "en": "{n} act of {year} exported."},
    }
)


def register(sub: Any) -> None:
    parser = sub.add_parser("acts", help=M.tr("acts.help"))
    asub = parser.add_subparsers(dest="action", required=True)
    export = asub.add_parser("export", help=M.tr("acts.export_help"), description=M.tr("acts.export_help"))
    export.add_argument("--year", type=_year, required=True, metavar="Y", help=M.tr("acts.year_help"))
    export.add_argument("--out", type=Path, default=None, metavar="F", help=M.tr("acts.out_help"))
    export.set_defaults(handler=run_export)


def _year(text: str) -> int:
    """argparse's type of ``--year``: a whole number; one in words is said as an out-of-range one is."""
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(M.tr("act.bad_year", year=text)) from None


def run_export(args: argparse.Namespace) -> int:
    from app.acts import write_export

    if not 2000 <= args.year <= 2100:
        raise UsageError(M.tr("act.bad_year", year=args.year))
    replacing = args.out is not None and export_target(args.out, "acts")
    left_out: list[str] = []
    with open_store() as store:
        n = write_export(store, args.year, args.out, left_out)
    if args.out is None:
        say(M.tr_count("acts.exported_stdout", n, n=n, year=args.year))
    else:
        say(M.tr_count("acts.exported", n, n=n, year=args.year, path=str(args.out)))
        if replacing:
            say_replaced(args.out)
    if left_out:  # (exit 1: a script or a timer sees that acts are missing from the file)
        ids = ", ".join(case_id[:8] for case_id in left_out)
        raise TeleavisError(M.tr("acts.left_out.many" if len(left_out) > 1 else "acts.left_out", ids=ids))
    return 0
