"""Accounts in the admin. The DGEFP administers the accounts of the network (identity, role, organisation,
activity); the privileges of an account — staff and superuser status, groups, permissions, the DGEFP's own role
— and other people's passwords are a superuser's (issue 11, finding 3; ADR 0014). Every change is kept in the
account's history with the person who made it (django-simple-history, through the request middleware)."""

from django import forms
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from pilotage.accounts.models import User
from pilotage.core.admin_site import AuditedAdmin
from pilotage.core.roles import Role

#: what only a superuser grants or changes
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions")
NATIONAL_ADMIN_ONLY_BY_SUPERUSER = (
    "Seul un superutilisateur attribue le rôle « Administration centrale (DGEFP) » ou le retire : il donne "
    "l'accès à l'administration."
)


def is_privileged(account) -> bool:
    """An account whose changes would grant or take over administration rights."""
    return account.is_superuser or account.is_staff or account.role == Role.NATIONAL_ADMIN


def administers_account(user, account=None) -> bool:
    """A superuser any account; the DGEFP the accounts without privileges, and its own (its privileges stay
    read-only): changing a privileged account's e-mail, then resetting its password, would be a way in."""
    if user.is_superuser:
        return True
    return account is None or account.pk == user.pk or not is_privileged(account)


class PrivilegeGuardForm(forms.ModelForm):
    """Refuses, for a non-superuser, giving or taking away the DGEFP role (the admin site's door)."""

    acting_user = None

    def clean_role(self):
        role = self.cleaned_data.get("role")
        if self.acting_user is None or self.acting_user.is_superuser:
            return role
        before = self.instance.role if self.instance.pk else ""
        if role != before and Role.NATIONAL_ADMIN in {role, before}:
            raise forms.ValidationError(NATIONAL_ADMIN_ONLY_BY_SUPERUSER)
        return role


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    list_display = ["email", "first_name", "last_name", "role", "organisation", "is_active"]
    list_filter = ["role", "is_active"]
    search_fields = ["email", "first_name", "last_name"]
    ordering = ["email"]
    fieldsets = [
        (None, {"fields": ["email", "username", "password"]}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        (
            "Rôle et organisation",
            {
                "fields": [
                    "role",
                    "state_service",
                    "funder",
                    "mission_locale",
                    "regional_association",
                    "national_body",
                ]
            },
        ),
        ("Accès", {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "username", "password1", "password2"]})]
    autocomplete_fields = ["mission_locale", "funder"]

    def get_readonly_fields(self, request, obj=None):
        readonly = [*super().get_readonly_fields(request, obj), "last_login", "date_joined"]
        if not request.user.is_superuser:
            readonly += PRIVILEGE_FIELDS
        return readonly

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if obj is not None:  # the change form (the add form has no role)
            form = type(form.__name__, (PrivilegeGuardForm, form), {"acting_user": request.user})
        return form

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and administers_account(request.user, obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and administers_account(request.user, obj)

    def user_change_password(self, request, id, form_url=""):
        """Only a superuser sets another account's password; others change their own on their account page."""
        account = self.get_object(request, unquote(id))
        if account is not None and account.pk != request.user.pk and not request.user.is_superuser:
            raise PermissionDenied("Seul un superutilisateur définit le mot de passe d'un autre compte.")
        return super().user_change_password(request, id, form_url)


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(SimpleHistoryAdmin, DjangoGroupAdmin):
    """Groups are privileges: a superuser's (Django's model permissions, which the DGEFP does not hold), and their
    changes — name and permissions — are in their history like the accounts' (issue 11, point 3)."""
