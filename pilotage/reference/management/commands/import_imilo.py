"""`pilotage import_imilo [FILE] [--wet-run] [--exclude-rejected] [--user EMAIL]`

Source: the i-milo referential of the Missions Locales structures (JSON list of objects `id`, `nom_officiel`,
`nom_usuel`, `nom_region`, `code_region`, `nom_departement`, `code_departement`, `timezone`), by default the
file bundled in `reference/data` (public repository SocialGouv/pass-emploi-api, MIT; see data/ORIGIN.md).
Every issue is printed (file, line, field, value, reason), then the summary. Dry run unless `--wet-run`;
exit status 1 when entries are rejected and `--exclude-rejected` is not given (nothing is then saved).
"""

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
