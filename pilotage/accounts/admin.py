from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from pilotage.accounts.models import User
from pilotage.core.admin_site import AuditedAdmin


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
        ("Accès", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "username", "password1", "password2"]})]
    autocomplete_fields = ["mission_locale", "funder"]
