import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pilotage.indicators.engine import compute
from pilotage.indicators.engine.export import load_export


class Command(BaseCommand):
    help = (
        "Calcule les indicateurs et ratios du tableau de bord CPO (cpo-indicators.md) d'une année à partir d'un "
        "export de l'entrepôt (dossier de fichiers CSV ou Parquet), sans base de données, et écrit le CSV long."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("export_dir", type=Path)
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--output", type=Path, required=True)

    def handle(self, *args, export_dir, year, output, **options):
        if not export_dir.is_dir():
            raise CommandError(f"Dossier introuvable : {export_dir}")
        started = time.perf_counter()
        export = load_export(export_dir)
        if not export.ok:
            for issue in export.issues:
                self.stderr.write(str(issue))
            shown = len(export.issues)
            more = f" (les {shown} premiers sont affichés)" if export.issue_count > shown else ""
            raise CommandError(f"Export invalide : {export.issue_count} problème(s){more} ; rien n'a été calculé.")
        compute.compute(export.connection, year)
        count = compute.write_results(export.connection, year, output)
        elapsed = time.perf_counter() - started
        self.stdout.write(self.style.SUCCESS(f"{count} valeurs écrites dans {output} en {elapsed:.1f} s."))
