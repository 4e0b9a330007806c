"""Authorization matrix: every role × every kind of object, in and out of its territory, by page and export.

The network: Missions Locales in the Bouches-du-Rhône (13) and the Var (83), both in Provence-Alpes-Côte
d'Azur (93), and in the Rhône (69, Auvergne-Rhône-Alpes, 84). Every user sits in the 13 (their Mission Locale
is the 13's). Outside the territory the answer is always 404, never 403, and the names never leak.
"""

import pytest
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.reference.models import StateService, StateServiceLevel
from tests.factories import (
    FunderFactory,
    MissionLocaleFactory,
    RegionalAssociationFactory,
    StateServiceFactory,
    department,
    region,
    user_for_role,
)

ALL = "all"


@pytest.fixture
def network(db):
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


def test_no_role_is_forgotten():
    assert set(EXPECTED) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_pages_follow_the_territory(client, network, role):
    user = user_of(role, network)
    client.force_login(user)
    expected = set(network) if EXPECTED[role] == ALL else EXPECTED[role]
    for key, obj in network.items():
        response = client.get(url_of(key, obj))
        assert response.status_code == (200 if key in expected else 404), (role, key, response.status_code)


@pytest.mark.parametrize("role", list(Role))
def test_lists_and_exports_never_leak(client, network, role):
    user = user_of(role, network)
    client.force_login(user)
    expected = set(network) if EXPECTED[role] == ALL else EXPECTED[role]
    listing = client.get(reverse("reference:mission_locale_list")).content.decode()
    export = client.get(reverse("reference:mission_locale_export", args=["csv"])).content.decode("utf-8-sig")
    organisations = client.get(reverse("reference:organisation_list")).content.decode()
    for key in ("ml13", "ml83", "ml69"):
        name = network[key].name
        assert (name in listing) == (key in expected), (role, key)
        assert (name in export) == (key in expected), (role, key)
    for key in ("cd13", "cd83", "cd69", "epci13", "epci69", "cr84"):
        assert (network[key].name in organisations) == (key in expected), (role, key)


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize(
    "param,code", [("departement", "83"), ("departement", "69"), ("region", "84"), ("departement", "13")]
)
def test_export_of_another_territory_is_404(client, network, role, param, code):
    client.force_login(user_of(role, network))
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("reference:mission_locale_export", args=[fmt]), {param: code})
        key = ("dep" if param == "departement" else "region") + code
        expected = set(network) if EXPECTED[role] == ALL else EXPECTED[role]
        assert response.status_code == (200 if key in expected else 404), (role, param, code, fmt)


def test_department_export_lists_its_missions_locales(client, network):
    client.force_login(user_of(Role.DEPARTMENTAL_COUNCIL, network))
    response = client.get(reverse("reference:mission_locale_export", args=["csv"]), {"departement": "13"})
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("code_ml;nom;nom_usage;siret")
    assert [line.split(";")[0] for line in lines[1:]] == ["ML13S00"]
    assert response["Content-Disposition"] == 'attachment; filename="missions_locales.csv"'


EDITORS = {Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE, Role.ML_DIRECTOR}


@pytest.mark.parametrize("role", list(Role))
def test_edit_page_matrix(client, network, role):
    client.force_login(user_of(role, network))
    own = client.get(reverse("reference:mission_locale_edit", args=["ML13S00"]))
    assert own.status_code == (200 if role in EDITORS else 404)
    other = client.get(reverse("reference:mission_locale_edit", args=["ML69S00"]))
    assert other.status_code == (200 if role == Role.NATIONAL_ADMIN else 404)


def test_director_changes_contacts_and_the_change_is_audited(client, network):
    director = user_of(Role.ML_DIRECTOR, network)
    client.force_login(director)
    ml = network["ml13"]
    url = reverse("reference:mission_locale_edit", args=[ml.code])
    form_fields = client.get(url).context["form"].fields
    assert "siret" not in form_fields and "president" in form_fields
    response = client.post(
        url,
        {
            "usual_name": ml.usual_name,
            "president": "Dominique Exemple",
            "city": ml.city,
            "address": "",
            "postcode": "",
            "email": "",
            "phone": "",
            "director": "",
        },
    )
    assert response.status_code == 302
    ml.refresh_from_db()
    assert ml.president == "Dominique Exemple"
    last = ml.history.first()
    assert last.history_user == director and last.history_type == "~"
    page = client.get(reverse("reference:mission_locale_detail", args=[ml.code])).content.decode()
    assert "Dominique Exemple" in page and str(director) in page


def test_director_cannot_smuggle_identity_fields(client, network):
    client.force_login(user_of(Role.ML_DIRECTOR, network))
    ml = network["ml13"]
    client.post(
        reverse("reference:mission_locale_edit", args=[ml.code]),
        {"president": "X", "siret": "99900000300015", "department": "69"},
    )
    ml.refresh_from_db()
    assert ml.department_id == "13" and ml.siret != "99900000300015"


@pytest.mark.parametrize("role", [r for r in Role if r != Role.NATIONAL_ADMIN])
def test_admin_and_imports_are_reserved_to_the_dgefp(client, network, role):
    client.force_login(user_of(role, network))
    assert client.get(reverse("admin:index")).status_code == 302  # to the admin login: no access
    assert client.get(reverse("reference:import")).status_code == 404


def test_dgefp_reaches_the_admin(client, network):
    user = user_for_role(Role.NATIONAL_ADMIN)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:index")).status_code == 200
    assert client.get(reverse("admin:reference_missionlocale_changelist")).status_code == 200


def test_anonymous_is_sent_to_login(client, network):
    response = client.get(reverse("reference:mission_locale_detail", args=["ML13S00"]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_national_state_service_is_unique(db):
    StateServiceFactory()
    assert StateService.objects.filter(level=StateServiceLevel.NATIONAL).count() == 1
