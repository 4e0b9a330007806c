from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "pilotage.documents"
    label = "documents"
    verbose_name = "Documents officiels"
