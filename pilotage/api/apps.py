from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "pilotage.api"
    label = "api"
    verbose_name = "API"

    def ready(self):
        from pilotage.api import perms  # noqa: F401  (registers the permission rules)
