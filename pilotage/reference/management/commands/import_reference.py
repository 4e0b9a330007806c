"""`pilotage import_reference {missions_locales,financeurs,arml} FILE [--wet-run] [--user EMAIL]`

Source: a CSV (UTF-8 or Windows-1252, `;` or `,`) or XLSX file of the reference data, one line per organisation,
as kept by the DGEFP, the DREETS or the regions, or this platform's export of the Missions Locales. The columns
of each kind are printed by `--help` (rules in pilotage/reference/imports.py).

A simulation by default: every line is checked and every problem printed (file, line, column, value, reason);
`--wet-run` saves, all or nothing, in one transaction. Exit status 1 when the file has problems.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.core.management.base import acting_user, print_report
from pilotage.reference.imports import KINDS, reference_import


def _columns_help() -> str:
    return " ; ".join(
        f"{kind.name} : " + ", ".join(f"{c.name}{'*' if c.required else ''}" for c in kind.columns)
        for kind in KINDS.values()
    )


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV ou XLSX du référentiel. Simulation par défaut ; --wet-run enregistre, tout ou rien. "
        f"Colonnes (* obligatoire) — {_columns_help()}."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS), help="type de données")
        parser.add_argument("file", type=Path, help="fichier CSV ou XLSX")
        parser.add_argument("--wet-run", action="store_true", help="enregistrer (sinon : simulation)")
        parser.add_argument("--user", help="adresse de l'utilisateur à qui attribuer les modifications")

    def handle(self, *args, kind, file, wet_run, user, **options):
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        report = reference_import(
            kind=kind, path_or_file=file, filename=file.name, acting_user=acting_user(user), wet_run=wet_run
        )
        print_report(self, report)
