"""`pilotage load_demo`: the demonstration platform, deterministic and idempotent (see pilotage/demo/demo.py).

The real network (COG, i-milo referential) completed with fictitious values, demo funding and indicators,
then one account per role; prints the i-milo report and the table of the accounts.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from pilotage.demo.animation import demo_animation_load
from pilotage.demo.demo import accounts_table, demo_load
from pilotage.demo.dialogue import demo_dialogue_load
from pilotage.demo.funding import demo_funding_load
from pilotage.demo.indicators import demo_indicators_load
from pilotage.demo.submissions import demo_submission_load
from pilotage.demo.surveys import demo_surveys_load


class Command(BaseCommand):
    help = "Charge les données de démonstration (réseau réel complété de valeurs fictives) et les comptes."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError(
                "load_demo refuse de s'exécuter en production (PILOTAGE_ENV=production) : il créerait des comptes "
                "fictifs dont le mot de passe est publié."
            )
        try:
            with transaction.atomic():
                summary = demo_load(stdout=self.stdout)
                funding = demo_funding_load()
                indicators = demo_indicators_load()
                dialogues = demo_dialogue_load()
                surveys = demo_surveys_load()
                animation = demo_animation_load()
                submission = demo_submission_load()
        except ValidationError as exc:
            raise CommandError(
                f"Mot de passe de démonstration refusé (DEMO_PASSWORD) : {' '.join(exc.messages)}"
            ) from exc
        if connection.vendor == "postgresql":  # the planner's statistics of the tables just filled (ADR 0024)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(f"Financements de démonstration : {funding.summary}")
        for report in indicators:
            self.stdout.write(f"Indicateurs de démonstration : {report.summary}")
        self.stdout.write(f"Dialogue de gestion de démonstration : {dialogues} dossier(s) créé(s)")
        self.stdout.write(f"Enquêtes de démonstration : lien de réponse de Marseille (sans compte) {surveys.link}")
        self.stdout.write(f"Animation régionale de démonstration : {animation} programme(s) créé(s)")
        if submission is not None:
            self.stdout.write(f"Dépôt de démonstration : n° {submission.pk}, {submission.get_status_display()}")
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Comptes de démonstration ({len(summary.accounts)}) :"))
        for line in accounts_table(summary.accounts, summary.password):
            self.stdout.write(f"  {line}")
