"""Logging in as a person does, in tests."""

from django.urls import reverse


def password_login(client, email: str, password: str, **extra):
    """Post the login form (`client.login` would skip the request the login throttling needs); returns the
    response. `extra`: request headers or META (`REMOTE_ADDR="10.0.0.2"`)."""
    return client.post(reverse("accounts:login"), {"username": email, "password": password}, **extra)


def is_logged_in(client) -> bool:
    return "_auth_user_id" in client.session
