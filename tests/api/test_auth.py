"""Who gets in: tokens for systems, the session for the browsable API, nobody anonymously; `/api/v1/moi/`."""

import pytest
from rest_framework.test import APIClient

from pilotage.core.roles import Role
from tests.api.helpers import LIST_URLS, new_token, token_client
from tests.network import user_of

DETAIL_URLS = ["/api/v1/missions-locales/ML13S00/", "/api/v1/regions/93/", "/api/v1/departements/13/"]


@pytest.mark.parametrize("url", ["/api/v1/", "/api/v1/moi/", *LIST_URLS, *DETAIL_URLS])
def test_anonymous_requests_are_refused_without_redirect(network, url):
    response = APIClient().get(url)
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    assert "Treize" not in response.content.decode()


def test_anonymous_patch_is_refused(network):
    response = APIClient().patch("/api/v1/missions-locales/ML13S00/", {"president": "X"}, format="json")
    assert response.status_code == 401
    network["ml13"].refresh_from_db()
    assert network["ml13"].president != "X"


@pytest.mark.parametrize(
    "header",
    [
        "Token 0123456789abcdef0123456789abcdef01234567",  # an old clear-text DRF token
        "Token pml_0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
        "Token",
        "Bearer abc",
        "Token a b",
    ],
)
def test_a_wrong_token_is_refused(network, header):
    secret = new_token(user_of(Role.NATIONAL_ADMIN, network))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/missions-locales/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Token"
    if header.startswith("Token "):
        assert "Jeton invalide" in response.json()["detail"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret[:-1]}{'0' if secret[-1] != '0' else '1'}")
    assert client.get("/api/v1/missions-locales/").status_code == 401, "one character off"


def test_a_token_works_on_every_endpoint_including_the_root(network):
    client = token_client(user_of(Role.DEPARTMENTAL_STATE, network))
    for url in ["/api/v1/", "/api/v1/moi/", *LIST_URLS, *DETAIL_URLS[:1], "/api/v1/departements/13/"]:
        assert client.get(url).status_code == 200, url


def test_a_deactivated_users_token_is_refused(network):
    user = user_of(Role.ARML, network)
    client = token_client(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/regions/").status_code == 401


def test_the_browsable_api_uses_the_session(client, network):
    client.force_login(user_of(Role.ML_STAFF, network))
    response = client.get("/api/v1/missions-locales/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Mission Locale Treize" in response.content.decode()
    assert "Soixante-neuf" not in response.content.decode()


def test_a_session_patch_needs_the_csrf_token(network):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(user_of(Role.NATIONAL_ADMIN, network))
    response = client.patch("/api/v1/missions-locales/ML13S00/", {"president": "X"}, format="json")
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]


#: the organisation type each role is attached to (accounts.models.ROLE_ORGANISATION, written out)
ORGANISATION_TYPE = {
    Role.NATIONAL_ADMIN: "state_service",
    Role.REGIONAL_STATE: "state_service",
    Role.DEPARTMENTAL_STATE: "state_service",
    Role.REGIONAL_COUNCIL: "funder",
    Role.DEPARTMENTAL_COUNCIL: "funder",
    Role.MUNICIPALITY: "funder",
    Role.ML_DIRECTOR: "mission_locale",
    Role.ML_STAFF: "mission_locale",
    Role.ARML: "regional_association",
    Role.NATIONAL_OBSERVER: "national_body",
}


@pytest.mark.parametrize("role", list(Role))
def test_me_gives_role_organisation_and_scope(network, role):
    user = user_of(role, network)
    body = token_client(user).get("/api/v1/moi/").json()
    assert (body["courriel"], body["role"], body["role_libelle"]) == (user.email, role.value, role.label)
    assert body["organisation"]["type"] == ORGANISATION_TYPE[role]
    assert body["organisation"]["nom"] == str(user.organisation)
    scope = body["perimetre"]
    assert scope["national"] == (role in {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER})
    if role in {Role.REGIONAL_STATE, Role.REGIONAL_COUNCIL, Role.ARML}:
        assert scope["regions"] == ["93"] and scope["departements"] == ["04", "05", "06", "13", "83", "84"]
    elif role in {Role.DEPARTMENTAL_STATE, Role.DEPARTMENTAL_COUNCIL}:
        assert scope["regions"] == [] and scope["departements"] == ["13"]
    elif role in {Role.ML_DIRECTOR, Role.ML_STAFF, Role.MUNICIPALITY}:
        assert (scope["regions"], scope["departements"], scope["missions_locales"]) == ([], [], ["ML13S00"])
    if ORGANISATION_TYPE[role] == "mission_locale":
        assert body["organisation"]["code_ml"] == "ML13S00"
