"""DRF's exception handler, with French messages: throttling (the `Retry-After` header is DRF's) and 404 (never
an English model name such as « No MissionLocale matches the given query »), and the JSON 404 of any other path
under /api/ (never Django's HTML page)."""

import math

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions

PERIODS = {"s": "seconde", "m": "minute", "h": "heure", "d": "jour"}
NOT_FOUND_MESSAGE = "Objet inexistant ou hors du périmètre du compte."
NO_ROUTE_MESSAGE = "Adresse inconnue de l'API : voir la documentation sur /api/docs/."


def rate_label(rate: str) -> str:
    """`120/minute` → `120 par minute` (DRF reads the period by its first letter)."""
    count, _, period = rate.partition("/")
    return f"{count} par {PERIODS.get(period[:1], period)}"


def exception_handler(exc, context):
    """DRF's handler (it sets `Retry-After` on a 429), with French throttling and 404 messages."""
    from rest_framework.views import exception_handler as drf_exception_handler  # noqa: PLC0415  (DRF settings load this module)

    if isinstance(exc, exceptions.Throttled):
        seconds = max(1, math.ceil(exc.wait or 1))
        exc.detail = exceptions.ErrorDetail(
            f"Trop de requêtes pour ce jeton (au plus {rate_label(settings.API_TOKEN_RATE)}) : "
            f"réessayez dans {seconds} seconde{'s' if seconds > 1 else ''}.",
            code="throttled",
        )
    elif isinstance(exc, exceptions.ParseError):  # DRF's message is English (« JSON parse error - … »)
        exc = exceptions.ParseError("Corps de requête illisible : un document JSON valide est attendu.")
    elif isinstance(exc, Http404):  # get_object_or_404's message names the model, in English
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)
    elif isinstance(exc, exceptions.NotFound) and exc.detail == exceptions.NotFound.default_detail:
        exc = exceptions.NotFound(NOT_FOUND_MESSAGE)  # e.g. an unknown format suffix (`/financeurs/1.xyz/`)
    return drf_exception_handler(exc, context)


@csrf_exempt
@login_not_required
def no_route(request, *args, **kwargs):
    """Any path under /api/ that no route matches (e.g. `/api/v1/financeurs/1.0e-5/`): a JSON 404 in French."""
    return JsonResponse({"detail": NO_ROUTE_MESSAGE}, status=404, json_dumps_params={"ensure_ascii": False})
