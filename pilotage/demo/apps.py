from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo data and its `load_demo` command (top floor: it fills every domain)."""

    name = "pilotage.demo"
    label = "demo"
    verbose_name = "Démonstration"
