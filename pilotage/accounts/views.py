import logging

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpResponseRedirect
from django.shortcuts import render

from pilotage.accounts import ratelimit
from pilotage.accounts.proconnect import end_session_url, proconnect_enabled
from pilotage.core.clients import client_ip
from pilotage.reference.models import Department, MissionLocale, Region

security_log = logging.getLogger("pilotage.security")


def profile(request):
    user = request.user
    scope = user.scope
    return render(
        request,
        "accounts/profile.html",
        {
            "scope": scope,
            "regions": Region.objects.visible_to(user),
            "departments_count": Department.objects.visible_to(user).count(),
            "missions_locales_count": MissionLocale.objects.visible_to(user).count(),
            "breadcrumbs": [("Mon compte", None)],
        },
    )


class LoginView(auth_views.LoginView):
    """Django's login, with the ProConnect button when ProConnect is configured."""

    def get_context_data(self, **kwargs):
        return super().get_context_data(proconnect=proconnect_enabled(), **kwargs)


class LogoutView(auth_views.LogoutView):
    """Django's logout; a session opened through ProConnect is then closed at ProConnect too (end_session)."""

    def post(self, request, *args, **kwargs):
        id_token = request.session.get("oidc_id_token")
        response = super().post(request, *args, **kwargs)
        if id_token and proconnect_enabled():
            url = end_session_url(request, id_token)
            if url:
                return HttpResponseRedirect(url)
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset by e-mail, limited per address and per client address.

    Over a limit, no e-mail is sent but the answer is the same page as when one is (and as for an unknown
    address): the form reveals neither whether an account exists nor whether a limit was reached for it.
    """

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().lower()
        window = settings.PASSWORD_RESET_WINDOW_MINUTES * 60
        ip = client_ip(self.request) or "inconnue"
        by_address = ratelimit.hit(
            f"password-reset:address:{ratelimit.digest(email)}",
            limit=settings.PASSWORD_RESET_PER_ADDRESS,
            window_seconds=window,
        )
        by_ip = ratelimit.hit(f"password-reset:ip:{ip}", limit=settings.PASSWORD_RESET_PER_IP, window_seconds=window)
        if not (by_address and by_ip):
            security_log.warning(
                "Réinitialisation de mot de passe limitée (%s) depuis %s : aucun courriel envoyé.",
                "adresse" if not by_address else "poste",
                ip,
            )
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
