"""The four relationship situations (seed 002 part 5; ADR 0009): the rule, and the page over funding lines."""

from decimal import Decimal

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.funding.models import FundingLine
from pilotage.surveys.situations import (
    MIN_DEPARTMENTAL_SHARE,
    Situation,
    department_summary,
    funding_is_significant,
    relation_is_solid,
    situation_of,
)
from tests.factories import MissionLocaleFactory, user_for_role
from tests.surveys.factories import make_survey, submitted

YEARS = [2022, 2023, 2024]
SOLID = {"convention": "oui", "evenements_conjoints": "oui"}
WEAK = {"convention": "non", "evenements_conjoints": "non", "freq_sante": "mensuelle", "freq_faj": "mensuelle"}
FUNDED = ({y: Decimal("50000") for y in YEARS}, {y: Decimal("1000000") for y in YEARS})  # 5 %
UNFUNDED = ({}, {y: Decimal("1000000") for y in YEARS})


def test_a_solid_relation_needs_a_convention_and_joint_work():
    assert relation_is_solid(SOLID)
    assert relation_is_solid({"convention": "oui", "freq_sante": "trimestrielle", "freq_faj": "hebdomadaire"})
    assert not relation_is_solid({"convention": "oui", "freq_sante": "trimestrielle", "freq_faj": "annuelle"})
    assert not relation_is_solid({"convention": "oui", "evenements_conjoints": "non"})
    assert not relation_is_solid(WEAK)  # regular exchanges without a convention: no structured link


def test_significant_funding_is_regular_and_not_low():
    assert funding_is_significant(*FUNDED, YEARS)
    missing_year = ({2022: Decimal("90000"), 2023: Decimal("90000")}, FUNDED[1])
    assert not funding_is_significant(*missing_year, YEARS)  # not every year
    low = ({y: Decimal("41999") for y in YEARS}, {y: Decimal("1000000") for y in YEARS})  # 4.1999 %
    assert not funding_is_significant(*low, YEARS)
    at_bound = ({y: Decimal("42000") for y in YEARS}, {y: Decimal("1000000") for y in YEARS})
    assert Decimal("4.2") == MIN_DEPARTMENTAL_SHARE and funding_is_significant(*at_bound, YEARS)
    assert not funding_is_significant({}, {}, YEARS)


@pytest.mark.parametrize(
    ("answers", "funding", "expected"),
    [
        (WEAK, UNFUNDED, Situation.NO_LINK),
        (SOLID, UNFUNDED, Situation.SOLID_LOW_FUNDING),
        (WEAK, FUNDED, Situation.FUNDING_NO_DYNAMICS),
        (SOLID, FUNDED, Situation.SOLID_COLLABORATION),
    ],
)
def test_the_four_situations(answers, funding, expected):
    assert situation_of(answers, *funding, YEARS) == expected


def test_department_summary_dominant_and_share():
    summary = department_summary({"13": [Situation(4), Situation(4), Situation(1)], "83": [Situation(2), Situation(3)]})
    assert summary["13"]["dominant"] == Situation.SOLID_COLLABORATION
    assert summary["13"]["solid_share"].quantize(Decimal("0.1")) == Decimal("66.7")
    assert summary["83"]["dominant"] == Situation.SOLID_LOW_FUNDING  # a tie goes to the lower number


@pytest.mark.django_db
def test_the_situations_page_reads_the_departmental_funding(client):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    survey = make_survey(admin, funding_year=2024)
    mls = [MissionLocaleFactory(department_id=dep) for dep in ("13", "13", "83", "83")]
    submitted(survey, mls, [SOLID, WEAK, SOLID, WEAK])
    for ml, dep_amount in zip(mls, [50000, 0, 0, 60000], strict=True):
        for year in YEARS:
            FundingLine.objects.create(mission_locale=ml, year=year, funder_type="etat", category="fonctionnement",
                                       amount=Decimal("1000000"))  # fmt: skip
            if dep_amount:
                FundingLine.objects.create(mission_locale=ml, year=year, funder_type="departement",
                                           funder_code=ml.department_id, category="fonctionnement",
                                           amount=Decimal(dep_amount))  # fmt: skip
    client.force_login(admin)
    page = client.get(reverse("surveys:situations", args=[survey.pk]))
    situations = {row["mission_locale"].pk: row["situation"] for row in page.context["rows"]}
    assert [situations[ml.pk] for ml in mls] == [4, 1, 2, 3]
    assert '"13": 50.0' in page.context["map"] and '"83": 0.0' in page.context["map"]
    export = client.get(reverse("surveys:situations_export", args=[survey.pk, "csv"])).content.decode("utf-8-sig")
    assert f"{mls[0].code};" in export and ";4 — Collaboration solide" in export
    export = client.get(reverse("surveys:situations_export", args=[survey.pk, "csv"]), {"format": "technique"})
    assert f"{mls[0].code}," in export.content.decode() and ",4,4 — Collaboration solide" in export.content.decode()
