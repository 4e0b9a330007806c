"""An integrator's client, generated from the schema by openapi-python-client (in a temporary folder), calls every
list resource of the API on a live server as the DGEFP: each answers 200 and parses into the generated models
(the schema's types, nullability and formats hold for real data), and the cursor of `next` reads page 2."""

import importlib
import json
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from pilotage.accounts.models import Role
from tests.api.helpers import new_token
from tests.funding.conftest import funded  # noqa: F401  (fixture: funding lines and conventions)
from tests.indicators.test_pages import results  # noqa: F401  (fixture: indicators)
from tests.network import user_of

PACKAGE = "pilotage_api_client"


def generate(schema_url: str, folder: Path):
    """The client package generated from the live schema, imported."""
    schema = folder / "schema.json"
    schema.write_bytes(httpx.get(schema_url, timeout=30).raise_for_status().content)
    config = folder / "config.yaml"
    config.write_text("post_hooks: []\n")  # no formatting of the generated code: not needed to run it
    generator = Path(sys.executable).parent / "openapi-python-client"
    command = [str(generator), "generate", "--path", str(schema), "--output-path", str(folder / PACKAGE),
               "--meta", "none", "--config", str(config)]  # fmt: skip
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    sys.path.insert(0, str(folder))
    return importlib.import_module(PACKAGE)


def list_operations(schema: dict) -> dict[str, str]:
    """operationId → path of every top-level list (GET, no path parameter, paginated)."""
    found = {}
    for path, item in schema["paths"].items():
        get = item.get("get")
        if get and "{" not in path and any(p["name"] == "taille" for p in get.get("parameters", [])):
            found[get["operationId"]] = path
    return found


@pytest.mark.slow
def test_a_generated_client_reads_every_list_resource(live_server, transactional_db, network, funded, results,  # noqa: F811
                                                      tmp_path):  # fmt: skip
    token = new_token(user_of(Role.NATIONAL_ADMIN, network))
    client_package = generate(f"{live_server.url}/api/schema/?format=json", tmp_path)
    try:
        schema = json.loads((tmp_path / "schema.json").read_bytes())  # the one the client was generated from
        operations = list_operations(schema)
        assert len(operations) == 14, sorted(operations)
        with client_package.AuthenticatedClient(base_url=live_server.url, token=token, prefix="Token") as client:
            counts = read_every_list(client, tmp_path, operations)
        for path in ("/api/v1/lignes-financement/", "/api/v1/conventions/", "/api/v1/missions-locales/",
                     "/api/v1/indicateurs/", "/api/v1/regions/"):  # fmt: skip
            assert counts[path] > 0, path
    finally:
        sys.path.remove(str(tmp_path))
        for name in [name for name in sys.modules if name.split(".")[0] == PACKAGE]:
            del sys.modules[name]


def read_every_list(client, tmp_path, operations) -> dict[str, int]:
    """Each list through its generated module (2 rows; the second page of a cursor list); `count` by path."""
    modules = {path.stem: path for path in (tmp_path / PACKAGE / "api").glob("*/*.py")}
    counts = {}
    for operation_id, path in sorted(operations.items()):
        module_path = modules[operation_id]
        module = importlib.import_module(f"{PACKAGE}.api.{module_path.parent.name}.{operation_id}")
        response = module.sync_detailed(client=client, taille=2)
        assert response.status_code == 200, (path, response.status_code, response.content[:300])
        page = response.parsed
        assert type(page).__name__.startswith("Paginated"), (path, type(page))
        assert isinstance(page.count, int) and len(page.results) == min(2, page.count), path
        counts[path] = page.count
        if page.next_ and "curseur=" in page.next_:  # a large list: its cursor reads the next page
            [cursor] = parse_qs(urlsplit(page.next_).query)["curseur"]
            following = module.sync_detailed(client=client, taille=2, curseur=cursor)
            assert following.status_code == 200 and following.parsed.results, path
            assert following.parsed.results[0] != page.results[0], path
    # an error parses too: a read of something outside every list (404) through the generated client
    retrieve = importlib.import_module(f"{PACKAGE}.api.financements.v1_lignes_financement_retrieve")
    missing = retrieve.sync_detailed(id=999_999, client=client)
    assert missing.status_code == 404 and "périmètre" in missing.parsed.detail
    return counts
