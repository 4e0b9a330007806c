"""`pilotage send_survey_reminders [--survey ID] --base-url URL`: remind the targets that have not submitted."""

from django.core.management.base import BaseCommand

from pilotage.surveys.models import Survey, SurveyStatus
from pilotage.surveys.services import survey_send_reminders


class Command(BaseCommand):
    help = (
        "Relance par courriel, avec un nouveau lien personnel, les destinataires des enquêtes ouvertes qui n'ont "
        "pas encore envoyé leur réponse (rien après la date limite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--survey", type=int, help="une seule enquête (identifiant)")
        parser.add_argument("--base-url", default="http://127.0.0.1:8000", help="adresse de la plateforme")

    def handle(self, *args, survey=None, base_url, **options):
        surveys = Survey.objects.filter(status=SurveyStatus.OPEN)
        if survey:
            surveys = surveys.filter(pk=survey)
        total = 0
        for item in surveys:
            sent = survey_send_reminders(survey=item, base_url=base_url.rstrip("/"))
            total += sent
            self.stdout.write(f"{item.title} : {sent} relance(s)")
        self.stdout.write(f"{total} relance(s) envoyée(s).")
