from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "pilotage.funding"
    label = "funding"
    verbose_name = "Conventions et financements"

    def ready(self):
        from pilotage.funding import avenant, perms  # noqa: F401  (perms registers the permission rules)

        avenant.register()
