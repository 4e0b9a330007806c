"""The admin: the DGEFP administers the network's accounts and business data, not accounts' privileges.

Only a superuser grants staff or superuser status, changes an account's groups or permissions, gives or takes
away the DGEFP role (the admin's door), changes a privileged account, or sets another account's password (issue
11, finding 3: the DGEFP could set `is_superuser` on another account and any password, then log in as them).
Every admin change is in the object's history with the person who made it. Other roles never reach the admin.
"""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from pilotage.accounts.models import User
from pilotage.audit import chain as audit_chain
from pilotage.core.roles import Role
from pilotage.funding.models import FundingLine
from tests.factories import UserFactory, state_funder, user_for_role
from tests.network import user_of
from tests.writes.forms import posted_back
from tests.writes.snapshot import assert_unchanged, database_snapshot

NEW_PASSWORD = "cheval-agrafe-batterie-correcte-42"


@pytest.fixture
def dgefp(network):
    """The DGEFP account as the demo creates it: staff, not superuser (in the network of tests/network.py)."""
    user = user_for_role(Role.NATIONAL_ADMIN)
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(is_superuser=True, is_staff=True, email="technique@example.org")


def admin_form_data(client, url) -> dict:
    """The admin change form as the page shows it, ready to be posted back."""
    return posted_back(client.get(url).context["adminform"].form)


def privileges(account) -> tuple:
    account.refresh_from_db()
    return (account.is_staff, account.is_superuser, list(account.groups.all()),
            list(account.user_permissions.all()), account.password, account.role)  # fmt: skip


def escalation(data) -> dict:
    group = Group.objects.get_or_create(name="Administrateurs techniques")[0]
    permission = Permission.objects.get(codename="change_user")
    return {**data, "is_staff": "on", "is_superuser": "on", "groups": [group.pk], "user_permissions": [permission.pk]}


def test_the_dgefp_cannot_grant_privileges_to_an_account(client, dgefp, network):
    account = user_of(Role.ML_STAFF, network)
    client.force_login(dgefp)
    url = reverse("admin:accounts_user_change", args=[account.pk])
    data = admin_form_data(client, url)
    assert not {"is_staff", "is_superuser", "groups", "user_permissions"} & set(data)  # shown read-only
    before = privileges(account)
    response = client.post(url, {**escalation(data), "last_name": "Renommée"})
    assert response.status_code == 302  # the rest of the form is saved…
    assert privileges(account) == before  # …the privileges are not
    assert account.last_name == "Renommée"
    record = account.history.first()
    assert record.history_user == dgefp and record.history_type == "~" and not record.is_superuser


def test_the_dgefp_cannot_give_or_take_the_dgefp_role(client, dgefp, network):
    account = user_of(Role.DEPARTMENTAL_STATE, network)
    client.force_login(dgefp)
    url = reverse("admin:accounts_user_change", args=[account.pk])
    data = admin_form_data(client, url)
    national = dgefp.state_service
    before = database_snapshot("accounts")
    response = client.post(url, {**data, "role": Role.NATIONAL_ADMIN, "state_service": national.pk})
    assert response.status_code == 200
    assert "Seul un superutilisateur attribue le rôle" in response.content.decode()
    assert_unchanged(before)


@pytest.mark.parametrize("target", ["superuser", "other_dgefp", "staff"])
def test_the_dgefp_cannot_change_a_privileged_account(client, dgefp, superuser, target):
    account = {
        "superuser": superuser,
        "other_dgefp": user_for_role(Role.NATIONAL_ADMIN, email="collegue@example.org"),
        "staff": UserFactory(is_staff=True),
    }[target]
    client.force_login(dgefp)
    url = reverse("admin:accounts_user_change", args=[account.pk])
    assert client.get(url).status_code == 200  # visible, read-only
    data = escalation({"email": "dgefp-bis@example.org", "username": account.username, "is_active": "on"})
    before = database_snapshot("accounts")
    assert client.post(url, data).status_code == 403
    assert client.post(reverse("admin:accounts_user_delete", args=[account.pk]), {"post": "yes"}).status_code == 403
    assert_unchanged(before, target)
    account.refresh_from_db()
    assert account.email != "dgefp-bis@example.org"


@pytest.mark.parametrize("target", ["ordinary", "superuser"])
def test_the_dgefp_cannot_set_another_accounts_password(client, dgefp, superuser, network, target):
    account = superuser if target == "superuser" else user_of(Role.DEPARTMENTAL_COUNCIL, network)
    client.force_login(dgefp)
    url = reverse("admin:auth_user_password_change", args=[account.pk])
    before = database_snapshot("accounts")
    assert client.get(url).status_code == 403
    response = client.post(url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true",
                                 "set_usable_password": "true"})  # fmt: skip
    assert response.status_code == 403
    assert_unchanged(before, target)
    account.refresh_from_db()
    assert not account.check_password(NEW_PASSWORD)


