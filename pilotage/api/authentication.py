"""How a machine gets in: a knox token in `Authorization: Token <jeton>`, its scope, its rate limit.

- `ApiTokenAuthentication`: knox's check (digest, expiry, active user) with French errors, and the last use
  recorded (at most once a minute, without touching the history).
- `TokenScopePermission`: a read token gets 403 on any unsafe method (POST, PUT, PATCH, DELETE).
- `TokenRateThrottle`: `API_TOKEN_RATE` requests per token (DRF's throttling, in the cache); beyond, 429 with
  `Retry-After` and a French message (`pilotage.api.exceptions`). Sessions (the browsable API) are not limited here.
"""

import binascii
from datetime import timedelta
from hmac import compare_digest

from django.conf import settings
from django.utils import timezone
from knox.auth import TokenAuthentication
from knox.crypto import hash_token
from knox.settings import CONSTANTS, knox_settings
from knox.signals import token_expired
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
        user, auth_token = self._knox_check(token)
        now = timezone.now()
        if auth_token.last_used is None or now - auth_token.last_used > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=auth_token.pk).update(last_used=now)
            auth_token.last_used = now
        return user, auth_token

    def _knox_check(self, token: bytes):
        """knox's `authenticate_credentials` (each token whose key starts the header's: its owner's other expired
        tokens deleted, itself deleted and skipped if expired, else its digest compared; the owner must be active)
        with one query instead of one plus one per candidate: the candidates' owners' tokens are read together."""
        token = token.decode("utf-8")
        key = token[: CONSTANTS.TOKEN_KEY_LENGTH]
        owners = ApiToken.objects.filter(token_key=key).values("user")
        tokens = list(ApiToken.objects.filter(user__in=owners).select_related("user"))
        deleted = set()
        for auth_token in [t for t in tokens if t.token_key == key]:
            if auth_token.pk in deleted:
                continue
            for other in tokens:  # knox's `_cleanup_token`
                if other.user_id != auth_token.user_id or other.pk in deleted or other.digest == auth_token.digest:
                    continue
                if other.expiry and other.expiry < timezone.now():
                    deleted.add(other.pk)
                    other.delete()
                    token_expired.send(sender=self.__class__, username=other.user.get_username(), source="other_token")
            if auth_token.expiry is not None and auth_token.expiry < timezone.now():
                deleted.add(auth_token.pk)
                auth_token.delete()
                token_expired.send(sender=self.__class__, username=auth_token.user.get_username(), source="auth_token")
                continue
            try:
                digest = hash_token(token)
            except (TypeError, binascii.Error) as error:
                raise exceptions.AuthenticationFailed(INVALID) from error
            if compare_digest(digest, auth_token.digest):
                if knox_settings.AUTO_REFRESH and auth_token.expiry:
                    self.renew_token(auth_token)
                return self.validate_user(auth_token)
        raise exceptions.AuthenticationFailed(INVALID)


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
