"""DRF's exception handler, with the throttling message in French (the `Retry-After` header is DRF's)."""

import math

from django.conf import settings
from rest_framework import exceptions

PERIODS = {"s": "seconde", "m": "minute", "h": "heure", "d": "jour"}


def rate_label(rate: str) -> str:
    """`120/minute` → `120 par minute` (DRF reads the period by its first letter)."""
    count, _, period = rate.partition("/")
    return f"{count} par {PERIODS.get(period[:1], period)}"


def exception_handler(exc, context):
    """DRF's handler (it sets `Retry-After` on a 429), with the throttling message in French."""
    from rest_framework.views import exception_handler as drf_exception_handler  # not at import: DRF's settings

    if isinstance(exc, exceptions.Throttled):
        seconds = max(1, math.ceil(exc.wait or 1))
        exc.detail = exceptions.ErrorDetail(
            f"Trop de requêtes pour ce jeton (au plus {rate_label(settings.API_TOKEN_RATE)}) : "
            f"réessayez dans {seconds} seconde{'s' if seconds > 1 else ''}.",
            code="throttled",
        )
    return drf_exception_handler(exc, context)
