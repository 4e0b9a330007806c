from django.contrib import admin

from pilotage.core.admin_site import AuditedAdmin
from pilotage.surveys.models import Question, Questionnaire, Section, Survey


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class QuestionInline(admin.StackedInline):
    model = Question
    extra = 0
    fk_name = "section"


@admin.register(Questionnaire)
class QuestionnaireAdmin(AuditedAdmin):
    list_display = ["title", "audience", "is_template"]
    inlines = [SectionInline]


@admin.register(Section)
class SectionAdmin(AuditedAdmin):
    list_display = ["title", "questionnaire", "order"]
    inlines = [QuestionInline]


@admin.register(Survey)
class SurveyAdmin(AuditedAdmin):
    list_display = ["title", "questionnaire", "region", "status", "deadline", "results_published"]
    list_filter = ["status"]
    readonly_fields = ["status"]
