"""Demo of the regional animation: the PACA ARML's programme of the demo year, approved by the DREETS and the
regional council, with its tripartite convention and an activity report in progress; its draft for the next
year. Written through the same services as the pages; idempotent (an existing programme is left alone)."""

from datetime import date
from decimal import Decimal

from pilotage.accounts.models import User
from pilotage.animation.budget import state_budgets
from pilotage.animation.models import ActionType, Programme
from pilotage.animation.services import (
    ActionData,
    ReportData,
    action_report_save,
    action_save,
    programme_create,
    programme_record_convention,
    programme_transition,
)
from pilotage.reference.models import Funder, FunderType, RegionalAssociation

DEMO_YEAR = 2024  # the last year of the demo funding lines: the band is computed on that year's State budget
# State share: 1.63 M€ of the 60 M€ of the PACA Missions Locales (2.7 %); the draft 0.9 M€ (1.5 %, observed band)
DEMO_DOMAIN = "demo.pilotage.fr"

#: (catalogue action number, method, forecast cost, State, regional council, milestones [(month, label)])
APPROVED_ACTIONS = [
    (1, "Deux chargés de mission de l'ARML ; un groupe de travail des directions des Missions Locales.",
     "700000", "450000", "200000", [(3, "Diagnostic des annexes des CPO"), (10, "Six sessions de formation")]),
    (8, "Administrateur régional de l'entrepôt de données, appui d'un prestataire pour les tableaux de bord.",
     "900000", "600000", "250000", [(2, "Paramétrage de l'entrepôt"), (6, "Tableaux de bord régionaux diffusés")]),
    (11, "Chargée d'études de l'ARML avec le Rectorat et France Travail.",
     "500000", "330000", "150000", [(9, "Note régionale sur les jeunes sortis sans diplôme")]),
    (16, "Chargés de relation entreprises des Missions Locales animés par l'ARML.",
     "400000", "250000", "120000", [(4, "Rencontre régionale des chargés de relation entreprises")]),
]  # fmt: skip
DRAFT_ACTIONS = [
    (2, "Référents « parrainage » des Missions Locales réunis chaque trimestre.", "800000", "500000", "200000",
     [(3, "Premier groupe d'échange")]),
    (9, "Animateur régional i-milo de l'ARML.", "650000", "400000", "180000", [(5, "Charte régionale de saisie")]),
]  # fmt: skip


def _user(name):
    return User.objects.get(email=f"{name}@{DEMO_DOMAIN}")


def _add(programme, arml_user, council, rows):
    for number, method, cost, state, council_amount, milestones in rows:
        action_type = ActionType.objects.get(number=number)
        data = ActionData(
            objective=action_type.objective,
            action_type=action_type,
            title=action_type.title,
            why="\n".join(action_type.why),
            how="\n".join(action_type.how),
            method=method,
            forecast_cost=Decimal(cost),
            state_amount=Decimal(state),
            cofundings={council: Decimal(council_amount)},
            milestones=[(label, date(programme.year, month, 28)) for month, label in milestones],
        )
        action_save(programme=programme, data=data, acting_user=arml_user)


#: other regions' programmes of the demo year, started by the DGEFP, so that the national follow-up shows a
#: distribution: (region, State share of the budget of its Missions Locales in %, status reached)
OTHER_REGIONS = [
    ("84", "2.1", "closed"), ("75", "3.6", "reported"), ("44", "1.4", "approved"), ("11", "0.8", "approved"),
    ("32", "5.2", "submitted"), ("53", "2.9", "approved"), ("76", "6.4", "draft"),
]  # fmt: skip
STEPS = ["submit", "approve", "submit_report", "close"]
STATUS_AFTER = {"draft": 0, "submitted": 1, "approved": 2, "reported": 3, "closed": 4}


