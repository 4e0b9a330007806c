"""Pushing funding lines through the API: the import screen's service, all or nothing, idempotent, the territory
of the token's owner, every write in the history with that owner; the file import is the oracle of the errors."""

import io
import json

import pytest

from pilotage.accounts.models import Role
from pilotage.api.models import TokenScope
from pilotage.funding.models import FundingLine
from pilotage.funding.services import funding_lines_import
from tests.api.helpers import token_client
from tests.funding.test_import_lines import HEADER, funders  # noqa: F401  (fixture)
from tests.writes.snapshot import assert_unchanged, database_snapshot

URL = "/api/v1/lignes-financement/import/"
FIELDS = HEADER.split(";")


def good(ml13, ml83):
    return [
        {"code_ml": ml13.code, "annee": 2022, "financeur_type": "departement", "financeur_code": "13",
         "categorie": "fonctionnement", "montant": "1 234,56 €"},
        {"code_ml": ml13.siret, "annee": "2022", "financeur_type": "departement", "financeur_code": "13",
         "categorie": "thematique", "theme": "FAJ", "montant": 12000},
        {"code_ml": ml83.code, "annee": 2022, "financeur_type": "departement", "financeur_code": "83",
         "categorie": "fonctionnement", "theme": "", "montant": 1234.56},
        {"code_ml": ml13.code, "annee": 2022, "financeur_type": "etat", "financeur_code": None,
         "categorie": "fonctionnement", "montant": "900000.00"},
        {"code_ml": ml13.code, "annee": 2022, "financeur_type": "region", "financeur_code": "93",
         "categorie": "autre", "montant": "\u00a05 000"},
    ]  # fmt: skip


def client_for(user, **kwargs):
    """A token client whose token was used once (its first use records `last_used`, not a write of the push)."""
    client = token_client(user, **kwargs)
    assert client.get("/api/v1/moi/").status_code == 200
    return client


