"""Reading the reference data: each role × each resource, in and out of the territory (tests/network.py)."""

import pytest

from pilotage.core.roles import Role
from pilotage.reference.models import Department, Region
from tests.api.helpers import LIST_URLS, read_all, resource_of, token_client
from tests.network import expected_keys, user_of

PACA_DEPARTMENTS = {"04", "05", "06", "13", "83", "84"}
REGION_ROLES = {Role.REGIONAL_STATE, Role.REGIONAL_COUNCIL, Role.ARML}
DEPARTMENT_ROLES = {Role.DEPARTMENTAL_STATE, Role.DEPARTMENTAL_COUNCIL}
NATIONAL_ROLES = {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER}


def expected_territories(role) -> tuple[set[str], set[str]]:
    """The region and department codes a role sees, written out independently of the scope code."""
    if role in NATIONAL_ROLES:
        return set(Region.objects.values_list("code", flat=True)), set(
            Department.objects.values_list("code", flat=True)
        )
    if role in REGION_ROLES:
        return {"93"}, PACA_DEPARTMENTS
    if role in DEPARTMENT_ROLES:
        return set(), {"13"}
    return set(), set()  # municipality, Mission Locale director and staff: no territory as a whole


@pytest.mark.parametrize("role", list(Role))
def test_retrieve_is_200_in_the_territory_and_404_outside(network, role):
    client = token_client(user_of(role, network))
    expected = expected_keys(role, network)
    for key, obj in network.items():
        url, _, identifier = resource_of(key)
        response = client.get(f"{url}{identifier(obj)}/")
        assert response.status_code == (200 if key in expected else 404), (role, key, response.status_code)
        if response.status_code == 404:
            assert str(obj) not in response.content.decode(), "a 404 does not name the object"


@pytest.mark.parametrize("role", list(Role))
def test_lists_contain_exactly_the_visible_objects_and_count_them(network, role):
    client = token_client(user_of(role, network))
    expected = expected_keys(role, network)
    for url in set(LIST_URLS) - {"/api/v1/regions/", "/api/v1/departements/"}:
        count, rows = read_all(client, url)
        keys = [key for key in network if resource_of(key)[0] == url]
        _, field, identifier = resource_of(keys[0])
        assert sorted(row[field] for row in rows) == sorted(identifier(network[k]) for k in keys if k in expected), (
            role,
            url,
        )
        assert count == len(rows), (role, url)
    regions, departments = expected_territories(role)
    for url, codes in (("/api/v1/regions/", regions), ("/api/v1/departements/", departments)):
        count, rows = read_all(client, url)
        assert {row["code"] for row in rows} == codes and count == len(rows) == len(codes), (role, url)


def test_the_101_departments_are_paginated_and_counted(network):
    client = token_client(user_of(Role.NATIONAL_OBSERVER, network))
    first = client.get("/api/v1/departements/").json()
    assert first["count"] == 101 and len(first["results"]) == 100 and first["next"]
    count, rows = read_all(client, "/api/v1/departements/")
    assert count == len(rows) == len({row["code"] for row in rows}) == 101


@pytest.mark.parametrize(
    ("role", "department_code", "visible", "hidden"),
    [
        (Role.DEPARTMENTAL_STATE, "83", {"TEST83S00"}, {"TEST13S00", "TEST69S00"}),
        (Role.DEPARTMENTAL_COUNCIL, "69", {"TEST69S00"}, {"TEST13S00", "TEST83S00"}),
        (Role.REGIONAL_STATE, "69", {"TEST69S00"}, {"TEST13S00", "TEST83S00"}),
        (Role.REGIONAL_COUNCIL, "83", {"TEST13S00", "TEST83S00"}, {"TEST69S00"}),
        (Role.ARML, "13", {"TEST13S00", "TEST83S00"}, {"TEST69S00"}),
        (Role.NATIONAL_OBSERVER, "13", {"TEST13S00", "TEST83S00", "TEST69S00"}, set()),
    ],
)
def test_other_territories(make_user, ml_13, ml_83, ml_69, role, department_code, visible, hidden):
    """The same rule holds for users of other departments and regions than the 13 of the network."""
    client = token_client(make_user(role, department_code=department_code))
    count, rows = read_all(client, "/api/v1/missions-locales/")
    assert {row["code_ml"] for row in rows} == visible and count == len(visible)
    for code in visible:
        assert client.get(f"/api/v1/missions-locales/{code}/").status_code == 200
    for code in hidden:
        assert client.get(f"/api/v1/missions-locales/{code}/").status_code == 404


