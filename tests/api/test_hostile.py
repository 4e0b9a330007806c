"""Hostile requests, as an integrator's tool (Schemathesis) sends them: never a 5xx, never HTML, never English;
and a schema that tells the truth about them (issue 16: « 5xx » and « The schema lies »)."""

import json

import pytest
from rest_framework.test import APIClient

from pilotage.api.urls import router
from pilotage.core.roles import Role
from pilotage.reference.models import MissionLocale
from tests.api.helpers import token_client
from tests.factories import MissionLocaleFactory, RegionalAssociationFactory, StateServiceFactory

#: every list endpoint of the router (not a hand-kept list: a new resource is covered at once)
LIST_URLS = sorted(f"/api/v1/{prefix}/" for prefix, _, _ in router.registry)
#: the lists outside the router
OTHER_LIST_URLS = ["/api/v1/indicateurs/", "/api/v1/suppressions/"]
#: values that broke, or could break, the parsing of a query parameter
HOSTILE = ["³", "٣", "abc", "", " ", "-1", "0", "1.5", "1e3", "2024\x12", "\x00", "9" * 30, "ä" * 300, "' OR 1=1 --"]
#: English words of Django's and DRF's default messages: none may reach an integrator
ENGLISH = ("No ", "matches the given query", "Not found", "Invalid", "valid integer", "Enter a", "Unsupported")


#: the schema's JSON, fetched once for the module: drf-spectacular builds it from the code at each request (a
#: fraction of a second), the same for every account (public schema, SERVE_PUBLIC), and these tests only read it
_SCHEMA: list[bytes] = []


def schema_of(client) -> dict:
    if not _SCHEMA:
        response = client.get("/api/schema/", {"format": "json"})
        assert response.status_code == 200
        _SCHEMA.append(response.content)
    return json.loads(_SCHEMA[0])


def list_parameters(schema: dict, url: str) -> list[str]:
    return [parameter["name"] for parameter in schema["paths"][url]["get"].get("parameters", [])]


def assert_french_json_error(response, status: int | None = None):
    assert response.status_code < 500, (response.status_code, response.content[:300])
    if status is not None:
        assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    text = json.dumps(response.json(), ensure_ascii=False)
    for word in ENGLISH:
        assert word not in text, text


@pytest.fixture
def national(db):
    from tests.factories import user_for_role

    return token_client(user_for_role(Role.NATIONAL_ADMIN))


def test_the_router_registers_the_twelve_resources():
    assert len(LIST_URLS) == 12


def test_hostile_values_of_every_declared_parameter_on_every_list_never_answer_5xx(national):
    schema = schema_of(national)
    for url in [*LIST_URLS, *OTHER_LIST_URLS]:
        names = list_parameters(schema, url)
        assert "page" in names, url
        for name in [*names, "inconnu"]:
            for value in HOSTILE:
                response = national.get(url, {name: value})
                if response.status_code != 200:
                    assert_french_json_error(response)
                    assert response.status_code in {400, 404}, (url, name, value, response.status_code)
                declared = next((p for p in schema["paths"][url]["get"]["parameters"] if p["name"] == name), None)
                if declared and declared["schema"].get("type") == "integer" and value != "" and value.strip():
                    valid = value.isascii() and value.isdigit()
                    lo, hi = declared["schema"].get("minimum", 0), declared["schema"].get("maximum", 10**12)
                    if not (valid and lo <= int(value) <= hi):
                        assert response.status_code == 400, (url, name, value, response.status_code)


@pytest.mark.parametrize("url", ["/api/v1/lignes-financement/", "/api/v1/dialogues-gestion/",
                                 "/api/v1/programmes-animation/"])  # fmt: skip
@pytest.mark.parametrize("value", ["³", "٣", "abc", "", "1999", "2101", "20 24"])
def test_annee_is_an_integer_within_bounds_declared_so_in_the_schema(national, url, value):
    response = national.get(url, {"annee": value})
    assert_french_json_error(response, 400)
    assert "annee" in response.json()
    parameter = next(p for p in schema_of(national)["paths"][url]["get"]["parameters"] if p["name"] == "annee")
    assert parameter["schema"]["type"] == "integer"
    assert (parameter["schema"]["minimum"], parameter["schema"]["maximum"]) == (2000, 2100)
    assert national.get(url, {"annee": "2024"}).status_code == 200
    assert national.get(url, {"annee": " 2024 "}).status_code == 200


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/api/v1/lignes-financement/", "categorie"),
        ("/api/v1/lignes-financement/", "financeur_type"),
        ("/api/v1/financeurs/", "type"),
        ("/api/v1/services-etat/", "niveau"),
        ("/api/v1/missions-locales/", "actif"),
    ],
)
def test_an_empty_coded_value_is_refused_not_read_as_absent(national, url, name):
    response = national.get(url, {name: ""})
    assert_french_json_error(response, 400)
    assert "Valeur vide" in response.json()[name]
    parameter = next(p for p in schema_of(national)["paths"][url]["get"]["parameters"] if p["name"] == name)
    assert "" not in parameter["schema"]["enum"]


@pytest.mark.parametrize("page", ["0", "-1", "abc", "³", "", "1.0"])
def test_a_page_that_is_not_a_positive_integer_is_400(national, page):
    for url in LIST_URLS:
        assert_french_json_error(national.get(url, {"page": page}), 400)


