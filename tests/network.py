"""The reference network of the authorization tests, and what each role must see of it.

Missions Locales in the Bouches-du-Rhône (13) and the Var (83), both in Provence-Alpes-Côte d'Azur (93), and in
the Rhône (69, Auvergne-Rhône-Alpes, 84). Every user sits in the 13 (their Mission Locale is the 13's).
"""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from tests.factories import (
    FunderFactory,
    MissionLocaleFactory,
    RegionalAssociationFactory,
    StateServiceFactory,
    department,
    region,
    user_for_role,
)
from tests.replay import replayed

ALL = "all"


@pytest.fixture
@replayed
def network():
    """The network's organisations, written by the factories once per process (tests/replay.py)."""
    objects = {
        "ml13": MissionLocaleFactory(code="ML13S00", name="Mission Locale Treize", department_id="13"),
        "ml83": MissionLocaleFactory(code="ML83S00", name="Mission Locale Quatre-vingt-trois", department_id="83"),
        "ml69": MissionLocaleFactory(code="ML69S00", name="Mission Locale Soixante-neuf", department_id="69"),
        "region93": region("93"),
        "region84": region("84"),
        "dep13": department("13"),
        "dep83": department("83"),
        "dep69": department("69"),
        "arml93": RegionalAssociationFactory(region=region("93")),
        "arml84": RegionalAssociationFactory(region=region("84")),
        "dgefp": StateServiceFactory(),
        "dreets93": StateServiceFactory(regional=True, region=region("93")),
        "dreets84": StateServiceFactory(regional=True, region=region("84")),
        "ddets13": StateServiceFactory(departmental=True, department=department("13")),
        "ddets83": StateServiceFactory(departmental=True, department=department("83")),
        "ddets69": StateServiceFactory(departmental=True, department=department("69")),
        "cr93": FunderFactory(regional_council=True, region=region("93")),
        "cr84": FunderFactory(regional_council=True, region=region("84")),
        "cd13": FunderFactory(departmental_council=True, department=department("13")),
        "cd83": FunderFactory(departmental_council=True, department=department("83")),
        "cd69": FunderFactory(departmental_council=True, department=department("69")),
        "france_travail": FunderFactory(name="France Travail"),
        "epci69": FunderFactory(municipality=True, department=department("69"), name="Métropole Soixante-neuf"),
    }
    epci13 = FunderFactory(municipality=True, department=department("13"), name="Métropole Treize")
    epci13.missions_locales.add(objects["ml13"])
    objects["epci13"] = epci13
    return objects


REGION_93 = {
    "ml13",
    "ml83",
    "region93",
    "dep13",
    "dep83",
    "arml93",
    "dgefp",
    "dreets93",
    "ddets13",
    "ddets83",
    "cr93",
    "cd13",
    "cd83",
    "france_travail",
    "epci13",
}
DEPARTMENT_13 = {
    "ml13",
    "dep13",
    "arml93",
    "dgefp",
    "dreets93",
    "ddets13",
    "cr93",
    "cd13",
    "france_travail",
    "epci13",
}
OWN_ML = {"ml13", "arml93", "dgefp", "dreets93", "cr93", "france_travail"}

EXPECTED = {
    Role.NATIONAL_ADMIN: ALL,
    Role.NATIONAL_OBSERVER: ALL,
    Role.REGIONAL_STATE: REGION_93,
    Role.REGIONAL_COUNCIL: REGION_93,
    Role.ARML: REGION_93,
    Role.DEPARTMENTAL_STATE: DEPARTMENT_13,
    Role.DEPARTMENTAL_COUNCIL: DEPARTMENT_13,
    Role.MUNICIPALITY: OWN_ML | {"epci13"},
    Role.ML_DIRECTOR: OWN_ML,
    Role.ML_STAFF: OWN_ML,
}


def url_of(key, obj):
    if key.startswith("ml"):
        return reverse("reference:mission_locale_detail", args=[obj.code])
    if key.startswith("region"):
        return reverse("reference:region_detail", args=[obj.code])
    if key.startswith("dep"):
        return reverse("reference:department_detail", args=[obj.code])
    kind = {"arml": "arml", "dgefp": "services-etat", "dreets": "services-etat", "ddets": "services-etat"}
    for prefix, value in kind.items():
        if key.startswith(prefix):
            return reverse("reference:organisation_detail", args=[value, obj.pk])
    return reverse("reference:organisation_detail", args=["financeurs", obj.pk])


def user_of(role, network):
    if role == Role.MUNICIPALITY:
        user = user_for_role(role, department_code="13")
        user.funder = network["epci13"]
        user.save()
        return user
    if role == Role.NATIONAL_ADMIN:
        return user_for_role(role)
    return user_for_role(role, department_code="13", mission_locale=network["ml13"])


def expected_keys(role, network):
    return set(network) if EXPECTED[role] == ALL else EXPECTED[role]
