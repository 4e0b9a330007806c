from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.core.management.base import acting_user, print_report
from pilotage.reference.imilo import BUNDLED_FILE, imilo_import


class Command(BaseCommand):
    help = (
        "Importe le référentiel des structures i-milo (JSON). Simulation par défaut, --wet-run enregistre ; "
        "une structure rejetée refuse tout le fichier, sauf avec --exclude-rejected qui l'écarte et la signale."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", type=Path, default=BUNDLED_FILE)
        parser.add_argument("--wet-run", action="store_true", help="enregistrer (sinon : simulation)")
        parser.add_argument("--exclude-rejected", action="store_true", help="écarter les structures rejetées")
        parser.add_argument("--user", help="adresse de l'utilisateur à qui attribuer les modifications")

    def handle(self, *args, file, wet_run, exclude_rejected, user, **options):
        if not file.is_file():
            raise CommandError(f"Fichier introuvable : {file}")
        report = imilo_import(
            path=file, acting_user=acting_user(user), wet_run=wet_run, exclude_rejected=exclude_rejected
        )
        print_report(self, report)
