import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.funding.offline import funding_report_from_files
from pilotage.reference.models import FunderType


class Command(BaseCommand):
    help = (
        "Analyse départementale des financements (état des lieux 2024, partie 4) à partir de fichiers, sans base "
        "de données : structures.csv de l'export entrepôt et lignes de financement CSV/XLSX → rapport JSON."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument(
            "--structures", type=Path, required=True, help="structures.csv (code_ml;nom;siret;departement)"
        )
        parser.add_argument("--lines", type=Path, required=True, help="lignes de financement (CSV ou XLSX)")
        parser.add_argument("--funder-type", default="departement", choices=FunderType.values)
        parser.add_argument("--from", dest="first_year", type=int, required=True)
        parser.add_argument("--to", dest="last_year", type=int, required=True)
        parser.add_argument("--output", type=Path, required=True, help="fichier JSON à écrire")

    def handle(self, *args, structures, lines, funder_type, first_year, last_year, output, **options):
        for path in (structures, lines):
            if not path.is_file():
                raise CommandError(f"Fichier introuvable : {path}")
        if first_year > last_year:
            raise CommandError("--from doit être inférieur ou égal à --to.")
        report, issues = funding_report_from_files(
            structures_path=structures,
            lines_path=lines,
            funder_type=funder_type,
            first_year=first_year,
            last_year=last_year,
        )
        if issues:
            for issue in issues:
                self.stderr.write(str(issue))
            raise CommandError(f"{len(issues)} problème(s) dans les fichiers : aucun rapport écrit.")
        output.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Rapport écrit : {output}"))