def test_a_mission_locale_covering_a_department_is_seen_from_it(make_user, ml_13):
    ml_13.departments_covered.add("83")
    client = token_client(make_user(Role.DEPARTMENTAL_COUNCIL, department_code="83"))
    assert client.get("/api/v1/missions-locales/TEST13S00/").status_code == 200
    assert [r["code_ml"] for r in client.get("/api/v1/missions-locales/", {"departement": "83"}).json()["results"]] == [
        "TEST13S00"
    ]


def codes(client, params):
    response = client.get("/api/v1/missions-locales/", params)
    assert response.status_code == 200, response.content
    return sorted(row["code_ml"] for row in response.json()["results"])


def test_mission_locale_filters(network):
    client = token_client(user_of(Role.NATIONAL_ADMIN, network))
    network["ml83"].is_active = False
    network["ml83"].save()
    assert codes(client, {"region": "93"}) == ["ML13S00", "ML83S00"]
    assert codes(client, {"region": "84"}) == ["ML69S00"]
    assert codes(client, {"departement": "69"}) == ["ML69S00"]
    assert codes(client, {"actif": "0"}) == ["ML83S00"]
    assert codes(client, {"actif": "1", "region": "93"}) == ["ML13S00"]
    assert codes(client, {"actif": "true", "region": "93"}) == ["ML13S00"]
    assert codes(client, {"q": "treize"}) == ["ML13S00"]
    assert codes(client, {"q": "ml69s00"}) == ["ML69S00"]
    assert codes(client, {"q": network["ml83"].siret}) == ["ML83S00"]
    assert codes(client, {"q": "introuvable"}) == []


def test_other_filters(network):
    client = token_client(user_of(Role.NATIONAL_ADMIN, network))
    rows = read_all(client, "/api/v1/financeurs/", {"type": "departement"})[1]
    assert {r["code"] for r in rows} == {"13", "83", "69"} and {r["type"] for r in rows} == {"departement"}
    assert read_all(client, "/api/v1/departements/", {"region": "93"})[0] == 6
    rows = read_all(client, "/api/v1/services-etat/", {"niveau": "departmental"})[1]
    assert {r["departement"] for r in rows} == {"13", "83", "69"}
    assert [r["region"] for r in read_all(client, "/api/v1/arml/", {"region": "84"})[1]] == ["84"]


@pytest.mark.parametrize(
    ("url", "params"),
    [
        ("/api/v1/missions-locales/", {"actif": "peut-etre"}),
        ("/api/v1/financeurs/", {"type": "mecene"}),
        ("/api/v1/services-etat/", {"niveau": "cantonal"}),
    ],
)
def test_unknown_filter_values_are_refused(network, url, params):
    response = token_client(user_of(Role.NATIONAL_ADMIN, network)).get(url, params)
    assert response.status_code == 400
    assert list(response.json()) == list(params) and "Valeur inconnue" in response.json()[next(iter(params))]


@pytest.mark.parametrize(
    ("url", "params", "expected_count"),
    [
        ("/api/v1/missions-locales/", {"departement": "83"}, 0),
        ("/api/v1/missions-locales/", {"region": "84"}, 0),
        ("/api/v1/missions-locales/", {"q": "Soixante-neuf"}, 0),
        ("/api/v1/departements/", {"region": "84"}, 0),
        ("/api/v1/arml/", {"region": "84"}, 0),
        ("/api/v1/services-etat/", {"niveau": "departmental"}, 1),
        ("/api/v1/financeurs/", {"type": "commune_epci"}, 1),
    ],
)
def test_filtering_on_another_territory_reveals_nothing(network, url, params, expected_count):
    """A departmental council of the 13 filtering on the 83 or the 69 gets an empty list, not a clue."""
    body = token_client(user_of(Role.DEPARTMENTAL_COUNCIL, network)).get(url, params).json()
    assert body["count"] == len(body["results"]) == expected_count, body
    text = str(body["results"])
    assert not any(word in text for word in ("Soixante-neuf", "Quatre-vingt-trois", "'83'", "'69'")), text
