"""Authorization matrix: every role × every kind of object, in and out of its territory, by page and export.

The network: Missions Locales in the Bouches-du-Rhône (13) and the Var (83), both in Provence-Alpes-Côte
d'Azur (93), and in the Rhône (69, Auvergne-Rhône-Alpes, 84). Every user sits in the 13 (their Mission Locale
is the 13's). Outside the territory the answer is always 404, never 403, and the names never leak.
"""

import pytest
from django.urls import reverse

from pilotage.core.roles import Role
from pilotage.reference.models import StateService, StateServiceLevel
from tests.factories import StateServiceFactory, user_for_role
from tests.network import EXPECTED, expected_keys, url_of, user_of


def test_no_role_is_forgotten():
    assert set(EXPECTED) == set(Role)


@pytest.mark.parametrize("role", list(Role))
def test_pages_follow_the_territory(client, network, role):
    user = user_of(role, network)
    client.force_login(user)
    expected = expected_keys(role, network)
    for key, obj in network.items():
        response = client.get(url_of(key, obj))
        assert response.status_code == (200 if key in expected else 404), (role, key, response.status_code)


@pytest.mark.parametrize("role", list(Role))
def test_lists_and_exports_never_leak(client, network, role):
    user = user_of(role, network)
    client.force_login(user)
    expected = expected_keys(role, network)
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
        expected = expected_keys(role, network)
        assert response.status_code == (200 if key in expected else 404), (role, param, code, fmt)


def test_department_export_lists_its_missions_locales(client, network):
    client.force_login(user_of(Role.DEPARTMENTAL_COUNCIL, network))
    response = client.get(reverse("reference:mission_locale_export", args=["csv"]), {"departement": "13"})
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Code Mission Locale;Nom;Nom d'usage;SIRET")
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


def test_admin_changes_are_audited_with_the_user(client, network):
    user = user_for_role(Role.NATIONAL_ADMIN)
    client.force_login(user)
    ml = network["ml13"]
    url = reverse("admin:reference_missionlocale_change", args=[ml.pk])
    form = client.get(url).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data.update({"department": "13", "departments_covered": [], "president": "Sacha Témoin", "is_active": "on"})
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record = ml.history.first()
    assert record.president == "Sacha Témoin" and record.history_user == user
    assert client.get(reverse("admin:reference_missionlocale_history", args=[ml.pk])).status_code == 200


def test_a_ddets_cannot_move_a_mission_locale_out_of_its_territory(client, network):
    client.force_login(user_for_role(Role.DEPARTMENTAL_STATE, department_code="13"))
    ml = network["ml13"]
    url = reverse("reference:mission_locale_edit", args=[ml.code])
    data = {"name": ml.name, "siret": ml.siret, "legal_form": ml.legal_form, "department": "69", "is_active": "on"}
    page = client.post(url, data).content.decode()
    assert "hors de votre territoire : 69." in page
    ml.refresh_from_db()
    assert ml.department_id == "13"
    assert client.post(url, {**data, "department": "13", "president": "Lou Essai"}).status_code == 302
