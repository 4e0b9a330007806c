from django.contrib.auth import forms as auth_forms

from pilotage.core.forms import DsfrFormMixin


class LoginForm(DsfrFormMixin, auth_forms.AuthenticationForm):
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Ce compte est désactivé.",
    }


class PasswordResetForm(DsfrFormMixin, auth_forms.PasswordResetForm):
    pass


class SetPasswordForm(DsfrFormMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(DsfrFormMixin, auth_forms.PasswordChangeForm):
    pass
