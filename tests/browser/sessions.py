"""How a journey's person is logged in: through the form, or with the session the form would have opened."""

from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.factories import PASSWORD

#: how the login form authenticates a person (axes' and rules' backends authenticate no one)
PASSWORD_BACKEND = "django.contrib.auth.backends.ModelBackend"


def login(page, live_server, email):
    """Through the form, as a person does: from the public landing page to the home page."""
    page.goto(f"{live_server.url}/")  # a visitor arrives on the public landing page
    page.get_by_role("main").get_by_role("link", name="Se connecter").click()
    assert "/compte/connexion/" in page.url
    page.get_by_label("Adresse électronique").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"{live_server.url}/")


def open_session(page, live_server, user):
    """Logged in without the form (tested by `login` in tests/browser/test_journeys.py and by tests/accounts),
    on the home page where the form leads: the session Django opens for `user`, as the browser's cookie. Three
    pages and a form fewer, for the journeys whose subject is not the login."""
    client = Client()
    client.force_login(user, backend=PASSWORD_BACKEND)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url, "httpOnly": True,
                               "sameSite": "Lax"}])  # fmt: skip
    page.goto(f"{live_server.url}/")
    expect(page.get_by_role("button", name="Se déconnecter")).to_be_visible()