def _other_region(region_code: str, share: str, status: str, admin, council) -> None:
    """A programme of two catalogue actions whose State amount is `share` % of the region's State budget."""
    budget = state_budgets(DEMO_YEAR, [region_code]).get(region_code, (None, None))[0]
    if budget is None:
        return
    arml = RegionalAssociation.objects.get(region_id=region_code)
    programme = programme_create(regional_association=arml, year=DEMO_YEAR, acting_user=admin)
    state = (budget * Decimal(share) / 100).quantize(Decimal("1000"))
    halves = [(state / 2).quantize(Decimal("1")), state - (state / 2).quantize(Decimal("1"))]
    for number, amount in zip((5, 12), halves, strict=True):
        action_type = ActionType.objects.get(number=number)
        data = ActionData(objective=action_type.objective, action_type=action_type, title=action_type.title,
                          why="\n".join(action_type.why), how="\n".join(action_type.how),
                          method="Équipe de l'ARML.", forecast_cost=amount * Decimal("1.4"), state_amount=amount,
                          cofundings={council: amount * Decimal("0.3")} if council else {},
                          milestones=[("Bilan intermédiaire", date(DEMO_YEAR, 6, 30))])  # fmt: skip
        action_save(programme=programme, data=data, acting_user=admin)
    for name in STEPS[: STATUS_AFTER[status]]:
        if name == "submit_report":
            for action in programme.actions.all():
                action_report_save(action=action, acting_user=admin, data=ReportData(
                    done="Réalisé.", cost_spent=action.forecast_cost, report_comment="",
                    achievements={m.pk: ("met", m.due_on) for m in action.milestones.all()}, indicators=[],
                ))  # fmt: skip
        programme = programme_transition(programme=programme, name=name, acting_user=admin)


def demo_animation_load() -> int:
    """The number of programmes created (0 when the demo is loaded again)."""
    arml_user, dreets, council_user = _user("arml"), _user("dreets"), _user("region")
    arml = arml_user.regional_association
    council = Funder.objects.get(type=FunderType.REGION, region_id=arml.region_id)
    created = 0
    if not Programme.objects.filter(regional_association=arml, year=DEMO_YEAR).exists():
        programme = programme_create(regional_association=arml, year=DEMO_YEAR, acting_user=arml_user)
        _add(programme, arml_user, council, APPROVED_ACTIONS)
        programme_transition(programme=programme, name="submit", acting_user=arml_user)
        programme_transition(programme=programme, name="request_changes", acting_user=dreets,
                             reason="Préciser le calendrier de l'action d'observation.")  # fmt: skip
        programme_transition(programme=programme, name="submit", acting_user=arml_user)
        programme_transition(programme=programme, name="council_approve", acting_user=council_user)
        programme_transition(programme=programme, name="approve", acting_user=dreets)
        programme_record_convention(programme=programme, acting_user=dreets, reference=f"ANIM-93-{DEMO_YEAR}",
                                    signed_on=date(DEMO_YEAR, 3, 20))  # fmt: skip
        first, second = programme.actions.order_by("position")[:2]
        action_report_save(action=first, acting_user=arml_user, data=ReportData(
            done="Analyse des annexes des 28 CPO ; cinq sessions de formation au lieu de six.",
            cost_spent=Decimal("672500"), report_comment="Une session reportée faute de formateur.",
            achievements={m.pk: ("met", m.due_on) if index == 0 else ("partial", None)
                          for index, m in enumerate(first.milestones.all())},
            indicators=[("Directions formées", Decimal("28"), Decimal("24"))],
        ))  # fmt: skip
        action_report_save(action=second, acting_user=arml_user, data=ReportData(
            done="Entrepôt paramétré ; tableaux de bord diffusés en septembre.",
            cost_spent=Decimal("1045000"), report_comment="Prestataire plus coûteux que prévu.",
            achievements={m.pk: ("met", m.due_on) if index == 0 else ("missed", None)
                          for index, m in enumerate(second.milestones.all())},
            indicators=[("Missions Locales utilisatrices", Decimal("28"), Decimal("28"))],
        ))  # fmt: skip
        created += 1
    if not Programme.objects.filter(regional_association=arml, year=DEMO_YEAR + 1).exists():
        programme = programme_create(regional_association=arml, year=DEMO_YEAR + 1, acting_user=arml_user)
        _add(programme, arml_user, council, DRAFT_ACTIONS)
        created += 1
    admin = _user("dgefp")
    for region_code, share, status in OTHER_REGIONS:
        if not Programme.objects.filter(regional_association__region_id=region_code, year=DEMO_YEAR).exists():
            other_council = Funder.objects.filter(type=FunderType.REGION, region_id=region_code).first()
            _other_region(region_code, share, status, admin, other_council)
            created += 1
    return created
