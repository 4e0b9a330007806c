"""Writes on the reference data. Each service records who acted (django-simple-history)."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from pilotage.reference.models import MissionLocale
from pilotage.reference.perms import MISSION_LOCALE_DIRECTOR_FIELDS, is_national_admin


def mission_locale_editable_fields(*, user, mission_locale: MissionLocale) -> tuple[str, ...] | None:
    """The fields `user` may change on `mission_locale`: None = all of them, () = none."""
    if not user.has_perm("reference.change_missionlocale", mission_locale):
        return ()
    if is_national_admin(user) or user.role in {"regional_state", "departmental_state"}:
        return None
    return MISSION_LOCALE_DIRECTOR_FIELDS


@transaction.atomic
def mission_locale_update(*, mission_locale: MissionLocale, acting_user, form) -> MissionLocale:
    """Save a validated form on a Mission Locale, refusing fields the user may not change."""
    allowed = mission_locale_editable_fields(user=acting_user, mission_locale=mission_locale)
    if allowed == () or (allowed is not None and set(form.changed_data) - set(allowed)):
        raise PermissionDenied("Vous ne pouvez pas modifier ces informations.")
    if not form.has_changed():
        return mission_locale
    instance = form.save(commit=False)
    instance._history_user = acting_user
    instance.save()
    form.save_m2m()
    return instance
