"""ProConnect login against a local OpenID Connect provider (tests/accounts/oidc_provider.py)."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from django.test import Client
from django.urls import reverse

from pilotage.accounts import proconnect
from pilotage.core.roles import Role
from tests.accounts.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.factories import PASSWORD, user_for_role
from tests.login import is_logged_in, password_login

LOGIN = reverse("accounts:login")
START = reverse("accounts:proconnect_login")
CALLBACK = reverse("accounts:proconnect_callback")


@pytest.fixture(scope="session")
def provider_server():
    provider = Provider().start()
    yield provider
    provider.stop()


@pytest.fixture
def provider(provider_server, settings, db):
    provider_server.reset()
    proconnect._discovery_cache.clear()
    settings.PROCONNECT = {
        **settings.PROCONNECT,
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "DISCOVERY_URL": f"{provider_server.base}/.well-known/openid-configuration",
    }
    yield provider_server
    proconnect._discovery_cache.clear()


def browse(client, provider, response, limit=10):
    """Follow redirections as a browser would, between the platform (test client) and the provider (HTTP)."""
    for _ in range(limit):
        if response.status_code not in (301, 302, 303):
            return response
        location = response["Location"]
        if urlsplit(location).netloc == provider.netloc:
            answer = requests.get(location, allow_redirects=False, timeout=5)
            assert answer.status_code == 302, answer.text
            location = answer.headers["Location"]
        url = urlsplit(location)
        response = client.get(f"{url.path}?{url.query}" if url.query else url.path)
    raise AssertionError("too many redirections")


@pytest.fixture
def agent(db):
    user = user_for_role(Role.DEPARTMENTAL_STATE)
    user.email = "Agnes.Test@Example.gouv.fr"  # the claim comes in lower case
    user.save()
    return user


def test_the_button_is_hidden_without_configuration(client, db):
    page = client.get(LOGIN).content.decode()
    assert "ProConnect" not in page
    assert client.get(START).status_code == 404 and client.get(CALLBACK).status_code == 404


def test_the_button_follows_proconnects_guidelines(client, provider):
    page = client.get(LOGIN).content.decode()
    assert '<a class="fr-connect" href="/compte/proconnect/connexion/">' in page
    assert '<span class="fr-connect__login">S’identifier avec</span>' in page
    assert '<span class="fr-connect__brand">ProConnect</span>' in page
    assert 'href="https://proconnect.gouv.fr/" target="_blank" rel="noopener"' in page
    assert "Qu’est-ce que ProConnect ?" in page
    assert 'name="password"' in page, "password login stays"


def test_a_full_login(client, provider, agent):
    provider.identity = {**provider.identity, "email": "agnes.test@example.gouv.fr"}
    page = browse(client, provider, client.get(f"{START}?next=/compte/"))
    assert page.status_code == 200 and page.wsgi_request.path == "/compte/"
    assert int(client.session["_auth_user_id"]) == agent.pk
    assert "Agnes.Test@Example.gouv.fr" in page.content.decode()
    (authorize,) = provider.requests_to("/authorize")
    assert authorize["client_id"] == CLIENT_ID and authorize["response_type"] == "code"
    assert set(authorize["scope"].split()) >= {"openid", "email", "given_name", "usual_name"}
    assert authorize["redirect_uri"] == f"http://testserver{CALLBACK}"
    assert len(authorize["state"]) >= 32 and len(authorize["nonce"]) >= 32
    (token,) = provider.requests_to("/token")
    assert token["client_secret"] == CLIENT_SECRET and token["grant_type"] == "authorization_code"
    assert client.session["oidc_id_token"] == provider.issued_id_tokens[-1]


def test_an_unknown_email_is_refused_with_a_french_message(client, provider, agent):
    provider.identity = {**provider.identity, "email": "inconnu@example.gouv.fr"}
    page = browse(client, provider, client.get(START))
    assert page.wsgi_request.path == LOGIN
    text = page.content.decode()
    assert "aucun compte actif de la plateforme ne correspond à l&#x27;adresse inconnu@example.gouv.fr" in text
    assert not is_logged_in(client)


def test_an_inactive_account_is_refused(client, provider, agent):
    agent.is_active = False
    agent.save()
    provider.identity = {**provider.identity, "email": agent.email.lower()}
    page = browse(client, provider, client.get(START))
    assert "aucun compte actif" in page.content.decode() and not is_logged_in(client)


def test_an_unverified_email_is_refused(client, provider, agent):
    provider.identity = {**provider.identity, "email": agent.email.lower(), "email_verified": False}
    page = browse(client, provider, client.get(START))
    assert "n&#x27;a pas confirmé votre adresse" in page.content.decode() and not is_logged_in(client)


@pytest.mark.parametrize("tamper", ["signature", "other_key", "nonce", "audience", "issuer", "expired", "userinfo_sub"])
def test_a_bad_id_token_is_refused(client, provider, agent, tamper):
    provider.identity = {**provider.identity, "email": agent.email.lower()}
    provider.tamper = tamper
    page = browse(client, provider, client.get(START))
    assert page.wsgi_request.path == LOGIN
    assert "La connexion par ProConnect a échoué" in page.content.decode()
    assert not is_logged_in(client)


def test_the_state_must_be_this_sessions(client, provider, agent):
    provider.identity = {**provider.identity, "email": agent.email.lower()}
    to_provider = client.get(START)["Location"]
    back = requests.get(to_provider, allow_redirects=False, timeout=5).headers["Location"]
    query = parse_qs(urlsplit(back).query)
    forged = client.get(CALLBACK, {"code": query["code"][0], "state": "un-etat-invente"}, follow=True)
    assert "La connexion par ProConnect a échoué" in forged.content.decode() and not is_logged_in(client)
    other_browser = Client()
    stolen = other_browser.get(CALLBACK, {"code": query["code"][0], "state": query["state"][0]}, follow=True)
    assert "La connexion par ProConnect a échoué" in stolen.content.decode() and not is_logged_in(other_browser)
    assert provider.requests_to("/token") == [], "no code was exchanged"
    assert client.get(CALLBACK, {"code": query["code"][0], "state": query["state"][0]}).status_code == 302
    assert is_logged_in(client)
    client.logout()
    replay = client.get(CALLBACK, {"code": query["code"][0], "state": query["state"][0]}, follow=True)
    assert "La connexion par ProConnect a échoué" in replay.content.decode() and not is_logged_in(client)


def test_a_cancelled_login(client, provider, db):
    client.get(START)
    page = client.get(CALLBACK, {"error": "access_denied", "state": "x"}, follow=True)
    assert "La connexion par ProConnect a été interrompue" in page.content.decode()


def test_logout_ends_the_proconnect_session_too(client, provider, agent):
    provider.identity = {**provider.identity, "email": agent.email.lower()}
    browse(client, provider, client.get(START))
    id_token = client.session["oidc_id_token"]
    response = client.post(reverse("accounts:logout"))
    end = urlsplit(response["Location"])
    assert f"{end.scheme}://{end.netloc}{end.path}" == f"{provider.base}/session/end"
    params = parse_qs(end.query)
    assert params["id_token_hint"] == [id_token] and params["state"][0]
    assert params["post_logout_redirect_uri"] == [f"http://testserver{LOGIN}"]
    assert not is_logged_in(client)
    assert browse(client, provider, response).wsgi_request.path == LOGIN


def test_the_csp_lets_the_logout_form_reach_proconnect(client, settings, db):
    settings.CSP_FORM_ACTION_EXTRA = ["https://auth.agentconnect.gouv.fr"]
    csp = client.get(LOGIN)["Content-Security-Policy"]
    assert "form-action 'self' https://auth.agentconnect.gouv.fr;" in csp


def test_a_password_login_never_reaches_the_provider(client, provider, agent):
    wrong = client.post(f"{LOGIN}?code=abc&state=def", {"username": agent.email, "password": "faux-mot-de-passe"})
    assert wrong.status_code == 200 and not is_logged_in(client)
    right = client.post(f"{LOGIN}?code=abc&state=def", {"username": agent.email, "password": PASSWORD})
    assert right.status_code == 302 and is_logged_in(client)
    assert provider.requests == [], "neither discovery nor token exchange"


def test_a_deactivated_account_loses_its_proconnect_session(client, provider, agent):
    provider.identity = {**provider.identity, "email": agent.email.lower()}
    browse(client, provider, client.get(START))
    assert client.get(reverse("accounts:profile")).status_code == 200
    agent.is_active = False
    agent.save()
    assert client.get(reverse("accounts:profile")).status_code == 302


def test_a_locked_out_address_cannot_use_proconnect_either(client, provider, agent):
    provider.identity = {**provider.identity, "email": agent.email.lower()}
    for i in range(20):
        password_login(client, f"cible{i}@example.org", "mauvais-mot-de-passe")
    page = browse(client, provider, client.get(START))
    assert page.status_code == 429 and not is_logged_in(client)


def test_an_unreachable_provider_gives_a_french_message(client, settings, db):
    settings.PROCONNECT = {
        **settings.PROCONNECT,
        "CLIENT_ID": CLIENT_ID,
        "DISCOVERY_URL": "http://127.0.0.1:9/.well-known/openid-configuration",
        "TIMEOUT": 2,
    }
    proconnect._discovery_cache.clear()
    page = client.get(START, follow=True)
    assert "ProConnect ne répond pas pour le moment" in page.content.decode()


def test_endpoints_can_be_given_without_discovery(client, provider, agent, settings):
    base = provider.base
    settings.PROCONNECT = {
        **settings.PROCONNECT,
        "DISCOVERY_URL": "",
        "ISSUER": base,
        "AUTHORIZATION_ENDPOINT": f"{base}/authorize",
        "TOKEN_ENDPOINT": f"{base}/token",
        "USERINFO_ENDPOINT": f"{base}/userinfo",
        "JWKS_ENDPOINT": f"{base}/jwks",
    }
    provider.identity = {**provider.identity, "email": agent.email.lower()}
    browse(client, provider, client.get(START))
    assert is_logged_in(client)
    assert provider.requests_to("/.well-known/openid-configuration") == []
