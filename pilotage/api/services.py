"""The API's writes: tokens, and the audited save of a Mission Locale changed through the API."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from knox.models import get_digest_token
from knox.settings import CONSTANTS

from pilotage.api.models import ApiToken, TokenScope

security_log = logging.getLogger("pilotage.security")

#: the change reason written on the history rows of a change made through the API
API_CHANGE_REASON = "API"


@transaction.atomic
def api_token_create(*, user, name: str, scope: str = TokenScope.READ, days: int | None = None) -> tuple[ApiToken, str]:
    """A new token for `user`: the record, and the secret (shown once, never stored: only its digest is).

    `days`: lifetime, `API_TOKEN_DAYS` by default, from 1 to `API_TOKEN_MAX_DAYS`.
    """
    name = (name or "").strip()
    errors = {}
    if not name:
        errors["name"] = "Donnez un nom au jeton (à quoi ou à qui il sert)."
    elif len(name) > ApiToken._meta.get_field("name").max_length:
        errors["name"] = "Nom trop long (100 caractères au plus)."
    if scope not in TokenScope.values:
        errors["scope"] = f"Droits inconnus « {scope} » : lecture ou lecture et écriture."
    days = settings.API_TOKEN_DAYS if days is None else days
    if not 1 <= days <= settings.API_TOKEN_MAX_DAYS:
        errors["days"] = f"Durée de validité de 1 à {settings.API_TOKEN_MAX_DAYS} jours (reçu : {days})."
    if not user.is_active:
        errors["user"] = f"Le compte {user.email} est désactivé : son jeton serait refusé."
    if errors:
        raise ValidationError(errors)
    digest, secret = get_digest_token()  # knox's: random, prefixed, SHA-512
    token = ApiToken(
        user=user,
        name=name,
        scope=scope,
        digest=digest,
        token_key=secret[: CONSTANTS.TOKEN_KEY_LENGTH],
        expiry=timezone.now() + timedelta(days=days),
    )
    token._history_user = user
    token.save()
    return token, secret


@transaction.atomic
def api_token_revoke(*, token: ApiToken, acting_user) -> None:
    """Delete the token (it stops working at once); its history names who revoked it. The caller has checked
    `api.revoke_apitoken`."""
    token._history_user = acting_user
    token._change_reason = "révocation" if acting_user.pk == token.user_id else "révocation par la DGEFP"
    if acting_user.pk != token.user_id:
        security_log.warning(
            "Jeton d'API « %s » de %s révoqué par %s.", token.name, token.user.email, acting_user.email
        )
    token.delete()
