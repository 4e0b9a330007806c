from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.core.management.base import acting_user, print_report
from pilotage.funding.services import funding_lines_import


class Command(BaseCommand):
    help = (
        "Importe des lignes de financement (CSV ou XLSX, format de funding-format.md) au nom d'un utilisateur, "
        "dont les droits s'appliquent à chaque ligne. Simulation par défaut ; --wet-run enregistre, tout ou rien."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--user", required=True, help="adresse de l'utilisateur au nom duquel importer")
        parser.add_argument("--wet-run", action="store_true", help="enregistrer (sinon : simulation)")

    def handle(self, *args, file, user, wet_run, **options):
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        report = funding_lines_import(path_or_file=file, filename=file.name, acting_user=acting_user(user),
                                      wet_run=wet_run)  # fmt: skip
        print_report(self, report)
