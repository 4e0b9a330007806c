"""Changing a Mission Locale through the API: who may, which fields, within which territory, and the audit."""

import pytest

from pilotage.core.identifiers import fake_siret
from pilotage.core.roles import Role
from pilotage.reference.models import MissionLocale
from tests.api.helpers import token_client
from tests.network import expected_keys, user_of

#: who may change which Mission Locale of the network, written out (the rule of reference.perms)
EDITS = {
    Role.NATIONAL_ADMIN: {"ml13", "ml83", "ml69"},
    Role.REGIONAL_STATE: {"ml13", "ml83"},
    Role.DEPARTMENTAL_STATE: {"ml13"},
    Role.ML_DIRECTOR: {"ml13"},
}
#: the API fields a director may change (MISSION_LOCALE_DIRECTOR_FIELDS in the API's words)
DIRECTOR_FIELDS = {"nom_usage", "adresse", "code_postal", "commune", "courriel", "telephone", "president", "directeur"}
NEW_VALUES = {
    "nom": "Mission Locale renommée",
    "nom_usage": "ML renommée",
    "siret": fake_siret(4242),
    "forme_juridique": "gip",
    "departement": "83",
    "departements_couverts": ["84"],
    "actif": False,
    "adresse": "1 place de la Mairie",
    "code_postal": "13100",
    "commune": "Aix-en-Provence",
    "courriel": "contact@ml-exemple.fr",
    "telephone": "04 00 00 00 00",
    "president": "Dominique Essai",
    "directeur": "Claude Essai",
}


def patch(client, code, data):
    return client.patch(f"/api/v1/missions-locales/{code}/", data, format="json")


@pytest.mark.parametrize("role", list(Role))
def test_patch_matrix(network, role):
    """Every role × every Mission Locale: 200 if they may change it, 403 if they only see it, 404 otherwise."""
    user = user_of(role, network)
    client = token_client(user)
    visible = expected_keys(role, network)
    for key in ("ml13", "ml83", "ml69"):
        ml = network[key]
        response = patch(client, ml.code, {"president": f"Présidence par {role}"})
        expected = 200 if key in EDITS.get(role, set()) else 403 if key in visible else 404
        assert response.status_code == expected, (role, key, response.status_code, response.content)
        ml.refresh_from_db()
        assert (ml.president == f"Présidence par {role}") == (expected == 200), (role, key)
        if expected == 200:
            assert response.json()["president"] == ml.president
            record = ml.history.first()
            assert record.history_user == user and record.history_change_reason == "API"
            assert record.president == ml.president
        elif expected == 403:
            assert response.json()["detail"] == "Vous ne pouvez pas modifier cette Mission Locale."
        else:
            assert ml.name not in response.content.decode()


@pytest.mark.parametrize("field", sorted(NEW_VALUES))
def test_a_director_changes_only_contact_and_governance_fields(network, field):
    client = token_client(user_of(Role.ML_DIRECTOR, network))
    before = client.get("/api/v1/missions-locales/ML13S00/").json()
    response = patch(client, "ML13S00", {field: NEW_VALUES[field]})
    after = client.get("/api/v1/missions-locales/ML13S00/").json()
    if field in DIRECTOR_FIELDS:
        assert response.status_code == 200, response.content
        assert after[field] == NEW_VALUES[field]
    else:
        assert response.status_code == 403
        assert response.json()["detail"] == f"Vous ne pouvez pas modifier le champ « {field} »."
        assert after == before


def test_a_director_is_told_every_refused_field_and_nothing_is_saved(network):
    client = token_client(user_of(Role.ML_DIRECTOR, network))
    response = patch(client, "ML13S00", {"siret": NEW_VALUES["siret"], "nom": "Autre", "president": "Alex"})
    assert response.status_code == 403
    assert response.json()["detail"] == "Vous ne pouvez pas modifier les champs « nom », « siret »."
    network["ml13"].refresh_from_db()
    assert network["ml13"].president != "Alex" and network["ml13"].name == "Mission Locale Treize"


def test_a_director_may_send_back_unchanged_identity_fields(network):
    """A client reading the record, changing one field and sending it all back is not refused."""
    client = token_client(user_of(Role.ML_DIRECTOR, network))
    record = client.get("/api/v1/missions-locales/ML13S00/").json()
    record["telephone"] = "04 11 22 33 44"
    response = patch(client, "ML13S00", record)
    assert response.status_code == 200, response.content
    assert response.json() == record


@pytest.mark.parametrize("role", [Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE])
def test_state_services_change_every_field(network, role):
    client = token_client(user_of(role, network))
    data = {key: value for key, value in NEW_VALUES.items() if key not in {"departement", "departements_couverts"}}
    response = patch(client, "ML13S00", data)
    assert response.status_code == 200, response.content
    assert {key: response.json()[key] for key in data} == data
    ml = MissionLocale.objects.get(code="ML13S00")
    assert (ml.name, ml.siret, ml.legal_form, ml.is_active) == ("Mission Locale renommée", data["siret"], "gip", False)


