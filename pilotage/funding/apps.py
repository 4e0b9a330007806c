from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "pilotage.funding"
    label = "funding"
    verbose_name = "Conventions et financements"
