"""Every status code a route can answer is in the schema, and the route answers it: the test walks the schema,
checks each operation's documented codes against the rule below (written here, not read from the hook that adds
them), then provokes them — 405 with every undocumented method of every path (JSON, French, `Allow` exact), 401
without a token, 406 with an `Accept` that excludes JSON, 403 with a read-only token and 415 with another body on
every write, 429 once the token's budget is spent."""

import re

import pytest

from pilotage.accounts.models import Role
from pilotage.api.models import TokenScope
from tests.api.helpers import token_client
from tests.factories import user_for_role

pytestmark = pytest.mark.django_db
METHODS = ("get", "post", "put", "patch", "delete")
WRITES = {"post", "put", "patch", "delete"}


@pytest.fixture
def schema(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def operations(schema):
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield path, method, item[method]


def concrete(path: str) -> str:
    """A path's parameters filled with values that exist nowhere (the status checked does not depend on them)."""
    return re.sub(r"\{[^}]+\}", "0", path)


def expected(path: str, method: str, operation: dict) -> set[str]:
    codes = {"401", "404", "405", "406", "429"}
    if operation.get("parameters") or "requestBody" in operation:
        codes.add("400")
    if method in WRITES:
        codes.add("403")
        if "requestBody" in operation:
            codes.add("415")
    return codes


def test_every_operation_documents_every_status_it_can_answer(schema):
    missing = {}
    for path, method, operation in operations(schema):
        documented = set(operation["responses"])
        assert any(code.startswith("2") for code in documented), (method, path)
        if lacking := expected(path, method, operation) - documented:
            missing[f"{method.upper()} {path}"] = sorted(lacking)
        for code, response in operation["responses"].items():
            if not code.startswith("2"):
                assert response.get("description"), (method, path, code)
                assert "application/json" in response.get("content", {}), (method, path, code)
    assert not missing, missing
    assert len(list(operations(schema))) >= 35


def assert_french_error(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json"), response["Content-Type"]
    detail = response.json()["detail"]
    assert not re.search(r"\b(not|the|method|found|allowed|invalid)\b", detail, re.IGNORECASE), detail


def test_every_undocumented_method_of_every_path_is_a_french_405_with_allow(schema):
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    checked = 0
    for path, item in schema["paths"].items():
        documented = {method.upper() for method in METHODS if method in item}
        for method in METHODS:
            if method in item:
                continue
            response = api.generic(method.upper(), concrete(path), "{}", content_type="application/json")
            assert_french_error(response, 405)
            assert method.upper() in response.json()["detail"]
            allowed = {m.strip() for m in response["Allow"].split(",")} - {"HEAD", "OPTIONS"}
            assert allowed == documented, (path, allowed, documented)
            checked += 1
    assert checked >= 100


def test_every_operation_answers_401_without_a_token_and_406_without_json(schema):
    anonymous = token_client(user_for_role(Role.NATIONAL_ADMIN))
    anonymous.credentials()
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    for path, method, _ in operations(schema):
        assert_french_error(anonymous.generic(method.upper(), concrete(path)), 401)
        response = api.generic(method.upper(), concrete(path), HTTP_ACCEPT="application/xml")
        assert_french_error(response, 406)
        assert api.get(concrete(path), {"format": "xml"}).status_code in {404, 405}  # never 200 in another format


def test_every_write_answers_403_to_a_read_token_and_415_to_another_body(schema):
    user = user_for_role(Role.NATIONAL_ADMIN)
    reader = token_client(user, scope=TokenScope.READ)
    writer = token_client(user)
    writes = [(path, method, op) for path, method, op in operations(schema) if method in WRITES]
    assert {f"{m} {p}" for p, m, _ in writes} >= {
        "post /api/v1/lignes-financement/import/", "post /api/v1/depots-donnees/",
        "patch /api/v1/missions-locales/{code}/",
    }  # fmt: skip
    for path, method, operation in writes:
        body_types = set(operation["requestBody"]["content"])
        assert_french_error(reader.generic(method.upper(), concrete(path), "[]", content_type="application/json"), 403)
        other = "multipart/form-data; boundary=x" if "multipart/form-data" not in body_types else "application/json"
        response = writer.generic(method.upper(), concrete(path), "x", content_type=other)
        if "{" in path and response.status_code == 404:  # the object is looked up first on a detail route
            continue
        assert_french_error(response, 415)


def test_every_operation_answers_429_once_the_tokens_budget_is_spent(schema, settings):
    settings.API_TOKEN_RATE = "1/minute"
    api = token_client(user_for_role(Role.NATIONAL_ADMIN))
    assert api.get("/api/v1/moi/").status_code == 200
    for path, method, _ in operations(schema):
        response = api.generic(method.upper(), concrete(path))
        assert_french_error(response, 429)
        assert int(response["Retry-After"]) >= 1
