from django.contrib import admin

from pilotage.core.admin_site import AuditedAdmin
from pilotage.dialogue.models import ActionPlanItem, DialogueCampaign, DialogueTransition, ManagementDialogue


@admin.register(DialogueCampaign)
class DialogueCampaignAdmin(AuditedAdmin):
    list_display = ["year", "region", "opens_on", "preparation_due", "conclusion_due"]
    list_filter = ["year", "region"]


class ActionInline(admin.TabularInline):
    model = ActionPlanItem
    extra = 0


class TransitionInline(admin.TabularInline):
    model = DialogueTransition
    extra = 0
    can_delete = False
    readonly_fields = ["name", "from_status", "to_status", "by", "at", "reason"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(ManagementDialogue)
class ManagementDialogueAdmin(AuditedAdmin):
    """For corrections by the DGEFP; the workflow itself runs on the dialogue pages (services)."""

    list_display = ["mission_locale", "campaign", "status", "proposed_subsidy"]
    list_filter = ["status", "campaign__year", "campaign__region"]
    search_fields = ["mission_locale__name", "mission_locale__code"]
    readonly_fields = ["status", "concluded_on"]
    inlines = [ActionInline, TransitionInline]
