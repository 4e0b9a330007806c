"""The dashboard home: the user's own place first, places grouped by region, a search by name, code or town."""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.indicators.places import folded, places_for
from tests.factories import MissionLocaleFactory, user_for_role

pytestmark = pytest.mark.django_db


@pytest.fixture
def mls(db):
    return {
        "marseille": MissionLocaleFactory(
            code="13201S00",
            name="13-ML MARSEILLE",
            usual_name="Mission Locale de Marseille",
            city="Marseille",
            department_id="13",
        ),  # fmt: skip
        "aix": MissionLocaleFactory(
            code="13001S00", name="Mission Locale du Pays d'Aix", city="Aix-en-Provence", department_id="13"
        ),  # fmt: skip
        "evry": MissionLocaleFactory(
            code="91228S00", name="Mission Locale Centre Essonne", city="Évry-Courcouronnes", department_id="91"
        ),  # fmt: skip
        "closed": MissionLocaleFactory(
            code="13999S00", name="Mission Locale fermée", is_active=False, department_id="13"
        ),  # fmt: skip
    }


def names(places) -> set[str]:
    found = {p.name for p in places.own}
    found |= {places.national.name} if places.national else set()
    for g in places.groups:
        found |= {g.region.name} | {p.name for p in g.departments} | {p.name for p in g.missions_locales}
    return found


def test_the_national_level_sees_every_region_with_its_departments_and_missions_locales(mls):
    places = places_for(user_for_role(Role.NATIONAL_ADMIN))
    assert places.national.code == "FR" and places.own == []
    assert len(places.groups) == 18 and [g.region.name for g in places.groups][8:11] == [
        "Hauts-de-France",
        "Île-de-France",
        "La Réunion",
    ]  # alphabetical as a reader expects: accents ignored
    paca = next(g for g in places.groups if g.region.code == "93")
    assert [p.code for p in paca.departments] == ["04", "05", "06", "13", "83", "84"]
    assert [p.name for p in paca.missions_locales] == ["Mission Locale de Marseille", "Mission Locale du Pays d'Aix"]
    assert paca.missions_locales[0].detail == "Marseille, Bouches-du-Rhône (13)"
    assert "Mission Locale fermée" not in names(places)
    assert places.count == 1 + 18 + 101 + 3  # France, regions, departments, active Missions Locales


def test_each_user_finds_its_own_place_first(mls):
    director = user_for_role(Role.ML_DIRECTOR, mission_locale=mls["marseille"])
    assert [p.code for p in places_for(director).own] == ["13201S00"]
    assert [(p.level, p.code) for p in places_for(user_for_role(Role.DEPARTMENTAL_STATE)).own] == [
        ("departement", "13")
    ]
    assert [(p.level, p.code) for p in places_for(user_for_role(Role.REGIONAL_STATE)).own] == [("region", "93")]
    council = places_for(user_for_role(Role.DEPARTMENTAL_COUNCIL, department_code="91"))
    assert names(council) >= {"Mission Locale Centre Essonne"} and "Mission Locale de Marseille" not in names(council)


@pytest.mark.parametrize(("query", "expected"), [
    ("marseille", {"Mission Locale de Marseille"}),
    ("EVRY", {"Mission Locale Centre Essonne"}),  # case and accents ignored, the town is searched
    ("13001", {"Mission Locale du Pays d'Aix"}),  # the structure code
    ("aix", {"Mission Locale du Pays d'Aix"}),
    ("zzz", set()),
])  # fmt: skip
def test_the_search_finds_a_mission_locale_by_name_code_or_town(mls, query, expected):
    places = places_for(user_for_role(Role.NATIONAL_ADMIN), query)
    assert {p.name for g in places.groups for p in g.missions_locales} == expected
    assert places.national is None


def test_a_region_that_matches_keeps_all_its_places(mls):
    places = places_for(user_for_role(Role.NATIONAL_ADMIN), "cote d'azur")
    (group,) = places.groups
    assert group.region.code == "93" and len(group.departments) == 6 and len(group.missions_locales) == 2


def test_folding():
    assert folded("Évry-Courcouronnes") == "evry-courcouronnes" and folded("Côte d’Azur").startswith("cote")


def test_the_page_lists_and_filters_without_javascript(client, mls):
    client.force_login(user_for_role(Role.NATIONAL_ADMIN))
    page = client.get(reverse("indicators:home")).content.decode()
    assert page.count('data-search="') == 1 + 18 + 101 + 3 and "Provence-Alpes-Côte d&#x27;Azur" in page
    found = client.get(reverse("indicators:home"), {"q": "Marseille"}).content.decode()
    assert reverse("indicators:dashboard", args=["ml", "13201S00"]) in found
    assert reverse("indicators:dashboard", args=["ml", "91228S00"]) not in found
    assert "1 résultat pour « Marseille »" in found
    assert client.get(reverse("indicators:home"), {"q": "x" * 5000}).status_code == 200
