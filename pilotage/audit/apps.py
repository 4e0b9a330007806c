from django.apps import AppConfig


class AuditConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "pilotage.audit"
    label = "audit"
    verbose_name = "Journal d'audit"

    def ready(self):
        from pilotage.audit import chain

        chain.connect()
