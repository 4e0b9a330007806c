import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from pilotage.core.roles import Role
from tests.factories import PASSWORD, FunderFactory, MissionLocaleFactory, UserFactory, user_for_role


def test_login_with_email_and_french_error(client, make_user):
    user = make_user(Role.DEPARTMENTAL_COUNCIL)
    bad = client.post(reverse("accounts:login"), {"username": user.email, "password": "faux"})
    assert "Adresse électronique ou mot de passe incorrect." in bad.content.decode()
    good = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert good.status_code == 302 and good["Location"] == reverse("home:home")
    home = client.get(reverse("home:home")).content.decode()
    assert "Conseil départemental" in home


def test_logout_is_a_post(client, make_user):
    client.force_login(make_user(Role.ML_STAFF))
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("reference:territory")).status_code == 302
    assert "Obtenir un compte" in client.get(reverse("home:home")).content.decode()  # the public landing page


def test_login_requires_csrf(make_user):
    user = make_user(Role.ML_STAFF)
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 403


def test_password_reset_by_email(client, make_user):
    user = make_user(Role.ARML)
    response = client.post(reverse("accounts:password_reset"), {"email": user.email})
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [user.email] and "nouveau mot de passe" in message.subject
    link = re.search(r"http://testserver(/compte/reinitialiser/\S+/)", message.body).group(1)
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    new_password = "un-nouveau-mot-de-passe-solide"
    done = client.post(form_page.redirect_chain[-1][0], {"new_password1": new_password, "new_password2": new_password})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(new_password)


def test_unknown_email_reset_reveals_nothing(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "inconnu@example.org"})
    assert response.status_code == 302 and len(mail.outbox) == 0


def test_security_headers_and_cookies(client, make_user):
    response = client.get(reverse("accounts:login"))
    assert "default-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    user = make_user(Role.ML_STAFF)
    login = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    assert login.cookies["sessionid"]["httponly"] and login.cookies["sessionid"]["samesite"] == "Lax"


def test_profile_shows_role_and_scope(client, make_user):
    client.force_login(make_user(Role.REGIONAL_STATE, department_code="13"))
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Service régional de l&#x27;État (DREETS)" in page
    assert "1 région entière, 6 départements" in page


@pytest.mark.django_db
def test_role_must_match_the_organisation():
    ml = MissionLocaleFactory()
    user = UserFactory.build(role=Role.DEPARTMENTAL_COUNCIL, mission_locale=ml)
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "funder" in error.value.message_dict and "mission_locale" in error.value.message_dict
    council = FunderFactory(regional_council=True)
    user = UserFactory.build(role=Role.DEPARTMENTAL_COUNCIL, funder=council)
    with pytest.raises(ValidationError, match="ne correspond pas au rôle"):
        user.full_clean()


@pytest.mark.parametrize("role", list(Role))
def test_every_role_builds_a_valid_user(make_user, role):
    user = make_user(role)
    user.full_clean()
    assert not user.scope.is_empty


@pytest.mark.django_db
def test_user_without_role_sees_nothing(client):
    user = UserFactory()
    assert user.scope.is_empty
    client.force_login(user)
    MissionLocaleFactory(code="ML13S00", name="Mission Locale Invisible")
    assert "Mission Locale Invisible" not in client.get(reverse("reference:mission_locale_list")).content.decode()


def test_role_changes_are_audited(db):
    user = user_for_role(Role.ML_STAFF)
    user.role = Role.ML_DIRECTOR
    user.save()
    assert user.history.first().history_type == "~" and user.history.first().role == Role.ML_DIRECTOR
