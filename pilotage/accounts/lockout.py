"""Login throttling with django-axes: one limit per account, a higher one per client address.

Every login (the form, the admin's form, ProConnect's callback) goes through `django.contrib.auth.authenticate`,
whose first backend is axes': a locked-out account or address is refused before any password is checked, and
each failure is recorded in the database (shared by every worker). API tokens are created only from a
logged-in session (page `/api/jeton/` or the `create_api_token` command): no password reaches the API.
"""

import logging
from datetime import timedelta

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.dispatch import receiver
from django.shortcuts import render

from pilotage.accounts.forms import LoginForm
from pilotage.accounts.proconnect import proconnect_enabled

security_log = logging.getLogger("pilotage.security")


def lockout_message() -> str:
    minutes = settings.LOGIN_LOCKOUT_MINUTES
    return (
        f"Trop de tentatives de connexion : par sécurité, la connexion est suspendue pendant {minutes} minutes "
        "pour cette adresse électronique ou depuis votre poste. Réessayez plus tard ; si vous avez oublié votre "
        "mot de passe, utilisez « Mot de passe oublié ? »."
    )


def failure_limit(request=None, credentials=None) -> int:
    return settings.LOGIN_FAILURES_PER_ACCOUNT


def cool_off(request=None) -> timedelta:
    return timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES)


def attempted_username(request, credentials=None) -> str | None:
    """The e-mail address an attempt was made for, lower-cased (`Jean@x.fr` and `jean@x.fr` count together).

    Credentials name it `username` (the login forms) or `email` (axes after a success); ProConnect's
    callback has none: its failures count for the client address only.
    """
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None and request.method == "POST":
        value = request.POST.get("username")
    value = (value or "").strip().lower()
    return value or None


class LockoutHandler(AxesDatabaseHandler):
    """axes' database handler with two limits instead of one.

    axes compares one number of failures to one limit (`AXES_FAILURE_LIMIT`, the per-account limit). This
    handler gives it the larger of: the failures for the account (the e-mail address tried, from any
    address), and the failures from the client address (for any account) scaled so that they reach the limit
    at `LOGIN_FAILURES_PER_IP`. Failures count while each follows the previous one by less than the cool-off.
    """

    def get_failures(self, request, credentials=None) -> int:
        recent = AccessAttempt.objects.filter(attempt_time__gte=get_cool_off_threshold(request))
        username = get_client_username(request, credentials)
        by_account = by_ip = 0
        if username:
            by_account = recent.filter(username=username).aggregate(n=Sum("failures_since_start"))["n"] or 0
        ip_address = getattr(request, "axes_ip_address", None)
        if ip_address:
            by_ip = recent.filter(ip_address=ip_address).aggregate(n=Sum("failures_since_start"))["n"] or 0
        account_limit, ip_limit = settings.LOGIN_FAILURES_PER_ACCOUNT, settings.LOGIN_FAILURES_PER_IP
        return max(by_account, by_ip * account_limit // ip_limit)

    def reset_user_attempts(self, request, credentials=None) -> int:
        """After a successful login, forget the failures for that account only: logging into one's own account
        must not wipe the failures an address piled up against others."""
        username = get_client_username(request, credentials)
        if not username:
            return 0
        deleted, _ = AccessAttempt.objects.filter(username=username).delete()
        return deleted


LOCKED_OUT_TOKEN_MESSAGE = (
    "La connexion à votre compte est suspendue après des échecs répétés : aucun jeton d'API ne peut être créé "
    "pendant ce temps. Réessayez plus tard."
)


def account_locked_out(request) -> bool:
    """Whether the logged-in person's account, or their address, is locked out: then no API token is created
    (someone guessing the password must not end up with a lasting credential)."""
    return AxesProxyHandler.is_locked(request, credentials={"username": request.user.email})


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with a French message that says nothing about whether the account exists."""
    form = LoginForm(request, data=None)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "lockout_message": lockout_message(), "proconnect": proconnect_enabled()},
        status=429,
    )


@receiver(user_locked_out)
def log_lockout(sender, request, username, ip_address, **kwargs):
    security_log.warning(
        "Connexion bloquée après des échecs répétés : compte « %s », adresse %s, chemin %s.",
        username or "—",
        ip_address or "inconnue",
        getattr(request, "path", "—"),
    )
