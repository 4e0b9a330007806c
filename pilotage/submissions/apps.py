from django.apps import AppConfig


class SubmissionsConfig(AppConfig):
    name = "pilotage.submissions"
    label = "submissions"
    verbose_name = "Dépôts de données"

    def ready(self):
        from pilotage.submissions import perms, processing  # noqa: F401  (permission rules, the job's runner)
