"""The rules of the regional animation programme (seed 001): catalogue, operator, objectives, totals, band,
gaps of the activity report."""

from dataclasses import dataclass
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from pilotage.animation.models import ActionType, Mission, Objective, ProgrammeAction
from pilotage.animation.rules import (
    OBSERVED_LABEL,
    OUTSIDE_LABEL,
    RECOMMENDED_LABEL,
    action_gaps,
    band_position,
    funding_refusal,
    operator_refusal,
    programme_totals,
)
from pilotage.animation.services import programme_create
from pilotage.reference.models import RegionalAssociation
from tests.animation.factories import add_action, arml_user, programme_for
from tests.factories import MissionLocaleFactory

D = Decimal


# The catalogue of seed 001, loaded by the data migration


@pytest.mark.django_db
def test_the_catalogue_is_the_seeds_annex():
    assert Mission.objects.count() == 4 and Objective.objects.count() == 6
    assert ActionType.objects.filter(is_local=False).count() == 16
    assert list(Mission.objects.values_list("roman", "label")) == [
        ("I", "MISSION FORMATION/ ECHANGE"),
        ("II", "MISSION CAPITALISATION/COMMUNICATION"),
        ("III", "MISSION OBSERVATOIRE"),
        ("IV", "MISSION PARTENARIAT"),
    ]
    assert [o.mission.number for o in Objective.objects.order_by("number")] == [1, 2, 2, 3, 3, 4]
    per_objective = {o.number: o.action_types.count() for o in Objective.objects.all()}
    assert per_objective == {1: 2, 2: 3, 3: 2, 4: 3, 5: 2, 6: 4}
    documentation = ActionType.objects.get(number=4)
    assert documentation.title == "Documentation" and documentation.objective.number == 2
    assert documentation.how == [
        "Constitution d'un fonds documentaire mis à disposition des structures",
        "Mise en ligne des ressources",
        "Création d'un site sur le net",
    ]
    first = ActionType.objects.get(number=1)
    assert (
        first.why[0] == "Aider à la maîtrise des contenus des CPO" and first.why[-1] == "Aider au conventionnement FSE"
    )
    assert ActionType.objects.get(number=16).objective.label == "CONTRIBUER à la constitution de partenariats régionaux"


# Actions always under one of the six objectives


@pytest.mark.django_db
def test_a_local_action_type_needs_an_objective_in_the_database_and_in_validation():
    local = ActionType(title="Action locale sans objectif", why=["Pourquoi"], how=["Comment"])
    with pytest.raises(ValidationError) as error:
        local.full_clean()
    assert "objective" in error.value.message_dict
    with pytest.raises(IntegrityError), transaction.atomic():
        ActionType.objects.create(title="Sans objectif", is_local=True)
    with pytest.raises(IntegrityError), transaction.atomic():  # a catalogue action is numbered
        ActionType.objects.create(title="Sans numéro", objective=Objective.objects.first(), is_local=False)
    ActionType(title="Accueil des nouveaux directeurs", objective=Objective.objects.get(number=1), why=["Former"],
               how=["Journées d'accueil"]).full_clean()  # fmt: skip


@pytest.mark.django_db
def test_a_programme_action_needs_its_objective_and_the_catalogue_actions_own():
    user = arml_user()
    programme = programme_for(user, actions=())
    with pytest.raises(IntegrityError), transaction.atomic():
        ProgrammeAction.objects.create(programme=programme, position=1, title="x", why="x", how="x", method="x",
                                       forecast_cost=1, state_amount=1)  # fmt: skip
    action = ProgrammeAction(programme=programme, position=1, title="x", why="x", how="x", method="x",
                             forecast_cost=1, state_amount=1, action_type=ActionType.objects.get(number=8),
                             objective=Objective.objects.get(number=1))  # fmt: skip
    with pytest.raises(ValidationError, match="relève de l'objectif 4"):
        action.full_clean()


# The operator is never a Mission Locale


@pytest.mark.django_db
def test_the_operator_is_never_a_mission_locale():
    user = arml_user()
    arml = RegionalAssociation.objects.get(pk=user.regional_association_id)
    assert operator_refusal(arml) is None
    ml = MissionLocaleFactory(department_id="13")
    RegionalAssociation.objects.filter(pk=arml.pk).update(siret=ml.siret)
    arml.refresh_from_db()
    assert operator_refusal(arml).startswith("Ce SIRET est celui d'une Mission Locale")
    with pytest.raises(ValidationError, match="ne peut pas être une Mission Locale"):
        programme_create(regional_association=arml, year=2026, acting_user=user)
    # another establishment of the same legal person (same SIREN)
    other_establishment = ml.siret[:9] + "99999"
    RegionalAssociation.objects.filter(pk=arml.pk).update(siret=other_establishment)
    arml.refresh_from_db()
    assert operator_refusal(arml).startswith("Ce SIREN est celui d'une Mission Locale")


