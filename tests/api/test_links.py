"""The schema's links lead where they say, followed as a client follows them (runtime expressions evaluated on the
request and the response): a pushed line is in the list its link opens, and that list's first row opens its
detail; a pushed export's link opens the submission; a list's first row opens its detail on every resource."""

import json

import pytest

from pilotage.accounts.models import Role
from tests.api.helpers import token_client
from tests.factories import user_for_role
from tests.funding.conftest import funded  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db


def pointer(document, expression: str):
    """`$request.body#/0/code_ml` or `$response.body#/results/0/id` evaluated on `document` (JSON pointer)."""
    value = document
    for part in expression.partition("#")[2].strip("/").split("/"):
        value = value[int(part)] if isinstance(value, list) else value[part]
    return value


def operation_by_id(schema, operation_id):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId") == operation_id:
                return path, method
    raise AssertionError(operation_id)


def follow(api, schema, link, request_body, response_body):
    """The request a link describes, sent: path parameters in the path, the others in the query."""
    path, method = operation_by_id(schema, link["operationId"])
    query = {}
    for name, expression in link["parameters"].items():
        source = request_body if expression.startswith("$request.body") else response_body
        value = pointer(source, expression)
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", str(value))
        else:
            query[name] = value
    assert method == "get", link
    return api.get(path, query)


def test_a_pushed_line_is_in_the_list_its_link_opens_then_in_its_detail(network, funded):  # noqa: F811
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    schema = api.get("/api/schema/?format=json").json()
    lines = [{"code_ml": "ML13S00", "annee": 2025, "financeur_type": "etat", "financeur_code": "",
              "categorie": "fonctionnement", "theme": "", "montant": "4321.00"}]  # fmt: skip
    pushed = api.post("/api/v1/lignes-financement/import/", json.dumps(lines), content_type="application/json")
    assert pushed.status_code == 200 and pushed.json()["crees"] == 1
    responses = schema["paths"]["/api/v1/lignes-financement/import/"]["post"]["responses"]
    listed = follow(api, schema, responses["200"]["links"]["LignesEnvoyees"], lines, pushed.json())
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert [(r["code_ml"], r["annee"], r["montant"]) for r in rows] == [("ML13S00", 2025, "4321.00")]
    list_links = schema["paths"]["/api/v1/lignes-financement/"]["get"]["responses"]["200"]["links"]
    detail = follow(api, schema, list_links["PremiereLigne"], None, listed.json())
    assert detail.status_code == 200 and detail.json() == rows[0]


def test_every_first_row_link_opens_that_rows_detail(network, funded):  # noqa: F811
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    schema = api.get("/api/schema/?format=json").json()
    followed = 0
    for path, item in schema["paths"].items():
        link = item.get("get", {}).get("responses", {}).get("200", {}).get("links", {}).get("PremiereLigne")
        if link is None:
            continue
        listed = api.get(path).json()
        if not listed["results"]:
            continue
        detail = follow(api, schema, link, None, listed)
        assert detail.status_code == 200, path
        first = listed["results"][0]
        key = "code_ml" if "code_ml" in first and "{code}" in operation_by_id(schema, link["operationId"])[0] else None
        key = key or ("id" if "id" in first else "code")
        assert detail.json()[key] == first[key], path
        followed += 1
    assert followed >= 8
