from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "pilotage.reference"
    label = "reference"
    verbose_name = "Référentiel"

    def ready(self):
        from pilotage.reference import perms  # noqa: F401  (registers the permission rules)
