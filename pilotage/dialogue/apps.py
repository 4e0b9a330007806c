from django.apps import AppConfig


class DialogueConfig(AppConfig):
    label = "dialogue"
    name = "pilotage.dialogue"
    verbose_name = "Dialogue de gestion"

    def ready(self):
        from pilotage.dialogue import perms  # noqa: F401  (registers the permission rules)
