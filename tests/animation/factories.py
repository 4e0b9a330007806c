"""Test data of the animation tests: programmes written through the services, as the pages do."""

from datetime import date
from decimal import Decimal

from pilotage.animation.models import ActionType, Programme
from pilotage.animation.services import ActionData, action_save, programme_create
from pilotage.core.roles import Role
from pilotage.funding.models import FundingLine
from pilotage.reference.models import FunderType, RegionalAssociation
from tests.factories import FunderFactory, MissionLocaleFactory, region, user_for_role


def arml_user(region_code="93"):
    department_code = {"93": "13", "84": "69"}[region_code]
    return user_for_role(Role.ARML, department_code=department_code)


def regional_council(region_code="93"):
    from pilotage.reference.models import Funder

    return Funder.objects.filter(type=FunderType.REGION, region_id=region_code).first() or FunderFactory(
        regional_council=True, region=region(region_code)
    )


def add_action(programme, user, *, number=1, cost="10000", state="5000", council="2000", milestones=None, **extra):
    action_type = ActionType.objects.get(number=number)
    data = ActionData(
        objective=None,
        action_type=action_type,
        title=extra.get("title", action_type.title),
        why="\n".join(action_type.why),
        how="\n".join(action_type.how),
        method=extra.get("method", "Un chargé de mission de l'ARML anime le groupe."),
        forecast_cost=Decimal(cost),
        state_amount=Decimal(state),
        cofundings={regional_council(programme.regional_association.region_id): Decimal(council)} if council else {},
        milestones=milestones if milestones is not None else [("Lancement", date(programme.year, 3, 1))],
    )
    return action_save(programme=programme, data=data, acting_user=user)


def programme_for(user, *, year=2026, actions=((1, "10000", "5000", "2000"),)) -> Programme:
    arml = RegionalAssociation.objects.get(pk=user.regional_association_id)
    programme = programme_create(regional_association=arml, year=year, acting_user=user)
    for number, cost, state, council in actions:
        add_action(programme, user, number=number, cost=cost, state=state, council=council)
    return programme


def state_budget(region_code, year, amount, *, department_code=None):
    """A State funding line of `amount` for a new Mission Locale of the region."""
    department_code = department_code or {"93": "13", "84": "69"}[region_code]
    ml = MissionLocaleFactory(department_id=department_code)
    return FundingLine.objects.create(
        mission_locale=ml, year=year, funder_type=FunderType.ETAT, category="fonctionnement", amount=Decimal(amount)
    )
