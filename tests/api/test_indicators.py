"""`/api/v1/indicateurs/`: the same entities and the same masking as the dashboard, role by role (the dashboard's
CSV export is the oracle), the filters, the version read."""

import csv
import io

import pytest
from django.urls import reverse

from pilotage.accounts.models import Role
from pilotage.indicators.services import indicator_results_load
from tests.api.helpers import read_all, token_client
from tests.indicators.test_pages import ENTITIES, HEADER, SEES, UNMASKED, results  # noqa: F401  (fixture)
from tests.network import user_of

URL = "/api/v1/indicateurs/"
NATIONAL = {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER}


def rows_by_key(client, params=None):
    count, rows = read_all(client, URL, {"annee": 2024, "taille": 1000, **(params or {})})
    assert count == len(rows)
    return {(r["niveau"], r["code"], r["indicateur"], r["ventilation"]): r for r in rows}


@pytest.mark.parametrize("role", list(Role))
def test_entities_and_masking_are_the_dashboards(client, network, results, role):  # noqa: F811
    user = user_of(role, network)
    api = token_client(user)
    rows = rows_by_key(api)
    seen = {(level, code) for level, code, _, _ in rows}
    for key, entity in ENTITIES.items():
        assert (entity in seen) == (key in SEES[role]), (role, key)
    extra = seen - set(ENTITIES.values())
    assert extra == ({("departement", "69")} if role in NATIONAL else set()), (role, extra)
    # the oracle: the dashboard's own export, page by page, for the total breakdown
    client.force_login(user)
    for key in SEES[role]:
        level, code = ENTITIES[key]
        export = client.get(reverse("indicators:dashboard_export", args=[level, code, "csv"]),
                            {"annee": 2024, "format": "technique"})  # fmt: skip
        for cells in list(csv.reader(io.StringIO(export.content.decode(), newline="")))[1:]:
            row = rows.get((level, code, cells[4], "total"))
            if row is None:  # not loaded: the page shows an empty cell
                assert cells[6] == "", (role, key, cells)
                continue
            if cells[6] == "secret statistique":
                assert row["valeur"] is None and row["secret_statistique"] is True, (role, key, cells)
            else:
                assert row["secret_statistique"] is False and float(row["valeur"]) == float(cells[6]), (role, cells)
    ml13 = rows[("ml", "ML13S00", "2.1", "total")]
    if role in UNMASKED:
        assert ml13["valeur"] == 7 and not ml13["secret_statistique"]
    else:
        assert ml13["valeur"] is None and ml13["secret_statistique"]
    qpv = rows[("ml", "ML13S00", "1", "qpv")]  # 4 young people: masked for the roles that see counts masked
    assert (qpv["valeur"] is None) == (role not in UNMASKED), role
    assert rows[("ml", "ML13S00", "1", "total")]["valeur"] == 120


def test_a_council_reads_masked_values_and_a_dreets_exact_ones_for_its_region(network, results):  # noqa: F811
    council = token_client(user_of(Role.REGIONAL_COUNCIL, network))
    dreets = token_client(user_of(Role.REGIONAL_STATE, network))
    params = {"annee": 2024, "niveau": "region", "code": "93", "indicateur": "2.1"}
    assert council.get(URL, params).json()["results"] == [
        {"niveau": "region", "code": "93", "annee": 2024, "indicateur": "2.1", "libelle": "dont diagnostic approfondi",
         "ventilation": "total", "valeur": None, "secret_statistique": True}
    ]  # fmt: skip
    [row] = dreets.get(URL, params).json()["results"]
    assert row["valeur"] == 7 and row["secret_statistique"] is False
    for client in (council, dreets):  # another region: nothing, not a clue
        body = client.get(URL, {**params, "code": "84"}).json()
        assert body["count"] == 0 and body["results"] == []
        assert client.get(URL, {"niveau": "ml", "code": "ML69S00"}).json()["count"] == 0


def test_filters_and_the_version_read(network, results):  # noqa: F811
    api = token_client(user_of(Role.NATIONAL_ADMIN, network))
    body = api.get(URL, {"indicateur": "R3", "ventilation": "total", "niveau": "ml"}).json()  # latest year: 2024
    assert [(r["code"], r["annee"]) for r in body["results"]] == [("ML13S00", 2024), ("ML69S00", 2024),
                                                                   ("ML83S00", 2024)]  # fmt: skip
    assert body["jeu"]["annee"] == 2024 and body["jeu"]["version"] == 1 and body["jeu"]["donnees_au"]
    assert api.get(URL, {"annee": 2023}).json()["count"] == 9
    empty = api.get(URL, {"annee": 2019}).json()
    assert empty["count"] == 0 and empty["jeu"] is None
    text = "\n".join([HEADER, "ml,ML13S00,2024,1,total,121"])
    indicator_results_load(path_or_file=io.BytesIO(text.encode()), filename="j.csv", year=2024, wet_run=True)
    body = api.get(URL, {"annee": 2024, "niveau": "ml", "code": "ML13S00", "indicateur": "1",
                         "ventilation": "total"}).json()  # fmt: skip
    assert body["jeu"]["version"] == 2 and [r["valeur"] for r in body["results"]] == [121]


@pytest.mark.parametrize(
    "params",
    [{"annee": "³"}, {"annee": "1900"}, {"niveau": "canton"}, {"niveau": ""}, {"indicateur": "R99"},
     {"ventilation": "age"}, {"code": "ML\x0013"}, {"taille": "0"}, {"taille": "1001"}, {"page": "abc"}],
)  # fmt: skip
def test_bad_parameters_are_french_400s(network, results, params):  # noqa: F811
    response = token_client(user_of(Role.NATIONAL_ADMIN, network)).get(URL, params)
    assert response.status_code == 400 and response.json(), (params, response.content)


def test_a_token_is_required(client, db):
    assert client.get(URL).status_code == 401
