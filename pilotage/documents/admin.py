from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from pilotage.core.admin_site import AuditedAdmin
from pilotage.documents.models import DocumentTemplate
from pilotage.documents.rendering import (
    check_docx_template,
    check_html_template,
    default_html_source,
    document_kind,
    registered_documents,
)

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class DocumentTemplateForm(forms.ModelForm):
    """An uploaded template is accepted only if it renders with a sample context of its document."""

    kind = forms.ChoiceField(label="document", choices=())

    class Meta:
        model = DocumentTemplate
        fields = ["kind", "docx_file", "html_file"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(d.kind, d.label) for d in registered_documents()]

    def _check(self, field, checker):
        upload = self.cleaned_data.get(field)
        kind = self.cleaned_data.get("kind")
        if upload and kind and hasattr(upload, "read") and field in self.changed_data:
            upload.seek(0)
            data = upload.read()
            upload.seek(0)
            try:
                checker(kind, data)
            except ValidationError as exc:
                raise ValidationError([f"Modèle refusé : {message}" for message in exc.messages]) from exc
        return upload

    def clean(self):
        """A kept file is checked again when the document it is for changes."""
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind and "kind" in self.changed_data and self.instance.pk:
            for field, checker in (("docx_file", check_docx_template), ("html_file", check_html_template)):
                kept = cleaned.get(field)
                if kept and field not in self.changed_data:
                    with kept.open("rb") as handle:
                        data = handle.read()
                    try:
                        checker(kind, data)
                    except ValidationError as exc:
                        self.add_error(field, [f"Modèle refusé : {message}" for message in exc.messages])
        return cleaned

    def clean_docx_file(self):
        return self._check("docx_file", check_docx_template)

    def clean_html_file(self):
        return self._check("html_file", check_html_template)


@admin.register(DocumentTemplate)
class DocumentTemplateAdmin(AuditedAdmin):
    form = DocumentTemplateForm
    list_display = ["__str__", "kind", "docx_file", "html_file", "updated_at"]
    readonly_fields = ["default_templates"]
    fields = ["kind", "docx_file", "html_file", "default_templates"]

    @admin.display(description="modèles par défaut (pour partir d'eux)")
    def default_templates(self, obj=None):
        return format_html_join(
            "",
            '<p>{} : <a href="{}">modèle Word par défaut</a> — <a href="{}">modèle HTML par défaut</a></p>',
            (
                (
                    spec.label,
                    reverse("admin:documents_documenttemplate_default", args=[spec.kind, "docx"]),
                    reverse("admin:documents_documenttemplate_default", args=[spec.kind, "html"]),
                )
                for spec in registered_documents()
            ),
        ) or format_html("<p>{}</p>", "Aucun document n'est déclaré.")

    def get_urls(self):
        return [
            path(
                "defaut/<str:kind>.<str:fmt>",
                self.admin_site.admin_view(self.default_template_view),
                name="documents_documenttemplate_default",
            ),
            *super().get_urls(),
        ]

    def default_template_view(self, request, kind, fmt):
        """Download the default template of a document, so that an administrator starts from it."""
        if not self.has_view_permission(request):
            raise Http404("Page introuvable.")
        try:
            spec = document_kind(kind)
        except LookupError:
            raise Http404("Document inconnu.") from None
        if fmt == "docx":
            response = HttpResponse(spec.docx_default.read_bytes(), content_type=DOCX_TYPE)
        elif fmt == "html":
            response = HttpResponse(default_html_source(kind), content_type="text/html; charset=utf-8")
        else:
            raise Http404("Format inconnu.")
        response["Content-Disposition"] = f'attachment; filename="{kind}-defaut.{fmt}"'
        return response
