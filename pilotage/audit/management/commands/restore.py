"""`pilotage restore DIR`: a backup restored into an empty database, checked against its manifest (ADR 0016)."""

from django.core.management.base import BaseCommand, CommandError

from pilotage.audit.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restaure la sauvegarde de DOSSIER dans la base configurée (DATABASE_URL), qui doit être vide, après avoir "
        "vérifié les sommes de contrôle ; compare ensuite les tables au manifeste et vérifie la chaîne d'audit."
    )
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DOSSIER")

    def handle(self, *args, directory, **options):
        try:
            report = restore(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report.differences:
            raise CommandError(
                "Restauration faite, mais différente de la sauvegarde : " + " ; ".join(report.differences[:20])
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Restauration vérifiée : {report.tables} tables, {report.rows} lignes identiques au manifeste, "
                f"{report.files} fichier(s) déposé(s), chaîne d'audit : {report.audit}."
            )
        )
