from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from pilotage.accounts import forms, proconnect, views

app_name = "accounts"
urlpatterns = [
    path(
        "connexion/",
        views.LoginView.as_view(
            template_name="accounts/login.html",
            authentication_form=forms.LoginForm,
            redirect_authenticated_user=True,
        ),
        name="login",
    ),
    path("deconnexion/", views.LogoutView.as_view(), name="logout"),
    path("proconnect/connexion/", proconnect.ProConnectLoginView.as_view(), name="proconnect_login"),
    path("proconnect/retour/", proconnect.ProConnectCallbackView.as_view(), name="proconnect_callback"),
    path("", views.profile, name="profile"),
    path(
        "mot-de-passe/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/form_page.html",
            form_class=forms.PasswordChangeForm,
            success_url=reverse_lazy("accounts:password_change_done"),
            extra_context={"title": "Changer de mot de passe", "submit": "Changer le mot de passe"},
        ),
        name="password_change",
    ),
    path(
        "mot-de-passe/modifie/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={"title": "Mot de passe modifié", "message": "Votre mot de passe a été modifié."},
        ),
        name="password_change_done",
    ),
    path(
        "mot-de-passe-oublie/",
        views.PasswordResetView.as_view(
            template_name="accounts/form_page.html",
            form_class=forms.PasswordResetForm,
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            success_url=reverse_lazy("accounts:password_reset_done"),
            extra_context={
                "title": "Mot de passe oublié",
                "intro": "Indiquez l'adresse électronique de votre compte : nous vous enverrons un lien pour "
                "choisir un nouveau mot de passe.",
                "submit": "Recevoir le lien",
            },
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe-oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="accounts/message_page.html",
            extra_context={
                "title": "Courriel envoyé",
                "message": "Si un compte existe pour cette adresse, un courriel vient de lui être envoyé "
                "avec un lien valable quelques jours. Par sécurité, les demandes répétées pour une même adresse "
                "n'envoient pas d'autre courriel pendant un moment : pensez à regarder vos courriels "
                "indésirables.",
            },
        ),
        name="password_reset_done",
    ),
    path(
        "reinitialiser/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/form_page.html",
            form_class=forms.SetPasswordForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
            extra_context={"title": "Choisir un nouveau mot de passe", "submit": "Enregistrer"},
        ),
        name="password_reset_confirm",
    ),
    path(
        "reinitialiser/termine/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/message_page.html",
            extra_context={"title": "Mot de passe enregistré", "message": "Vous pouvez vous connecter."},
        ),
        name="password_reset_complete",
    ),
]
