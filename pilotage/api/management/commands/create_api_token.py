from django.core.management.base import BaseCommand

from pilotage.api.services import api_token_rotate
from pilotage.core.management.base import acting_user


class Command(BaseCommand):
    help = "Crée (ou remplace) le jeton d'API d'un utilisateur et l'affiche."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, email, **options):
        self.stdout.write(api_token_rotate(user=acting_user(email)))
