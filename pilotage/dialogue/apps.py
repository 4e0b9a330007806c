from django.apps import AppConfig


class DialogueConfig(AppConfig):
    label = "dialogue"
    name = "pilotage.dialogue"
    verbose_name = "Dialogue de gestion"

    def ready(self):
        from pilotage.dialogue import perms  # noqa: F401  (registers the permission rules)
        from pilotage.dialogue.documents import DOCX_DEFAULT, HTML_DEFAULT, KIND, sample_context
        from pilotage.documents.registry import register_document

        register_document(KIND, label="Synthèse du dialogue de gestion", docx_default=DOCX_DEFAULT,
                          html_default=HTML_DEFAULT, sample_context=sample_context)  # fmt: skip