def test_a_superuser_grants_privileges_and_sets_passwords_audited(client, superuser, network):
    account = user_of(Role.ML_STAFF, network)
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[account.pk])
    response = client.post(url, escalation(admin_form_data(client, url)))
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.is_superuser and account.is_staff and account.groups.exists()
    assert account.history.first().history_user == superuser
    password = reverse("admin:auth_user_password_change", args=[account.pk])
    response = client.post(password, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD,
                                      "usable_password": "true", "set_usable_password": "true"})  # fmt: skip
    assert response.status_code == 302
    account.refresh_from_db()
    assert account.check_password(NEW_PASSWORD)
    assert account.history.first().history_user == superuser  # the change is in the history (not the hash)


def test_the_dgefp_keeps_administering_ordinary_accounts_and_business_data(client, dgefp, network):
    client.force_login(dgefp)
    account = user_of(Role.ML_STAFF, network)
    url = reverse("admin:accounts_user_change", args=[account.pk])
    data = admin_form_data(client, url)
    assert client.post(url, {**data, "is_active": ""}).status_code == 302
    account.refresh_from_db()
    assert not account.is_active and account.history.first().history_user == dgefp
    line = FundingLine.objects.create(mission_locale=network["ml69"], year=2024, funder_type="etat",
                                      funder=state_funder(), category="fonctionnement", amount=1)  # fmt: skip
    url = reverse("admin:funding_fundingline_change", args=[line.pk])
    assert client.post(url, {**admin_form_data(client, url), "amount": "2"}).status_code == 302
    assert line.history.first().history_user == dgefp and line.history.first().amount == 2


@pytest.mark.parametrize("role", [r for r in Role if r != Role.NATIONAL_ADMIN])
def test_other_roles_write_nothing_through_the_admin(client, network, role):
    user = user_of(role, network)
    user.is_staff = True  # even with the flag (the admin's door is the permission, not the flag)
    user.save()
    client.force_login(user)
    line = FundingLine.objects.create(mission_locale=network["ml13"], year=2024, funder_type="etat",
                                      funder=state_funder(), category="fonctionnement", amount=1)  # fmt: skip
    ml = network["ml13"]
    before = database_snapshot("accounts", "funding", "reference")
    posts = {
        reverse("admin:funding_fundingline_change", args=[line.pk]): {"amount": "9", "year": "2024"},
        reverse("admin:funding_fundingline_add"): {"mission_locale": ml.pk, "year": "2025", "amount": "9"},
        reverse("admin:reference_missionlocale_change", args=[ml.pk]): {"name": "Prise", "president": "X"},
        reverse("admin:accounts_user_change", args=[user.pk]): {"is_superuser": "on", "email": user.email},
        reverse("admin:auth_user_password_change", args=[user.pk]): {"password1": NEW_PASSWORD},
        reverse("admin:funding_fundingline_delete", args=[line.pk]): {"post": "yes"},
    }
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 302 and response["Location"].startswith(reverse("admin:login")), (role, url)
    assert_unchanged(before, role)
    assert User.objects.get(pk=user.pk).is_superuser is False


def test_outside_the_business_data_the_dgefp_changes_nothing_in_the_admin(rf, dgefp):
    """Groups, permissions, login attempts, tokens…: every model the admin shows that is not business data (not
    an `AuditedAdmin`) stays closed to the DGEFP; the business data all keep their history."""
    from django.contrib import admin

    from pilotage.core.admin_site import AuditedAdmin

    request = rf.get("/admin/")
    request.user = dgefp
    for model, model_admin in admin.site._registry.items():
        if isinstance(model_admin, AuditedAdmin):
            assert hasattr(model, "history"), model  # audited like the rest
            continue
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_the_dgefp_cannot_create_a_group(client, dgefp):
    client.force_login(dgefp)
    before = database_snapshot("accounts")
    response = client.post(reverse("admin:auth_group_add"), {"name": "Superviseurs"})
    assert response.status_code == 403
    assert not Group.objects.exists()
    assert_unchanged(before)


def test_privileges_granted_in_the_admin_are_in_the_history_and_sealed(
    client, superuser, network, django_capture_on_commit_callbacks
):
    """Groups and permissions of an account, and the permissions of a group, are audited like the rest: the
    history shows who changed them, from what to what, and the audit chain seals the records."""
    account = user_of(Role.ML_STAFF, network)
    client.force_login(superuser)
    url = reverse("admin:accounts_user_change", args=[account.pk])
    before = account.history.first()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(url, escalation(admin_form_data(client, url))).status_code == 302
    latest = account.history.first()
    assert latest.history_user == superuser
    assert [g.group.name for g in latest.groups.all()] == ["Administrateurs techniques"]
    assert [p.permission.codename for p in latest.user_permissions.all()] == ["change_user"]
    assert not before.groups.exists() and not before.user_permissions.exists()  # before: none

    group = Group.objects.get(name="Administrateurs techniques")
    change_group = reverse("admin:auth_group_change", args=[group.pk])
    permission = Permission.objects.get(codename="delete_user")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(change_group, {"name": "Administrateurs", "permissions": [permission.pk]})
    assert response.status_code == 302
    record = group.history.first()
    assert (record.name, record.history_user) == ("Administrateurs", superuser)
    assert [p.permission.codename for p in record.permissions.all()] == ["delete_user"]
    assert client.get(reverse("admin:auth_group_history", args=[group.pk])).status_code == 200
    assert audit_chain.verify().ok
