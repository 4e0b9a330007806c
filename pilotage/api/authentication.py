"""How a machine gets in: a knox token in `Authorization: Token <jeton>`, its scope, its rate limit.

- `ApiTokenAuthentication`: knox's check (digest, expiry, active user) with French errors, and the last use
  recorded (at most once a minute, without touching the history).
- `TokenScopePermission`: a read token gets 403 on any unsafe method (POST, PUT, PATCH, DELETE).
- `TokenRateThrottle`: `API_TOKEN_RATE` requests per token (DRF's throttling, in the cache); beyond, 429 with
  `Retry-After` and a French message (`pilotage.api.exceptions`). Sessions (the browsable API) are not limited here.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from knox.auth import TokenAuthentication
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.throttling import SimpleRateThrottle

from pilotage.api.models import ApiToken, TokenScope

INVALID = "Jeton invalide, expiré ou révoqué : créez-en un nouveau sur la page « Jetons d'accès à l'API »."
#: the last use is written again only when older than this
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiTokenAuthentication(TokenAuthentication):
    def authenticate(self, request):
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed as error:
            raise exceptions.AuthenticationFailed(INVALID) from error

    def authenticate_credentials(self, token):
        user, auth_token = super().authenticate_credentials(token)
        now = timezone.now()
        if auth_token.last_used is None or now - auth_token.last_used > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used=now)
            auth_token.last_used = now
        return user, auth_token


class TokenScopePermission(BasePermission):
    message = (
        "Ce jeton ne donne que la lecture : une modification (POST, PUT, PATCH, DELETE) demande un jeton "
        "« lecture et écriture »."
    )

    def has_permission(self, request, view):
        token = request.auth
        return not (
            isinstance(token, ApiToken) and token.scope == TokenScope.READ and request.method not in SAFE_METHODS
        )


class TokenRateThrottle(SimpleRateThrottle):
    scope = "token"

    def get_rate(self):
        return settings.API_TOKEN_RATE

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            return f"throttle:api-token:{request.auth.pk}"
        return None
