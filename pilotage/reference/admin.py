from django.contrib import admin

from pilotage.core.admin_site import AuditedAdmin
from pilotage.reference.models import (
    Department,
    Funder,
    MissionLocale,
    NationalBody,
    Region,
    RegionalAssociation,
    StateService,
)


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(Department)
class DepartmentAdmin(AuditedAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["code", "name"]


@admin.register(MissionLocale)
class MissionLocaleAdmin(AuditedAdmin):
    list_display = ["code", "name", "usual_name", "siret", "legal_form", "department", "is_active"]
    list_filter = ["is_active", "legal_form", "department__region"]
    search_fields = ["code", "name", "usual_name", "siret", "city"]
    autocomplete_fields = ["department", "departments_covered"]


@admin.register(RegionalAssociation)
class RegionalAssociationAdmin(AuditedAdmin):
    list_display = ["name", "acronym", "region", "siret"]
    search_fields = ["name", "acronym", "siret"]


@admin.register(StateService)
class StateServiceAdmin(AuditedAdmin):
    list_display = ["name", "level", "region", "department"]
    list_filter = ["level"]
    search_fields = ["name"]


@admin.register(Funder)
class FunderAdmin(AuditedAdmin):
    list_display = ["name", "type", "code", "region", "department"]
    list_filter = ["type"]
    search_fields = ["name", "code", "siren"]
    autocomplete_fields = ["missions_locales", "department", "region"]


@admin.register(NationalBody)
class NationalBodyAdmin(AuditedAdmin):
    list_display = ["acronym", "name"]
