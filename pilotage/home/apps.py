from django.apps import AppConfig


class HomeConfig(AppConfig):
    """The platform's front door: the public landing page and each person's home page (top floor: it reads
    every domain's published read side)."""

    name = "pilotage.home"
    verbose_name = "Accueil"