# The band: the State's share of the State budget of the region's Missions Locales


@pytest.mark.parametrize(
    "amount,position,label",
    [
        ("0.99", "outside", OUTSIDE_LABEL),
        ("1", "observed", OBSERVED_LABEL),
        ("1.99", "observed", OBSERVED_LABEL),
        ("2", "recommended", RECOMMENDED_LABEL),
        ("3", "recommended", RECOMMENDED_LABEL),
        ("4", "recommended", RECOMMENDED_LABEL),
        ("4.01", "observed", OBSERVED_LABEL),
        ("6", "observed", OBSERVED_LABEL),
        ("6.01", "outside", OUTSIDE_LABEL),
    ],
)
def test_band_boundaries(amount, position, label):
    band = band_position(D(amount) * 1000, D("100000"))  # amount % of 100 000 €
    assert (band.share_pct, band.position, band.label) == (D(amount), position, label)


def test_band_without_budget_is_unknown():
    assert band_position(D("1000"), None).position == "unknown"
    assert band_position(D("1000"), D("0")).share_pct is None


# Totals


@dataclass(frozen=True)
class FakeMission:
    number: int


@dataclass(frozen=True)
class FakeObjective:
    number: int
    mission: FakeMission


def _action(mission, objective, cost, state, cofundings=()):
    objective = FakeObjective(objective, FakeMission(mission))
    return SimpleNamespace(objective=objective, forecast_cost=D(cost), state_amount=D(state),
                           cofundings=list(cofundings))  # fmt: skip


def test_totals_per_mission_objective_and_funder():
    actions = [
        _action(1, 1, "10000", "6000", [("Région", D("3000"))]),
        _action(2, 3, "5000", "2000", [("Région", D("1000")), ("France Travail", D("500"))]),
        _action(1, 1, "1000", "500"),
        _action(2, 2, "2000", "2000"),
    ]
    totals = programme_totals(actions)
    assert (totals.cost, totals.state) == (D("18000"), D("10500"))
    by_mission = {m.number: (row["cost"], row["state"], row["actions"]) for m, row in totals.by_mission.items()}
    assert by_mission == {1: (D("11000"), D("6500"), 2), 2: (D("7000"), D("4000"), 2)}
    by_objective = {o.number: row["cost"] for o, row in totals.by_objective.items()}
    assert by_objective == {1: D("11000"), 2: D("2000"), 3: D("5000")}
    assert list(totals.by_funder.items()) == [("État", D("10500")), ("Région", D("4000")),
                                              ("France Travail", D("500"))]  # fmt: skip
    assert (totals.funded, totals.unfunded) == (D("15000"), D("3000"))


def test_funding_cannot_exceed_the_cost():
    assert funding_refusal(D("100"), D("60"), [D("40")]) is None
    assert funding_refusal(D("100"), D("60"), [D("40.01")]) == (
        "Les financements (100,01\u202f€) dépassent le coût prévisionnel de l'action (100,00\u202f€)."
    )


@pytest.mark.django_db
def test_the_service_refuses_funding_beyond_the_cost_and_numbers_the_actions():
    user = arml_user()
    programme = programme_for(user, actions=((1, "1000", "500", "200"), (3, "1000", "500", "0")))
    assert list(programme.actions.values_list("position", "objective__number")) == [(1, 1), (2, 2)]
    with pytest.raises(ValidationError, match="dépassent le coût prévisionnel"):
        add_action(programme, user, number=5, cost="1000", state="900", council="200")


# Gaps of the activity report


def test_gaps_of_the_activity_report():
    on_plan = action_gaps(forecast_cost=D("1000"), cost_spent=D("1100"), achievements=["met", "met"],
                          indicators=[(D("10"), D("10"))])  # fmt: skip
    assert (on_plan.cost_gap, on_plan.cost_gap_pct, on_plan.flagged) == (D("100"), D("10"), False)
    over = action_gaps(forecast_cost=D("1000"), cost_spent=D("1100.01"), achievements=[], indicators=[])
    assert over.cost_flagged and over.flagged
    under = action_gaps(forecast_cost=D("1000"), cost_spent=D("800"), achievements=["met"], indicators=[])
    assert under.cost_gap == D("-200") and under.cost_flagged
    missed = action_gaps(
        forecast_cost=D("1000"),
        cost_spent=None,
        achievements=["met", "missed", "partial", ""],
        indicators=[(D("5"), D("4")), (None, D("1"))],
    )
    assert (missed.cost_gap, missed.milestones_missed, missed.milestones_partial, missed.milestones_unreported,
            missed.indicators_below_target, missed.flagged) == (None, 1, 1, 1, 1, True)  # fmt: skip
