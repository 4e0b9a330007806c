from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "pilotage.surveys"
    label = "surveys"
    verbose_name = "Enquêtes"

    def ready(self):
        from pilotage.surveys import perms  # noqa: F401  (registers the permission rules)
