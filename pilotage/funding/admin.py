from django import forms
from django.contrib import admin

from pilotage.core.admin_site import AuditedAdmin
from pilotage.core.uploads import validate_pdf
from pilotage.funding.models import Amendment, BudgetLine, Convention, ConventionDocument, FundingLine, Payment


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0


class DocumentForm(forms.ModelForm):
    """A signed convention uploaded in the admin is checked as on the convention's page (a PDF, size-limited)."""

    class Meta:
        model = ConventionDocument
        fields = ["label", "file", "uploaded_by"]

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload and "file" in self.changed_data:
            validate_pdf(upload)
        return upload


class DocumentInline(admin.TabularInline):
    model = ConventionDocument
    form = DocumentForm
    extra = 0


@admin.register(Convention)
class ConventionAdmin(AuditedAdmin):
    list_display = ["title", "kind", "funder", "mission_locale", "regional_association", "start_date", "end_date",
                    "status"]  # fmt: skip
    list_filter = ["kind", "status"]
    search_fields = ["title", "reference", "mission_locale__name"]
    autocomplete_fields = ["funder", "co_funders", "mission_locale"]
    inlines = [DocumentInline]


@admin.register(Amendment)
class AmendmentAdmin(AuditedAdmin):
    list_display = ["convention", "number", "year", "status", "signed_on"]
    list_filter = ["status", "year"]
    inlines = [BudgetLineInline, PaymentInline]


@admin.register(FundingLine)
class FundingLineAdmin(AuditedAdmin):
    list_display = ["mission_locale", "year", "funder_type", "funder_code", "category", "theme", "amount"]
    list_filter = ["funder_type", "category", "year"]
    search_fields = ["mission_locale__name", "mission_locale__code", "theme"]
    autocomplete_fields = ["mission_locale", "funder"]
