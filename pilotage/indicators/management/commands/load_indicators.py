from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.core.management.base import acting_user, print_report
from pilotage.indicators.services import indicator_results_load


class Command(BaseCommand):
    help = (
        "Charge dans la plateforme des résultats d'indicateurs au format long (sortie de compute_indicators, ou "
        "agrégats d'une Mission Locale). Simulation par défaut ; --wet-run enregistre une nouvelle version."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--wet-run", action="store_true")
        parser.add_argument("--user")

    def handle(self, *args, file, year, wet_run, user, **options):
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        report = indicator_results_load(path_or_file=file, filename=file.name, year=year,
                                        acting_user=acting_user(user), wet_run=wet_run)  # fmt: skip
        print_report(self, report)
