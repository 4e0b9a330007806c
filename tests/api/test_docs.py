"""The OpenAPI schema and its two documentation pages: valid, public, and served without any outside asset."""

import json
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from drf_spectacular.validation import validate_schema

from tests.api.helpers import LIST_URLS


def test_the_schema_is_valid_openapi_and_documents_the_conventions(client, db):
    response = client.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert schema["openapi"].startswith("3.")
    for url in LIST_URLS:
        assert url in schema["paths"] and f"{url}{{" in "".join(schema["paths"]), url
    assert "patch" in schema["paths"]["/api/v1/missions-locales/{code}/"]
    assert "/api/v1/moi/" in schema["paths"]
    assert "`departements_couverts`" in schema["info"]["description"], "the field naming convention is documented"
    token = schema["components"]["securitySchemes"]["tokenAuth"]
    assert (token["type"], token["in"], token["name"]) == ("apiKey", "header", "Authorization")
    assert "`Authorization: Token pml_…`" in token["description"]
    for text in ("expire", "révoqué", "lecture", "429", "Retry-After"):
        assert text in schema["info"]["description"], text


def test_the_spectacular_command_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yml"))
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--custom-settings",
        "pilotage.api.schema.SCHEMA_SETTINGS",
        "--file",
        str(tmp_path / "schema-complet.yml"),
    )
    assert "departements_couverts" in (tmp_path / "schema-complet.yml").read_text()


def assets_of(html: str) -> list[str]:
    return re.findall(r'(?:src|href)="([^"]+)"', html)


@pytest.mark.parametrize("url", ["/api/docs/", "/api/redoc/"])
def test_documentation_pages_render_with_local_assets_only(client, db, url):
    response = client.get(url)
    assert response.status_code == 200, "public: the documentation shows no data"
    html = response.content.decode()
    assert '<html lang="fr">' in html
    assert not re.search(r"https?://", html), "nothing is loaded from outside (CSP script-src 'self')"
    assert "<script>" not in html, "no inline script (CSP)"
    assert "script-src 'self'" in response["Content-Security-Policy"]
    static = [asset for asset in assets_of(html) if asset.startswith(settings.STATIC_URL)]
    assert static, html
    for asset in static:
        assert finders.find(asset.removeprefix(settings.STATIC_URL)), asset


def test_swagger_ui_start_up_script_is_a_separate_local_file(client, db):
    html = client.get("/api/docs/").content.decode()
    script = next(a for a in assets_of(html) if "script" in a).replace("&amp;", "&")
    response = client.get(script)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in response.content.decode()