def test_a_page_past_the_last_is_a_documented_french_404(national):
    schema = schema_of(national)
    for url in LIST_URLS:
        assert_french_json_error(national.get(url, {"page": "999"}), 404)
        operation = schema["paths"][url]["get"]
        assert {"400", "401", "404", "429"} <= set(operation["responses"]), url
        page = next(p for p in operation["parameters"] if p["name"] == "page")
        assert page["schema"]["type"] == "integer" and page["schema"]["minimum"] == 1


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/financeurs/1.0e-5/",
        "/api/v1/financeurs/1.xyz/",
        "/api/v1/financeurs/999999/",
        "/api/v1/missions-locales/INCONNUE/",
        "/api/v1/missions-locales/INCONNUE.json",
        "/api/v1/nulle-part/",
        "/api/v2/",
    ],
)
def test_unknown_objects_and_paths_answer_a_french_json_404(national, path):
    response = national.get(path, follow=True)
    assert_french_json_error(response, 404)
    assert "MissionLocale" not in response.content.decode() and "Funder" not in response.content.decode()


def test_an_unknown_path_is_a_json_404_for_an_anonymous_client_too(db):
    assert_french_json_error(APIClient().get("/api/v1/financeurs/1.0e-5/"), 404)
    assert_french_json_error(APIClient().post("/api/v1/nulle-part/", {"a": 1}), 404)


def test_a_form_body_is_a_documented_415(national, ml_13):
    response = national.patch(
        f"/api/v1/missions-locales/{ml_13.code}/", "nom=X", content_type="application/x-www-form-urlencoded"
    )
    assert_french_json_error(response, 415)
    operation = schema_of(national)["paths"]["/api/v1/missions-locales/{code}/"]["patch"]
    assert "415" in operation["responses"]
    assert set(operation["requestBody"]["content"]) == {"application/json"}


@pytest.mark.parametrize("character", ["\u0012", "\x00", "\n", "\t", "\x7f", "\x85"])
def test_control_characters_in_text_fields_are_refused_in_french(national, ml_13, character):
    before = MissionLocale.objects.get(pk=ml_13.pk)
    for field in ["nom", "nom_usage", "siret", "adresse", "commune", "telephone", "president", "directeur"]:
        response = national.patch(f"/api/v1/missions-locales/{ml_13.code}/", {field: f"A{character}B"}, format="json")
        assert_french_json_error(response, 400)
        assert "aractère" in response.json()[field][0], (field, response.json())
    after = MissionLocale.objects.get(pk=ml_13.pk)
    assert [getattr(after, f.attname) for f in after._meta.concrete_fields] == [
        getattr(before, f.attname) for f in before._meta.concrete_fields
    ], "nothing saved"


def test_text_without_control_characters_is_still_accepted(national, ml_13):
    response = national.patch(f"/api/v1/missions-locales/{ml_13.code}/", {"nom": "Mission « Été » — 13"}, format="json")
    assert response.status_code == 200, response.content
    assert MissionLocale.objects.get(pk=ml_13.pk).name == "Mission « Été » — 13"


def test_every_tag_used_is_declared_with_an_ascii_name_and_a_description(national):
    schema = schema_of(national)
    declared = {tag["name"]: tag.get("description") for tag in schema["tags"]}
    used = {tag for path in schema["paths"].values() for operation in path.values() for tag in operation["tags"]}
    assert used <= set(declared), used - set(declared)
    assert {"Dialogue de gestion", "Animation"} <= used
    for name, description in declared.items():
        assert name.isascii() and description, name


def test_empty_postcodes_and_emails_are_null_and_declared_nullable(national):
    association = RegionalAssociationFactory(postcode="", email="")
    service = StateServiceFactory(regional=True, email="")
    arml = national.get(f"/api/v1/arml/{association.pk}/").json()
    assert (arml["code_postal"], arml["courriel"]) == (None, None)
    assert national.get(f"/api/v1/services-etat/{service.pk}/").json()["courriel"] is None
    components = schema_of(national)["components"]["schemas"]
    for component, field in [
        ("RegionalAssociation", "code_postal"),
        ("RegionalAssociation", "courriel"),
        ("StateService", "courriel"),
        ("MissionLocale", "code_postal"),
        ("MissionLocale", "courriel"),
    ]:
        assert components[component]["properties"][field].get("nullable") is True, (component, field)


def test_a_mission_locale_email_can_be_cleared_with_null_or_empty(national):
    ml = MissionLocaleFactory(code="TEST13S01", email="a@b.fr", postcode="13001")
    url = f"/api/v1/missions-locales/{ml.code}/"
    body = national.patch(url, {"courriel": None, "code_postal": ""}, format="json").json()
    assert (body["courriel"], body["code_postal"]) == (None, None)
    ml.refresh_from_db()
    assert (ml.email, ml.postcode) == ("", "")
    assert national.patch(url, {"courriel": "x@y.fr"}, format="json").json()["courriel"] == "x@y.fr"


def test_a_path_holding_a_newline_is_a_json_404(national):
    response = national.get("/api/v1/conventions/1/documents/a%0Ab/")
    assert response.status_code == 404
    assert_french_json_error(response, 404)
