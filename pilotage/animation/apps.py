from django.apps import AppConfig


class AnimationConfig(AppConfig):
    name = "pilotage.animation"
    label = "animation"
    verbose_name = "Animation régionale"

    def ready(self):
        from pilotage.animation import perms  # noqa: F401  (registers the permission rules)
        from pilotage.animation.annex import DOCX_DEFAULT, HTML_DEFAULT, KIND, LABEL, sample_context
        from pilotage.documents.registry import register_document

        register_document(KIND, label=LABEL, docx_default=DOCX_DEFAULT, html_default=HTML_DEFAULT,
                          sample_context=sample_context)  # fmt: skip
