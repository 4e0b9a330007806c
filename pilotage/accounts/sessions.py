"""Sessions end after a period without activity and, in any case, some hours after the login.

Django alone offers one fixed age per session cookie (renewed on every request only by writing the session
every time). This middleware keeps two instants in the session — the login and the last request (written at
most once a minute, so that reading pages does not write to the database on each request) — and logs out a
session idle for more than `SESSION_IDLE_MINUTES` or older than `SESSION_MAX_HOURS`. The cookie's own age
(`SESSION_COOKIE_AGE`) is the absolute limit, so a session forgotten in the database dies there too.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LOGIN_AT = "pilotage_login_at"
SEEN_AT = "pilotage_seen_at"
#: the last-request instant is rewritten only when older than this (seconds)
SEEN_RESOLUTION = 60


def now() -> float:
    return time.time()


@receiver(user_logged_in)
def stamp_login(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = now()


def expiry_reason(session, at: float) -> str | None:
    """ "idle" or "max_age" if the session has expired at `at`, else None."""
    login_at, seen_at = session.get(LOGIN_AT), session.get(SEEN_AT)
    if login_at is not None and at - login_at > settings.SESSION_MAX_HOURS * 3600:
        return "max_age"
    if seen_at is not None and at - seen_at > settings.SESSION_IDLE_MINUTES * 60:
        return "idle"
    return None


class SessionTimeoutMiddleware:
    MESSAGES = {
        "idle": "Votre session a expiré après {minutes} minutes sans activité : reconnectez-vous.",
        "max_age": "Votre session a expiré ({hours} heures après la connexion) : reconnectez-vous.",
    }

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            at = now()
            session = request.session
            reason = expiry_reason(session, at)
            if reason is not None:
                logout(request)  # flushes the session; LoginRequiredMiddleware then sends to the login page
                messages.info(
                    request,
                    self.MESSAGES[reason].format(
                        minutes=settings.SESSION_IDLE_MINUTES, hours=settings.SESSION_MAX_HOURS
                    ),
                )
            else:
                if LOGIN_AT not in session:  # a session opened before this middleware existed
                    session[LOGIN_AT] = at
                if at - session.get(SEEN_AT, 0) > SEEN_RESOLUTION:
                    session[SEEN_AT] = at
        return self.get_response(request)
