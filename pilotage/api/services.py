"""The API's writes: tokens, and the audited save of a Mission Locale changed through the API."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from pilotage.reference.models import MissionLocale

#: the change reason written on the history rows of a change made through the API
API_CHANGE_REASON = "API"


@transaction.atomic
def api_token_rotate(*, user) -> str:
    """Replace the user's API token by a new one and return its key (the old one stops working at once)."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user).key


@transaction.atomic
def api_token_revoke(*, user) -> bool:
    """Delete the user's API token; True if there was one."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)


@transaction.atomic
def mission_locale_api_update(*, serializer, acting_user) -> MissionLocale:
    """Save a validated `MissionLocaleSerializer` whose changes the caller has authorised.

    Every history row (the record and its departments covered) names `acting_user` explicitly, whichever way
    they authenticated: the history middleware runs before DRF authenticates a token, so it is not relied upon.
    """
    mission_locale = serializer.instance
    mission_locale._history_user = acting_user
    mission_locale._change_reason = API_CHANGE_REASON
    return serializer.save()
