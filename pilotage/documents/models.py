"""The administrator's replacement templates of the official documents."""

from django.core.validators import FileExtensionValidator
from django.db import models

from pilotage.core.history import HistoricalRecords
from pilotage.documents.registry import document_label


def template_path(instance, filename):
    return f"document_templates/{instance.kind}/{filename}"


class DocumentTemplate(models.Model):
    """A replacement, uploaded by an administrator, for the default templates of one kind of document.

    An empty file means « use the default »: the DOCX and the HTML (for the PDF) are replaced independently."""

    kind = models.CharField("document", max_length=50, unique=True)
    docx_file = models.FileField(
        "modèle Word (.docx)",
        upload_to=template_path,
        blank=True,
        validators=[FileExtensionValidator(["docx"])],
        help_text="Balises docxtpl (Jinja) : {{ variable }}, {% for %}… Vide : le modèle par défaut.",
    )
    html_file = models.FileField(
        "modèle HTML du PDF",
        upload_to=template_path,
        blank=True,
        validators=[FileExtensionValidator(["html", "htm"])],
        help_text="Gabarit Django imprimé en PDF. Vide : le modèle par défaut.",
    )
    updated_at = models.DateTimeField("modifié le", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["kind"]
        verbose_name = "modèle de document"
        verbose_name_plural = "modèles de documents"

    def __str__(self):
        return document_label(self.kind)
