"""Writes on the reference data. Each service records who acted (django-simple-history)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pilotage.core.roles import Role
from pilotage.reference.models import MissionLocale
from pilotage.reference.perms import MISSION_LOCALE_DIRECTOR_FIELDS, is_national_admin


def mission_locale_editable_fields(*, user, mission_locale: MissionLocale) -> tuple[str, ...] | None:
    """The fields `user` may change on `mission_locale`: None = all of them, () = none."""
    if not user.has_perm("reference.change_missionlocale", mission_locale):
        return ()
    if is_national_admin(user) or user.role in {Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE}:
        return None
    return MISSION_LOCALE_DIRECTOR_FIELDS


@transaction.atomic
def mission_locale_update(
    *, mission_locale: MissionLocale, changes: dict, acting_user, reason: str = ""
) -> MissionLocale:
    """Apply validated `changes` {field: value} to a Mission Locale — from its page's form or from the API —,
    refusing any field the user may not change. A many-to-many field (the departments covered) takes the full
    list. The history names `acting_user` (and `reason`), however they authenticated."""
    allowed = mission_locale_editable_fields(user=acting_user, mission_locale=mission_locale)
    if allowed == () or (allowed is not None and set(changes) - set(allowed)):
        raise PermissionDenied("Vous ne pouvez pas modifier ces informations.")
    if not changes:
        return mission_locale
    many = {field.name for field in MissionLocale._meta.many_to_many} & set(changes)
    for name, value in changes.items():
        if name not in many:
            setattr(mission_locale, name, value)
    mission_locale._history_user = acting_user
    if reason:
        mission_locale._change_reason = reason
    mission_locale.save()
    for name in many:
        getattr(mission_locale, name).set(changes[name])
    return mission_locale
