"""What the API tests share: a token client, the API resources and how to read a whole (paginated) list."""

from rest_framework.test import APIClient

from pilotage.api.models import TokenScope
from pilotage.api.services import api_token_create

#: network key prefix → (list URL, JSON field that identifies a row, how the object gives that identifier)
RESOURCES = {
    "ml": ("/api/v1/missions-locales/", "code_ml", lambda o: o.code),
    "region": ("/api/v1/regions/", "code", lambda o: o.code),
    "dep": ("/api/v1/departements/", "code", lambda o: o.code),
    "arml": ("/api/v1/arml/", "id", lambda o: o.pk),
    "dgefp": ("/api/v1/services-etat/", "id", lambda o: o.pk),
    "dreets": ("/api/v1/services-etat/", "id", lambda o: o.pk),
    "ddets": ("/api/v1/services-etat/", "id", lambda o: o.pk),
}
FUNDERS = ("/api/v1/financeurs/", "id", lambda o: o.pk)
LIST_URLS = sorted({url for url, _, _ in RESOURCES.values()} | {FUNDERS[0]})


def resource_of(key: str):
    for prefix, resource in RESOURCES.items():
        if key.startswith(prefix):
            return resource
    return FUNDERS


def new_token(user, *, scope=TokenScope.READ_WRITE, name="Tests", days=None) -> str:
    """A new API token's secret (read-write by default: the tests exercise what the account may do)."""
    return api_token_create(user=user, name=name, scope=scope, days=days)[1]


def token_client(user, *, scope=TokenScope.READ_WRITE) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {new_token(user, scope=scope)}")
    return client


def read_all(client, url, params=None) -> tuple[int, list[dict]]:
    """`count` announced by the first page, and the rows of every page (following `next`)."""
    response = client.get(url, params or {})
    assert response.status_code == 200, (url, response.status_code)
    body = response.json()
    count, rows = body["count"], list(body["results"])
    while body["next"]:
        body = client.get(body["next"]).json()
        rows += body["results"]
    return count, rows
