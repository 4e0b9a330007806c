"""`pilotage backup DIR`: the database, the uploaded files and a manifest with checksums (ADR 0016)."""

from django.core.management.base import BaseCommand, CommandError

from pilotage.audit.backup import BackupError, backup_write


class Command(BaseCommand):
    help = (
        "Sauvegarde cohérente dans DOSSIER (absent ou vide) : la base (pg_dump sous PostgreSQL, copie en ligne "
        "sous SQLite), les fichiers déposés et un manifeste avec leurs sommes SHA-256."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", metavar="DOSSIER")

    def handle(self, *args, directory, **options):
        try:
            manifest = backup_write(directory)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        rows = sum(manifest["tables"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Sauvegarde écrite dans {directory} : base {manifest['engine']} ({len(manifest['tables'])} tables, "
                f"{rows} lignes), {len(manifest['files'])} fichier(s) dans le manifeste, chaîne d'audit au sceau "
                f"n° {manifest['audit_head']['seq']} ({manifest['audit_head']['digest'] or 'vide'})."
            )
        )
