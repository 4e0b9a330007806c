from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin


class PilotageAdminSite(admin.AdminSite):
    """The Django admin, reserved to those who administer the reference data (DGEFP, superusers)."""

    site_header = "Administration — Pilotage Missions Locales"
    site_title = "Administration"
    index_title = "Données de référence et comptes"

    def has_permission(self, request):
        return request.user.is_active and request.user.has_perm("reference.manage_reference_data")


class AuditedAdmin(SimpleHistoryAdmin):
    """Admin for business data: the history (who, when, before, after) is one click away."""

    def _allowed(self, request):
        return request.user.has_perm("reference.manage_reference_data")

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)
