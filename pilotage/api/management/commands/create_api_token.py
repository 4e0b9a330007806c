"""`pilotage create_api_token EMAIL`: give a user (a system account, say) a new API token.

Prints the key alone on standard output, so that a script can capture it; the previous token stops working.
"""

from django.core.management.base import BaseCommand, CommandError

from pilotage.api.services import api_token_rotate
from pilotage.core.management.base import acting_user


class Command(BaseCommand):
    help = "Crée (ou remplace) le jeton d'API d'un utilisateur et l'affiche ; l'ancien jeton ne fonctionne plus."

    def add_arguments(self, parser):
        parser.add_argument("email", help="Adresse électronique du compte.")

    def handle(self, *args, email, **options):
        user = acting_user(email)
        if not user.is_active:
            raise CommandError(f"Le compte {email} est désactivé : son jeton serait refusé.")
        self.stdout.write(api_token_rotate(user=user))
