from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class CoreConfig(AppConfig):
    default = True
    name = "pilotage.core"
    label = "core"
    verbose_name = "Socle"


class PilotageAdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "pilotage.core.admin_site.PilotageAdminSite"
