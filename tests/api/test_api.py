"""The API follows the same territorial rule as the pages: each role × each resource, in and out of territory."""

import pytest
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from pilotage.accounts.models import Role
from pilotage.api.services import api_token_rotate
from tests.network import expected_keys, user_of

RESOURCES = {
    # key prefix → (list URL, how to build the detail URL from the object)
    "ml": ("/api/v1/missions-locales/", lambda o: o.code),
    "region": ("/api/v1/regions/", lambda o: o.code),
    "dep": ("/api/v1/departements/", lambda o: o.code),
    "arml": ("/api/v1/arml/", lambda o: o.pk),
    "dgefp": ("/api/v1/services-etat/", lambda o: o.pk),
    "dreets": ("/api/v1/services-etat/", lambda o: o.pk),
    "ddets": ("/api/v1/services-etat/", lambda o: o.pk),
}
FUNDERS = ("/api/v1/financeurs/", lambda o: o.pk)


def resource_of(key):
    for prefix, resource in RESOURCES.items():
        if key.startswith(prefix):
            return resource
    return FUNDERS


def api_client(user):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_rotate(user=user)}")
    return client


@pytest.mark.parametrize("role", list(Role))
def test_retrieve_matrix(network, role):
    client = api_client(user_of(role, network))
    expected = expected_keys(role, network)
    for key, obj in network.items():
        url, lookup = resource_of(key)
        response = client.get(f"{url}{lookup(obj)}/")
        assert response.status_code == (200 if key in expected else 404), (role, key, response.status_code)


@pytest.mark.parametrize("role", list(Role))
def test_lists_contain_exactly_the_visible_objects(network, role):
    client = api_client(user_of(role, network))
    expected = expected_keys(role, network)
    missions_locales = client.get("/api/v1/missions-locales/").json()
    codes = {row["code_ml"] for row in missions_locales["results"]}
    assert codes == {network[k].code for k in ("ml13", "ml83", "ml69") if k in expected}
    assert missions_locales["count"] == len(codes)
    funders = client.get("/api/v1/financeurs/").json()
    names = {row["nom"] for row in funders["results"]}
    for key in ("cr93", "cr84", "cd13", "cd83", "cd69", "epci13", "epci69", "france_travail"):
        assert (network[key].name in names) == (key in expected), (role, key)
    departments = {row["code"] for row in client.get("/api/v1/departements/").json()["results"]}
    for key in ("dep13", "dep83", "dep69"):
        assert (network[key].code in departments) == (key in expected), (role, key)


def test_filters(network):
    client = api_client(user_of(Role.NATIONAL_ADMIN, network))
    rows = client.get("/api/v1/missions-locales/", {"region": "93"}).json()["results"]
    assert {r["code_ml"] for r in rows} == {"ML13S00", "ML83S00"}
    rows = client.get("/api/v1/missions-locales/", {"departement": "69"}).json()["results"]
    assert [r["code_ml"] for r in rows] == ["ML69S00"]
    rows = client.get("/api/v1/missions-locales/", {"q": "treize"}).json()["results"]
    assert [r["code_ml"] for r in rows] == ["ML13S00"]
    rows = client.get("/api/v1/financeurs/", {"type": "departement"}).json()["results"]
    assert {r["code"] for r in rows} >= {"13", "83", "69"} and all(r["type"] == "departement" for r in rows)
    assert client.get("/api/v1/departements/", {"region": "93"}).json()["count"] == 6


def test_filtering_another_territory_reveals_nothing(network):
    client = api_client(user_of(Role.DEPARTMENTAL_COUNCIL, network))
    body = client.get("/api/v1/missions-locales/", {"departement": "83"}).json()
    assert body["count"] == 0 and body["results"] == []


def test_authentication_is_required_and_checked(network):
    assert APIClient().get("/api/v1/missions-locales/").status_code == 401
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")
    assert client.get("/api/v1/missions-locales/").status_code == 401


def test_token_rotation_invalidates_the_old_one(network):
    user = user_of(Role.DEPARTMENTAL_STATE, network)
    old = api_token_rotate(user=user)
    new = api_token_rotate(user=user)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {old}")
    assert client.get("/api/v1/regions/").status_code == 401
    client.credentials(HTTP_AUTHORIZATION=f"Token {new}")
    assert client.get("/api/v1/regions/").status_code == 200


def test_session_authentication_for_the_browsable_api(client, network):
    client.force_login(user_of(Role.ML_STAFF, network))
    response = client.get("/api/v1/missions-locales/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and "Mission Locale Treize" in response.content.decode()


def test_me(network):
    body = api_client(user_of(Role.REGIONAL_STATE, network)).get("/api/v1/moi/").json()
    assert body["role"] == "regional_state" and body["perimetre"]["regions"] == ["93"]
    assert "13" in body["perimetre"]["departements"] and body["perimetre"]["national"] is False


EDITORS = {Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE, Role.ML_DIRECTOR}


@pytest.mark.parametrize("role", list(Role))
def test_patch_matrix(network, role):
    user = user_of(role, network)
    client = api_client(user)
    own = client.patch("/api/v1/missions-locales/ML13S00/", {"president": "Alex Essai"}, format="json")
    assert own.status_code == (200 if role in EDITORS else 403), (role, own.status_code)
    other = client.patch("/api/v1/missions-locales/ML69S00/", {"president": "Alex Essai"}, format="json")
    if role == Role.NATIONAL_ADMIN:
        assert other.status_code == 200
    elif role in {Role.NATIONAL_OBSERVER}:
        assert other.status_code == 403  # sees it, may not change it
    else:
        assert other.status_code == 404, (role, other.status_code)
    network["ml13"].refresh_from_db()
    if role in EDITORS:
        record = network["ml13"].history.first()
        assert network["ml13"].president == "Alex Essai"
        assert record.history_user == user and record.history_change_reason == "API"
    else:
        assert network["ml13"].president != "Alex Essai"


def test_director_may_not_change_identity_fields(network):
    client = api_client(user_of(Role.ML_DIRECTOR, network))
    response = client.patch("/api/v1/missions-locales/ML13S00/", {"siret": "99900000300015"}, format="json")
    assert response.status_code == 403
    assert "siret" in response.json()["detail"]
    network["ml13"].refresh_from_db()
    assert network["ml13"].siret != "99900000300015"


def test_patch_validates_siret(network):
    client = api_client(user_of(Role.NATIONAL_ADMIN, network))
    response = client.patch("/api/v1/missions-locales/ML13S00/", {"siret": "12345678901234"}, format="json")
    assert response.status_code == 400 and "Luhn" in response.json()["siret"][0]


def test_schema_and_docs_are_served_without_external_assets(client, db, tmp_path):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200 and b"/api/v1/missions-locales/" in schema.content
    for url in ("/api/docs/", "/api/redoc/"):
        page = client.get(url).content.decode()
        assert "http://" not in page.replace("http://testserver", "") and "https://" not in page, url
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))


def test_token_page_and_command(client, network, capsys):
    user = user_of(Role.ARML, network)
    client.force_login(user)
    assert "pas encore de jeton" in client.get("/api/jeton/").content.decode()
    page = client.post("/api/jeton/").content.decode()
    key = Token.objects.get(user=user).key
    assert key in page
    assert key not in client.get("/api/jeton/").content.decode(), "the key is shown once"
    call_command("create_api_token", user.email)
    assert Token.objects.get(user=user).key == capsys.readouterr().out.strip() != key
