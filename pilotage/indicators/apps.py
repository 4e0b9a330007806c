from django.apps import AppConfig


class IndicatorsConfig(AppConfig):
    name = "pilotage.indicators"
    label = "indicators"
    verbose_name = "Tableau de bord CPO"
