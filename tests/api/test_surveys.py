"""Surveys through the API: the pages' visibility (tests/surveys/test_authorization.py's matrix), results masked
as the results page masks them (its CSV export is the oracle), responses for the managers only."""

import pytest
from django.urls import reverse

from pilotage.accounts.models import Role
from tests.api.helpers import read_all, token_client
from tests.factories import MissionLocaleFactory
from tests.network import user_of
from tests.surveys.factories import submitted
from tests.surveys.test_authorization import EXPECTED, surveys  # noqa: F401  (fixture)

URL = "/api/v1/enquetes/"


@pytest.fixture
def answered(surveys):  # noqa: F811
    mls = [MissionLocaleFactory(department_id="13") for _ in range(12)] + [MissionLocaleFactory(department_id="69")]
    for key in ("published", "regional93"):
        submitted(surveys[key], mls, [{"convention": "oui"}] * 12 + [{"convention": "non"}])
    return surveys


@pytest.mark.parametrize("role", list(Role))
def test_surveys_results_and_responses_by_role(client, network, answered, role):
    seen, managed = EXPECTED[role]
    user = user_of(role, network)
    api = token_client(user)
    count, rows = read_all(api, URL)
    assert {r["id"] for r in rows} == {answered[k].pk for k in seen} and count == len(seen), role
    client.force_login(user)
    for key, survey in answered.items():
        assert api.get(f"{URL}{survey.pk}/").status_code == (200 if key in seen else 404), (role, key)
        results = api.get(f"{URL}{survey.pk}/resultats/")
        assert results.status_code == (200 if key in seen else 404), (role, key)
        responses = api.get(f"{URL}{survey.pk}/reponses/")
        assert responses.status_code == (200 if key in managed else 404), (role, key)
        if key in managed and key in ("published", "regional93"):
            body = responses.json()
            assert body["count"] == 13 and {r["reponses"]["convention"] for r in body["results"]} == {"oui", "non"}
        if results.status_code != 200:
            continue
        # the oracle: the results page's own export, row by row
        export = client.get(reverse("surveys:results_export", args=[survey.pk, "csv"]))
        expected = {}
        for line in export.content.decode("utf-8-sig").splitlines()[1:]:
            cells = line.split(";")
            expected[(cells[1], cells[6])] = (cells[5], cells[7])  # (code, answer label) → (base, count)
        got = {}
        for question in results.json()["questions"]:
            base = "masqué" if question["base_secret_statistique"] else str(question["base"])
            for row in question["lignes"] + question["regroupements"]:
                effectif = "masqué" if row["secret_statistique"] else str(row["effectif"])
                got[(question["code"], row["libelle"])] = (base, effectif)
        assert {k: v for k, v in got.items() if k in expected} == {k: expected[k] for k in got if k in expected}
        assert set(got) <= set(expected), (role, key)


def test_a_council_reads_the_small_count_masked_and_the_dgefp_exactly(network, answered):
    survey = answered["published"]
    council = token_client(user_of(Role.DEPARTMENTAL_COUNCIL, network)).get(f"{URL}{survey.pk}/resultats/").json()
    dgefp = token_client(user_of(Role.NATIONAL_ADMIN, network)).get(f"{URL}{survey.pk}/resultats/").json()
    assert council["chiffres_exacts"] is False and dgefp["chiffres_exacts"] is True
    assert council["repondants"] == dgefp["repondants"] == 13

    def convention(body):
        question = next(q for q in body["questions"] if q["code"] == "convention")
        return question["base"], {r["valeur"]: (r["effectif"], r["secret_statistique"]) for r in question["lignes"]}

    base, rows = convention(dgefp)
    assert base == 13 and rows["oui"] == (12, False) and rows["non"] == (1, False)
    base, rows = convention(council)
    assert base == 13 and rows["non"] == (None, True) and rows["oui"] == (None, True)  # one more hidden
