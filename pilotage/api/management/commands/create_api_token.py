"""`pilotage create_api_token EMAIL [--name NOM] [--scope lecture|ecriture] [--days N]`: a new API token.

Prints the secret alone on standard output, so that a script can capture it; it is never shown again (only
its digest is stored). The account's other tokens keep working: revoke them on the account page.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from pilotage.api.models import TokenScope
from pilotage.api.services import api_token_create
from pilotage.core.management.base import acting_user

SCOPES = {"lecture": TokenScope.READ, "ecriture": TokenScope.READ_WRITE}


class Command(BaseCommand):
    help = (
        "Crée un jeton d'API pour un compte et l'affiche une seule fois (seule son empreinte est conservée). "
        "Les autres jetons du compte restent valables."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse électronique du compte.")
        parser.add_argument("--name", help="Nom du jeton (à quoi il sert) ; par défaut « Ligne de commande, <date> ».")
        parser.add_argument(
            "--scope",
            choices=sorted(SCOPES),
            default="lecture",
            help="lecture (par défaut) : GET seulement ; ecriture : lecture et écriture.",
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Durée de validité en jours (par défaut {settings.API_TOKEN_DAYS}, "
            f"au plus {settings.API_TOKEN_MAX_DAYS}).",
        )

    def handle(self, *args, email, name, scope, days, **options):
        user = acting_user(email)
        if not user.is_active:
            raise CommandError(f"Le compte {email} est désactivé : son jeton serait refusé.")
        name = name or f"Ligne de commande, {timezone.localdate():%d/%m/%Y}"
        try:
            _, secret = api_token_create(user=user, name=name, scope=SCOPES[scope], days=days)
        except ValidationError as error:
            raise CommandError(" ".join(m for messages in error.message_dict.values() for m in messages)) from error
        self.stdout.write(secret)
