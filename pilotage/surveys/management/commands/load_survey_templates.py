"""`pilotage load_survey_templates [FICHIER.json]`: create the template questionnaires that do not exist yet."""

from pathlib import Path

from django.core.management.base import BaseCommand

from pilotage.surveys.services import TEMPLATES_FILE, templates_load


class Command(BaseCommand):
    help = "Charge les questionnaires modèles (pilotage/surveys/data/questionnaires.json) absents de la base."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", default=str(TEMPLATES_FILE))

    def handle(self, *args, path, **options):
        created = templates_load(path=Path(path))
        for questionnaire in created:
            self.stdout.write(f"Modèle créé : {questionnaire.title} ({questionnaire.questions().count()} questions)")
        if not created:
            self.stdout.write("Aucun nouveau modèle : ceux du fichier existent déjà.")
