"""`pilotage verify_audit [--seal]`: recompute the audit chain (ADR 0015); exit status 1 at the first break."""

from django.core.management.base import BaseCommand, CommandError

from pilotage.audit import chain


class Command(BaseCommand):
    help = (
        "Vérifie la chaîne d'audit (historique et journal des exports) : chaque enregistrement est comparé à son "
        "sceau ; s'arrête avec le code 1 au premier enregistrement modifié, supprimé ou non scellé."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--seal",
            action="store_true",
            help="scelle d'abord les enregistrements qui ne le sont pas (après une mise à jour ou un arrêt brutal, "
            "une fois leur contenu vérifié)",
        )

    def handle(self, *args, seal, **options):
        if seal:
            self.stdout.write(f"Enregistrements scellés : {chain.seal_unsealed()}")
        result = chain.verify()
        if result.broken:
            raise CommandError(f"Chaîne d'audit rompue au {result.broken}", returncode=1)
        if result.unsealed:
            total = sum(len(ids) for ids in result.unsealed.values())
            table, ids = next(iter(result.unsealed.items()))
            raise CommandError(
                f"{total} enregistrement(s) sans sceau, le premier : table {table}, enregistrement {ids[0]} "
                "(ajouté hors de la plateforme, ou arrêt avant le scellement : vérifiez-le, puis "
                "`pilotage verify_audit --seal`).",
                returncode=1,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Chaîne d'audit intacte : {result.checked} enregistrement(s) scellé(s), dernière empreinte "
                f"{result.last_digest or '(aucune)'}."
            )
        )
