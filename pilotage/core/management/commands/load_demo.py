from django.core.management.base import BaseCommand
from django.db import transaction

from pilotage.demo.demo import demo_load, demo_password
from pilotage.demo.funding import demo_funding_load
from pilotage.demo.indicators import demo_indicators_load


class Command(BaseCommand):
    help = "Charge les données de démonstration (réseau réel complété de valeurs fictives) et les comptes."

    def handle(self, *args, **options):
        with transaction.atomic():
            result = demo_load()
            funding = demo_funding_load()
            indicators = demo_indicators_load()
        report = result["report"]
        self.stdout.write("Référentiel i-milo :")
        for issue in report.issues:
            self.stdout.write(f"  - {issue}")
        self.stdout.write(f"  {report.summary}")
        self.stdout.write(f"Financements de démonstration : {funding.summary}")
        for report in indicators:
            self.stdout.write(f"Indicateurs de démonstration : {report.summary}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration (mot de passe : {demo_password()})"))
        width = max(len(a.email) for a in result["accounts"])
        for account in result["accounts"]:
            self.stdout.write(f"  {account.email:<{width}}  {account.role.label} : {account.organisation}")
