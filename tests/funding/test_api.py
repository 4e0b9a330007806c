"""Funding resources of the API follow the same visibility as the pages."""

import pytest

from pilotage.core.roles import Role
from tests.api.helpers import read_all, token_client
from tests.funding.conftest import VISIBLE
from tests.network import user_of


@pytest.mark.parametrize("role", list(Role))
def test_funding_lines_and_conventions_by_api(network, funded, role):
    client = token_client(user_of(role, network))
    _, lines = read_all(client, "/api/v1/lignes-financement/")
    assert {row["id"] for row in lines} == {funded[k].pk for k in VISIBLE[role] if k.startswith("line")}
    _, conventions = read_all(client, "/api/v1/conventions/")
    assert {row["id"] for row in conventions} == {funded[k].pk for k in VISIBLE[role] if not k.startswith("line")}
    for key in ("line13cd", "line83cd", "line69state"):
        response = client.get(f"/api/v1/lignes-financement/{funded[key].pk}/")
        assert response.status_code == (200 if key in VISIBLE[role] else 404), (role, key)
    for key in ("cpo13", "cpo69", "cd83conv"):
        response = client.get(f"/api/v1/conventions/{funded[key].pk}/")
        assert response.status_code == (200 if key in VISIBLE[role] else 404), (role, key)


def test_funding_line_fields_and_filters(network, funded):
    client = token_client(user_of(Role.NATIONAL_ADMIN, network))
    row = client.get(f"/api/v1/lignes-financement/{funded['line13cd'].pk}/").json()
    assert row.pop("modifie_le") is not None  # created: one history record
    expected = {"id": funded["line13cd"].pk, "code_ml": "ML13S00", "annee": 2024, "financeur_type": "departement",
                "financeur_code": "13", "categorie": "fonctionnement", "theme": "", "montant": "1000.00"}  # fmt: skip
    assert row == expected
    _, rows = read_all(client, "/api/v1/lignes-financement/", {"financeur_type": "etat"})
    assert {r["code_ml"] for r in rows} == {"ML13S00", "ML69S00"}
    assert client.get("/api/v1/lignes-financement/", {"financeur_type": "mairie"}).status_code == 400
    assert client.get("/api/v1/lignes-financement/", {"annee": "deux"}).status_code == 400
    cpo = client.get(f"/api/v1/conventions/{funded['cpo13'].pk}/").json()
    assert (cpo["type"], cpo["code_ml"], cpo["subvention_annuelle_prevue"]) == ("cpo", "ML13S00", "1000000.00")


def test_anonymous_gets_401(db):
    from rest_framework.test import APIClient

    for url in ("/api/v1/lignes-financement/", "/api/v1/conventions/"):
        assert APIClient().get(url).status_code == 401
