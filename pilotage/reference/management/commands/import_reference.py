from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.core.management.base import acting_user, print_report
from pilotage.reference.imports import KINDS, reference_import


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV ou XLSX du référentiel (missions_locales, financeurs, arml). Simulation par "
        "défaut ; --wet-run enregistre, tout ou rien. Colonnes : voir pilotage/reference/imports.py."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file", type=Path)
        parser.add_argument("--wet-run", action="store_true", help="enregistrer (sinon : simulation)")
        parser.add_argument("--user", help="adresse de l'utilisateur à qui attribuer les modifications")

    def handle(self, *args, kind, file, wet_run, user, **options):
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        report = reference_import(
            kind=kind, path_or_file=file, filename=file.name, acting_user=acting_user(user), wet_run=wet_run
        )
        print_report(self, report)
