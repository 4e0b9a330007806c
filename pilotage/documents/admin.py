from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.urls import path, reverse
from django.utils.html import format_html, format_html_join

from pilotage.core.admin_site import AuditedAdmin
from pilotage.documents.models import DocumentTemplate
from pilotage.documents.registry import document_kind, registered_documents
from pilotage.documents.rendering import (
    check_docx_template,
    check_html_template,
    default_html_source,
    docx_template_bytes,
    html_template_source,
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

    @admin.display(description="modèles à télécharger (pour partir d'eux)")
    def default_templates(self, obj=None):
        def url(kind, which, fmt):
            return reverse("admin:documents_documenttemplate_download", args=[which, kind, fmt])

        return format_html_join(
            "",
            '<p>{} : <a href="{}">Word par défaut</a> — <a href="{}">HTML par défaut</a> — '
            '<a href="{}">Word en vigueur</a> — <a href="{}">HTML en vigueur</a></p>',
            (
                (
                    spec.label,
                    url(spec.kind, "defaut", "docx"),
                    url(spec.kind, "defaut", "html"),
                    url(spec.kind, "en-vigueur", "docx"),
                    url(spec.kind, "en-vigueur", "html"),
                )
                for spec in registered_documents()
            ),  # fmt: skip
        ) or format_html("<p>{}</p>", "Aucun document n'est déclaré.")

    def get_urls(self):
        return [
            path(
                "modele/<str:which>/<str:kind>.<str:fmt>",
                self.admin_site.admin_view(self.download_view),
                name="documents_documenttemplate_download",
            ),
            *super().get_urls(),
        ]

    def download_view(self, request, which, kind, fmt):
        """Download a document's default template (« defaut »), so that an administrator starts from it, or the
        one in use (« en-vigueur »: the uploaded one if any, else the default)."""
        if not self.has_view_permission(request) or which not in {"defaut", "en-vigueur"}:
            raise Http404("Page introuvable.")
        try:
            spec = document_kind(kind)
        except LookupError:
            raise Http404("Document inconnu.") from None
        default = which == "defaut"
        if fmt == "docx":
            data = spec.docx_default.read_bytes() if default else docx_template_bytes(kind)
            response = HttpResponse(data, content_type=DOCX_TYPE)
        elif fmt == "html":
            source = default_html_source(kind) if default else html_template_source(kind)
            response = HttpResponse(source, content_type="text/html; charset=utf-8")
        else:
            raise Http404("Format inconnu.")
        response["Content-Disposition"] = f'attachment; filename="{kind}-{which}.{fmt}"'
        return response
