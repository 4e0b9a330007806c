from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "pilotage.accounts"
    label = "accounts"
    verbose_name = "Comptes et rôles"

    def ready(self):
        from pilotage.accounts import lockout, sessions  # noqa: F401  (signal receivers)
