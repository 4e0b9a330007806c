"""Login throttling: per account, per client address, on every login door, logged, without leaking accounts."""

import logging
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from pilotage.core.roles import Role
from tests.factories import PASSWORD, user_for_role
from tests.login import is_logged_in, password_login

WRONG = "pas-le-bon-mot-de-passe"
LOCKED = "la connexion est suspendue pendant 15 minutes"


def fail(client, email, times, **extra):
    return [password_login(client, email, WRONG, **extra) for _ in range(times)]


def alert_text(response) -> str:
    html = response.content.decode()
    start = html.index('<div class="fr-alert fr-alert--error')
    return html[start : html.index("</div>", start)]


def test_five_failures_lock_the_account_even_with_the_right_password(client, db):
    user = user_for_role(Role.ARML)
    responses = fail(client, user.email, 5)
    assert [r.status_code for r in responses] == [200, 200, 200, 200, 429]
    assert "Adresse électronique ou mot de passe incorrect." in responses[0].content.decode()
    assert LOCKED in responses[-1].content.decode()
    right = password_login(client, user.email, PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert not is_logged_in(client)


def test_four_failures_do_not_lock(client, db):
    user = user_for_role(Role.ARML)
    fail(client, user.email, 4)
    assert password_login(client, user.email, PASSWORD).status_code == 302
    assert is_logged_in(client)


def test_the_lock_holds_from_another_address_and_whatever_the_case(client, db):
    user = user_for_role(Role.ARML)
    fail(client, user.email.upper(), 3, REMOTE_ADDR="10.0.0.1")
    fail(client, user.email, 2, REMOTE_ADDR="10.0.0.2")
    response = password_login(Client(), user.email, PASSWORD, REMOTE_ADDR="10.0.0.3")
    assert response.status_code == 429, "five failures for the account, from any address, in any case"


def test_the_lockout_says_nothing_about_whether_the_account_exists(db):
    user = user_for_role(Role.ARML)
    known = fail(Client(), user.email, 5, REMOTE_ADDR="10.0.0.1")[-1]
    unknown = fail(Client(), "personne@example.org", 5, REMOTE_ADDR="10.0.0.2")[-1]
    assert known.status_code == unknown.status_code == 429
    assert alert_text(known) == alert_text(unknown)
    first_known = password_login(Client(), user.email, WRONG, REMOTE_ADDR="10.0.0.3")
    first_unknown = password_login(Client(), "autre@example.org", WRONG, REMOTE_ADDR="10.0.0.4")
    errors = [list(r.context["form"].non_field_errors()) for r in (first_known, first_unknown)]
    assert errors[0] == errors[1] == ["Adresse électronique ou mot de passe incorrect."]


def test_the_lock_ends_after_the_cool_off(client, db):
    user = user_for_role(Role.ARML)
    fail(client, user.email, 5)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert password_login(client, user.email, PASSWORD).status_code == 302


def test_failures_further_apart_than_the_cool_off_do_not_add_up(client, db):
    user = user_for_role(Role.ARML)
    fail(client, user.email, 4)
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16))
    assert fail(client, user.email, 1)[0].status_code == 200, "the old failures no longer count"


def test_an_address_is_locked_after_twenty_failures_on_any_accounts(db):
    attacker = Client(REMOTE_ADDR="192.0.2.7")
    responses = [password_login(attacker, f"cible{i}@example.org", WRONG) for i in range(20)]
    assert [r.status_code for r in responses[:19]] == [200] * 19 and responses[19].status_code == 429
    victim = user_for_role(Role.ML_STAFF)
    assert password_login(attacker, victim.email, PASSWORD).status_code == 429
    assert password_login(Client(REMOTE_ADDR="192.0.2.8"), victim.email, PASSWORD).status_code == 302


def test_logging_into_ones_own_account_does_not_wipe_the_addresss_failures(db):
    own = user_for_role(Role.ARML)
    client = Client(REMOTE_ADDR="192.0.2.9")
    for i in range(19):
        password_login(client, f"cible{i}@example.org", WRONG)
    assert password_login(client, own.email, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert password_login(client, "cible19@example.org", WRONG).status_code == 429


def test_a_success_forgets_the_accounts_failures(client, db):
    user = user_for_role(Role.ARML)
    fail(client, user.email, 4)
    assert password_login(client, user.email, PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    assert [r.status_code for r in fail(client, user.email, 4)] == [200] * 4


def test_the_limits_come_from_the_settings(settings, client, db):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 2
    settings.LOGIN_LOCKOUT_MINUTES = 30
    user = user_for_role(Role.ARML)
    responses = fail(client, user.email, 2)
    assert responses[-1].status_code == 429 and "pendant 30 minutes" in responses[-1].content.decode()


def test_the_admin_login_is_locked_too(client, db):
    admin = user_for_role(Role.NATIONAL_ADMIN)
    for _ in range(5):
        response = client.post(reverse("admin:login"), {"username": admin.email, "password": WRONG})
    assert response.status_code == 429 and LOCKED in response.content.decode()
    right = client.post(reverse("admin:login"), {"username": admin.email, "password": PASSWORD})
    assert right.status_code == 429 and not is_logged_in(client)
    assert password_login(client, admin.email, PASSWORD).status_code == 429, "one lock for every door"


def test_the_lockout_is_logged(client, db, caplog):
    user = user_for_role(Role.ARML)
    with caplog.at_level(logging.WARNING, logger="pilotage.security"):
        fail(client, user.email, 5, REMOTE_ADDR="198.51.100.4")
    lines = [r.getMessage() for r in caplog.records if r.name == "pilotage.security"]
    assert lines == [
        f"Connexion bloquée après des échecs répétés : compte « {user.email} », adresse 198.51.100.4, "
        "chemin /compte/connexion/."
    ]


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "203.0.113.5", "10.1.1.1"),  # no trusted proxy: the header is ignored
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client's own prefix is ignored
        (2, "6.6.6.6, 203.0.113.5, 10.2.2.2", "203.0.113.5"),
        (1, "", "10.1.1.1"),
        (1, "not-an-address", "10.1.1.1"),
    ],
)
def test_the_client_address_behind_trusted_proxies(settings, rf, proxies, forwarded, expected):
    from pilotage.core.clients import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    request = rf.get("/", REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_behind_a_proxy_each_client_is_counted_apart(settings, db):
    settings.TRUSTED_PROXY_COUNT = 1
    user = user_for_role(Role.ARML)
    proxy = Client(REMOTE_ADDR="10.0.0.254")
    for i in range(20):
        password_login(proxy, f"cible{i}@example.org", WRONG, HTTP_X_FORWARDED_FOR="203.0.113.66")
    response = password_login(proxy, user.email, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert response.status_code == 302, "another client behind the same proxy is not locked out"