def push(client, lines, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.post(f"{URL}?{query}" if query else URL, json.dumps(lines), content_type="application/json")


def as_file(lines) -> str:
    cell = lambda v: "" if v is None else str(v)  # noqa: E731
    return "\n".join([HEADER, *(";".join(cell(line.get(f)) for f in FIELDS) for line in lines)]) + "\n"


def test_a_push_is_saved_audited_and_idempotent(make_user, funders, ml_13, ml_83):  # noqa: F811
    admin = make_user(Role.NATIONAL_ADMIN)
    client = client_for(admin)
    response = push(client, good(ml_13, ml_83))
    assert response.status_code == 200, response.content
    assert response.json() == {"simulation": False, "crees": 5, "modifies": 0, "inchanges": 0}
    assert FundingLine.objects.count() == 5
    history = FundingLine.history.all()
    assert history.count() == 5 and {h.history_user for h in history} == {admin}
    assert all("API" in h.history_change_reason for h in history)
    before = database_snapshot()
    again = push(client, good(ml_13, ml_83))
    assert again.json() == {"simulation": False, "crees": 0, "modifies": 0, "inchanges": 5}
    assert_unchanged(before, "an identical push")
    changed = good(ml_13, ml_83)
    changed[0]["montant"] = "1500"
    assert push(client, changed).json() == {"simulation": False, "crees": 0, "modifies": 1, "inchanges": 4}
    assert FundingLine.history.filter(history_type="~").get().history_user == admin


def test_a_simulation_saves_nothing(make_user, funders, ml_13, ml_83):  # noqa: F811
    client = client_for(make_user(Role.NATIONAL_ADMIN))
    before = database_snapshot("funding")
    response = push(client, good(ml_13, ml_83), simulation=1)
    assert response.json() == {"simulation": True, "crees": 5, "modifies": 0, "inchanges": 0}
    assert_unchanged(before, "a simulation")


def test_a_bad_line_refuses_the_whole_push_with_the_import_screens_errors(make_user, funders, ml_13, ml_83):  # noqa: F811
    admin = make_user(Role.NATIONAL_ADMIN)
    lines = [
        *good(ml_13, ml_83)[:2],
        {"code_ml": ml_13.code, "annee": 2022, "financeur_type": "departement", "financeur_code": "13",
         "categorie": "fonctionnement", "montant": "200"},  # a duplicate of line 1
        {"code_ml": ml_13.code, "annee": 2022, "financeur_type": "departement", "financeur_code": "74",
         "categorie": "fonctionnement", "montant": "100"},
        {"code_ml": ml_13.code, "annee": 1999, "financeur_type": "departement", "financeur_code": "13",
         "categorie": "thematique", "montant": "-3"},
        {"code_ml": "INCONNUE", "annee": 2022, "financeur_type": "commune_epci", "financeur_code": "123",
         "categorie": "fonctionnement", "montant": "1"},
    ]  # fmt: skip
    client = client_for(admin)
    before = database_snapshot()
    response = push(client, lines)
    assert response.status_code == 400
    body = response.json()
    assert body["detail"].startswith("Aucune ligne enregistrée")
    assert_unchanged(before, "a refused push")
    # the oracle: the same lines as a file through the import screen's service (file line = position + 1)
    report = funding_lines_import(path_or_file=io.BytesIO(as_file(lines).encode()), filename="f.csv",
                                  acting_user=admin)  # fmt: skip
    expected = sorted((i.line - 1, i.column, i.value) for i in report.errors)
    assert sorted((e["ligne"], e["champ"], e["valeur"]) for e in body["erreurs"]) == expected
    reasons = {(i.line - 1, i.column): i.reason for i in report.errors if "ligne en double" not in i.reason}
    assert reasons.items() <= {(e["ligne"], e["champ"]): e["raison"] for e in body["erreurs"]}.items()
    assert {(e["ligne"], e["champ"]) for e in body["erreurs"]} == {
        (3, "code_ml"), (4, "financeur_code"), (5, "annee"), (5, "theme"), (5, "montant"), (6, "code_ml"),
        (6, "financeur_code")}  # fmt: skip
    duplicate = next(e for e in body["erreurs"] if e["ligne"] == 3)
    assert "que la ligne 1" in duplicate["raison"]


def test_outside_the_territory_is_refused(make_user, funders, ml_13, ml_83):  # noqa: F811
    council = make_user(Role.DEPARTMENTAL_COUNCIL, department_code="13")
    client = client_for(council)
    lines = [*good(ml_13, ml_83), {**good(ml_13, ml_83)[0], "code_ml": ml_83.code}]  # its own funding, in the 83
    before = database_snapshot()
    response = push(client, lines)
    assert response.status_code == 400
    refused = {e["ligne"]: e for e in response.json()["erreurs"]}
    assert sorted(refused) == [3, 4, 5, 6]  # the 83's council's line, the State's, the region's, the 83's ML
    assert {refused[n]["raison"] for n in (3, 4, 5)} == {
        "vous ne pouvez importer que les lignes de votre collectivité."
    }
    assert refused[6]["raison"] == "cette Mission Locale n'est pas dans votre territoire."
    assert refused[6]["champ"] == "code_ml" and refused[6]["valeur"] == ml_83.code
    assert_unchanged(before, "a push outside the territory")
    own = push(client, good(ml_13, ml_83)[:2])
    assert own.status_code == 200 and own.json()["crees"] == 2
    assert {h.history_user for h in FundingLine.history.all()} == {council}


@pytest.mark.parametrize("role", [Role.ML_DIRECTOR, Role.ML_STAFF, Role.ARML, Role.NATIONAL_OBSERVER])
def test_roles_without_the_import_get_403(make_user, funders, ml_13, ml_83, role):  # noqa: F811
    client = client_for(make_user(role, department_code="13", mission_locale=ml_13))
    before = database_snapshot()
    response = push(client, good(ml_13, ml_83))
    assert response.status_code == 403 and "ne permet pas" in response.json()["detail"]
    assert_unchanged(before, role)


def test_a_read_token_cannot_push(make_user, funders, ml_13, ml_83):  # noqa: F811
    client = client_for(make_user(Role.NATIONAL_ADMIN), scope=TokenScope.READ)
    assert push(client, good(ml_13, ml_83)).status_code == 403
    assert not FundingLine.objects.exists()


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"code_ml": "x"}, "detail"),
        ([], "detail"),
        (["ligne"], ("1", None)),
        ([{"code_ml": "ML", "inconnu": 1}], ("1", "inconnu")),
        ([{"code_ml": True, "annee": 2022, "financeur_type": "etat", "categorie": "autre", "montant": 1}],
         ("1", "code_ml")),
        ([{"code_ml": {"a": 1}, "annee": 2022, "financeur_type": "etat", "categorie": "autre", "montant": 1}],
         ("1", "code_ml")),
        ([{"code_ml": "TEST13S00", "annee": 2022, "financeur_type": "etat", "categorie": "autre",
           "montant": "1\u0000"}], ("1", "montant")),
        ([{"code_ml": "TEST13S00", "annee": 2022, "financeur_type": "etat", "categorie": "autre", "theme": "x" * 51,
           "montant": 1}], ("1", "theme")),
        ([{"code_ml": "TEST13S00", "annee": 2022, "financeur_type": "etat", "categorie": "autre",
           "montant": 10**15}], ("1", "montant")),
        ([{"code_ml": "TEST13S00", "annee": "²⁰²²", "financeur_type": "etat", "categorie": "autre",
           "montant": 1}], ("1", "annee")),
        ([{"annee": 2022}], ("1", "code_ml")),
    ],
)  # fmt: skip
def test_hostile_bodies_are_french_400s_and_save_nothing(make_user, funders, ml_13, body, where):  # noqa: F811
    client = client_for(make_user(Role.NATIONAL_ADMIN))
    before = database_snapshot()
    response = push(client, body)
    assert response.status_code == 400, response.content
    payload = response.json()
    if where == "detail":
        assert payload["detail"]
    else:
        assert (str(payload["erreurs"][0]["ligne"]), payload["erreurs"][0]["champ"]) == where, payload
    assert_unchanged(before, body)


def test_a_form_body_is_415(make_user, funders):  # noqa: F811
    response = client_for(make_user(Role.NATIONAL_ADMIN)).post(URL, {"code_ml": "x"})
    assert response.status_code == 415


def test_a_push_of_the_largest_size_is_read_and_a_larger_body_is_a_french_json_400(make_user, settings):
    """20,000 lines (about 3 Mo of JSON) are within the body limit; a body beyond it is a JSON 400, not HTML."""
    client = client_for(make_user(Role.NATIONAL_ADMIN))
    line = {"code_ml": "ML00000", "annee": 2025, "financeur_type": "etat", "financeur_code": "",
            "categorie": "fonctionnement", "theme": "", "montant": "250000.00"}  # fmt: skip
    response = push(client, [line] * 20_000, simulation=1)
    assert response.status_code == 400 and response.json()["erreurs"][0]["champ"] == "code_ml"  # read, then refused
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2**20
    response = push(client, [line] * 20_000, simulation=1)
    assert response.status_code == 400 and response["Content-Type"] == "application/json"
    assert response.json() == {"detail": "Corps de requête trop gros : au plus 1 Mo par requête ; découpez l'envoi."}
