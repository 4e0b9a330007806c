from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "pilotage.funding"
    label = "funding"
    verbose_name = "Conventions et financements"

    def ready(self):
        from pilotage.funding import perms  # noqa: F401  (registers the permission rules)
