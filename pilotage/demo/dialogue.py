"""Demo management dialogue: the 2024 campaign of Provence-Alpes-Côte d'Azur, the story's Mission Locale's file
in progress (prepared steps, a comment, synthesis, action plan, targets and the proposed 2025 subsidy, matching
the 2025 avenant in preparation), the other files in preparation. Written through the services."""

from datetime import date
from decimal import Decimal

from pilotage.accounts.models import User
from pilotage.demo.demo import STORY_DEPARTMENT, STORY_MISSION_LOCALE
from pilotage.dialogue.models import DialogueCampaign, DialogueStatus, ManagementDialogue
from pilotage.dialogue.services import (
    action_save,
    answers_save,
    campaign_open,
    comment_add,
    dialogue_transition,
    subsidy_propose,
    synthesis_save,
)
from pilotage.indicators.services import targets_set
from pilotage.reference.models import Department

YEAR = 2024
ANSWERS = {
    "context.transmission": "Offre de service présentée le 12 février : accompagnement de 4 200 jeunes, relation "
    "entreprises (3 chargés), ingénierie de projets (mobilité, logement).",
    "context.diagnostic": "Territoire urbain dense ; 31 % des jeunes accompagnés habitent un quartier prioritaire. "
    "Chômage des jeunes en baisse mais supérieur à la moyenne régionale.",
    "pathway.outreach": "Accueil sans rendez-vous le matin, permanences dans 6 centres sociaux, actions « aller "
    "vers » avec les clubs de prévention.",
    "pathway.diagnosis": "Diagnostic approfondi proposé dans le mois qui suit le premier accueil ; délai moyen "
    "actuel 5 semaines.",
}
SYNTHESIS = {
    "context": {"strengths": "Diagnostic partagé avec France Travail et la métropole.",
                "areas_for_progress": "Mieux mesurer les NEET du territoire."},
    "pathway": {"strengths": "Forte présence dans les QPV.",
                "areas_for_progress": "Délai du diagnostic approfondi.",
                "priority_actions": "Diagnostic dans le mois ; suivi des sorties sans solution."},
    "employers": {"strengths": "Réseau de parrainage actif."},
}  # fmt: skip
TARGETS = {YEAR: {"R3": "0.55", "R9": "0.40", "R10": "0.42", "R11": "0.25"},
           YEAR + 1: {"R3": "0.60", "R9": "0.42", "R10": "0.45", "R11": "0.22"}}  # fmt: skip


def demo_dialogue_load() -> int:
    """Idempotent: nothing is written when the campaign already exists."""
    region = Department.objects.get(code=STORY_DEPARTMENT).region
    if DialogueCampaign.objects.filter(region=region, year=YEAR).exists():
        return 0
    dreets = User.objects.get(email="dreets@demo.pilotage.fr")
    director = User.objects.get(email="direction.ml@demo.pilotage.fr")
    campaign = campaign_open(region=region, year=YEAR, acting_user=dreets)
    dialogue = ManagementDialogue.objects.get(campaign=campaign, mission_locale__code=STORY_MISSION_LOCALE)
    answers_save(dialogue=dialogue, answers=ANSWERS, acting_user=director)
    comment_add(dialogue=dialogue, step="context", text="Les données DEFM 2024 seront actualisées en mars.",
                acting_user=dreets)  # fmt: skip
    dialogue = dialogue_transition(dialogue=dialogue, name="start", acting_user=director)
    synthesis_save(dialogue=dialogue, rows=SYNTHESIS, acting_user=dreets)
    for title, theme, owner, due in (
        ("Réduire à un mois le délai du diagnostic approfondi", "pathway", "Responsable de l'accueil",
         date(2025, 9, 30)),
        ("Journée de recrutement avec les entreprises partenaires", "employers", "Chargée de relation entreprises",
         date(2025, 6, 15)),
    ):  # fmt: skip
        action_save(dialogue=dialogue, acting_user=dreets, title=title, theme=theme, owner=owner, due_on=due)
    subsidy_propose(dialogue=dialogue, amount=Decimal("2595000.00"),
                    justification="Socle, parrainage et FIPJ de l'avenant 2025 en préparation.",
                    acting_user=dreets)  # fmt: skip
    for year, values in TARGETS.items():
        targets_set(mission_locale=dialogue.mission_locale, year=year,
                    values={k: Decimal(v) for k, v in values.items()}, acting_user=dreets)  # fmt: skip
    assert dialogue.status == DialogueStatus.IN_PROGRESS
    return campaign.dialogues.count()
