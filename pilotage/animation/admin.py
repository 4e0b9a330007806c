"""The catalogue in the administration (DGEFP): the 16 actions of seed 001 are read-only, local actions are
added under one of the 6 objectives; the programmes themselves are managed in the pages (workflow)."""

from django import forms
from django.contrib import admin

from pilotage.animation.models import ActionType, Mission, Objective
from pilotage.core.admin_site import AuditedAdmin


class ReadOnlyAdmin(AuditedAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Mission)
class MissionAdmin(ReadOnlyAdmin):
    list_display = ["roman", "label"]


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ["number", "label", "mission"]


class LinesField(forms.CharField):
    """A list of bullet points typed one per line."""

    widget = forms.Textarea(attrs={"rows": 4})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip() for line in (value or "").splitlines() if line.strip()]


class ActionTypeForm(forms.ModelForm):
    why = LinesField(label="Pourquoi : les objectifs de l'action (un par ligne)")
    how = LinesField(label="Comment : les actions (une par ligne)")

    class Meta:
        model = ActionType
        fields = ["objective", "title", "why", "how"]


@admin.register(ActionType)
class ActionTypeAdmin(AuditedAdmin):
    form = ActionTypeForm
    list_display = ["__str__", "objective", "is_local"]
    list_filter = ["objective", "is_local"]
    search_fields = ["title"]

    def _local(self, obj):
        return obj is None or obj.is_local

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and self._local(obj)

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and self._local(obj)

    def save_model(self, request, obj, form, change):
        obj.is_local, obj.number = True, None  # the catalogue of the seed is loaded by its migration only
        super().save_model(request, obj, form, change)