@pytest.mark.parametrize(
    ("role", "data", "expected"),
    [
        (Role.DEPARTMENTAL_STATE, {"departements_couverts": ["83"]}, 403),
        (Role.DEPARTMENTAL_STATE, {"departement": "83"}, 403),
        (Role.REGIONAL_STATE, {"departements_couverts": ["83", "84"]}, 200),
        (Role.REGIONAL_STATE, {"departement": "83"}, 200),
        (Role.REGIONAL_STATE, {"departement": "69"}, 403),
        (Role.REGIONAL_STATE, {"departements_couverts": ["69"]}, 403),
        (Role.NATIONAL_ADMIN, {"departement": "69", "departements_couverts": ["01"]}, 200),
    ],
)
def test_departments_are_changed_within_the_editors_territory(network, role, data, expected):
    response = patch(token_client(user_of(role, network)), "ML13S00", data)
    assert response.status_code == expected, response.content
    ml = MissionLocale.objects.get(code="ML13S00")
    covered = sorted(ml.departments_covered.values_list("code", flat=True))
    if expected == 200:
        assert (ml.department_id, covered) == (
            data.get("departement", "13"),
            sorted(data.get("departements_couverts", [])),
        )
    else:
        assert "hors de votre territoire" in response.json()["detail"]
        assert (ml.department_id, covered) == ("13", [])


def test_a_ddets_may_not_detach_a_mission_locale_from_another_department(network):
    network["ml13"].departments_covered.add("83")
    response = patch(token_client(user_of(Role.DEPARTMENTAL_STATE, network)), "ML13S00", {"departements_couverts": []})
    assert response.status_code == 403 and "83" in response.json()["detail"]


def test_the_seat_is_not_repeated_among_the_departments_covered(network):
    client = token_client(user_of(Role.REGIONAL_STATE, network))
    assert patch(client, "ML13S00", {"departements_couverts": ["13", "83"]}).json()["departements_couverts"] == ["83"]
    assert patch(client, "ML13S00", {"departement": "83"}).json()["departements_couverts"] == []


def test_the_token_user_is_recorded_on_every_history_row(network):
    """The record and its departments covered (m2m) are audited under the token's user, with the reason."""
    user = user_of(Role.NATIONAL_ADMIN, network)
    ml = network["ml13"]
    already = set(ml.history.values_list("history_id", flat=True))
    response = patch(token_client(user), "ML13S00", {"nom": "Renommée", "departements_couverts": ["83", "84"]})
    assert response.status_code == 200
    rows = ml.history.exclude(history_id__in=already)
    assert rows.exists()
    assert {(row.history_user_id, row.history_change_reason) for row in rows} == {(user.pk, "API")}
    assert rows.first().name == "Renommée"
    assert sorted(d.department_id for d in rows.first().departments_covered.all()) == ["83", "84"]


def test_a_session_patch_is_recorded_under_the_session_user(client, network):
    user = user_of(Role.DEPARTMENTAL_STATE, network)
    client.force_login(user)
    response = client.patch("/api/v1/missions-locales/ML13S00/", {"commune": "Arles"}, content_type="application/json")
    assert response.status_code == 200, response.content
    record = network["ml13"].history.first()
    assert (record.city, record.history_user) == ("Arles", user)


def test_an_unchanged_patch_writes_no_history(network):
    client = token_client(user_of(Role.NATIONAL_ADMIN, network))
    count = network["ml13"].history.count()
    assert patch(client, "ML13S00", {"nom": "Mission Locale Treize", "code_ml": "ML13S00"}).status_code == 200
    assert network["ml13"].history.count() == count


def test_unknown_and_read_only_fields_are_refused_not_ignored(network):
    client = token_client(user_of(Role.NATIONAL_ADMIN, network))
    response = patch(client, "ML13S00", {"presidente": "Alex"})
    assert response.status_code == 400 and response.json() == {"presidente": ["Champ inconnu."]}
    response = patch(client, "ML13S00", {"code_ml": "AUTRE", "region": "84"})
    assert response.status_code == 400
    assert response.json() == {
        "code_ml": ["Ce champ n'est pas modifiable."],
        "region": ["Ce champ n'est pas modifiable."],
    }
    assert MissionLocale.objects.filter(code="ML13S00").exists()


def test_siret_is_checked_and_normalised(network):
    client = token_client(user_of(Role.NATIONAL_ADMIN, network))
    response = patch(client, "ML13S00", {"siret": "12345678901234"})
    assert response.status_code == 400 and "Luhn" in response.json()["siret"][0]
    response = patch(client, "ML13S00", {"siret": network["ml83"].siret})
    assert response.status_code == 400 and response.json()["siret"] == ["Une autre Mission Locale a déjà ce SIRET."]
    siret = fake_siret(4343)
    spaced = f"{siret[:3]} {siret[3:6]} {siret[6:9]} {siret[9:]}"
    assert patch(client, "ML13S00", {"siret": spaced}).json()["siret"] == siret
    assert patch(client, "ML13S00", {"siret": ""}).json()["siret"] is None
    assert patch(client, "ML83S00", {"siret": None}).json()["siret"] is None, "several may have none"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code_postal": "1300"}, "code_postal"),
        ({"courriel": "pas-une-adresse"}, "courriel"),
        ({"nom": "x" * 201}, "nom"),
        ({"departement": "99"}, "departement"),
        ({"forme_juridique": "sarl"}, "forme_juridique"),
        ({"nom": ""}, "nom"),
    ],
)
def test_invalid_values_are_400_with_the_field(network, data, field):
    response = patch(token_client(user_of(Role.NATIONAL_ADMIN, network)), "ML13S00", data)
    assert response.status_code == 400 and field in response.json(), response.content


def test_put_and_form_bodies_are_not_accepted(network):
    client = token_client(user_of(Role.NATIONAL_ADMIN, network))
    assert client.put("/api/v1/missions-locales/ML13S00/", {"nom": "X"}, format="json").status_code == 405
    assert client.patch("/api/v1/missions-locales/ML13S00/", {"nom": "X"}).status_code == 415  # multipart
    assert client.post("/api/v1/missions-locales/", {"nom": "X"}, format="json").status_code == 405
    assert client.delete("/api/v1/missions-locales/ML13S00/").status_code == 405
