"""Who sees which indicator values, and whether small counts are hidden for them."""

from pilotage.core.roles import Role
from pilotage.reference.models import Department, MissionLocale, Region

UNMASKED_ROLES = {Role.NATIONAL_ADMIN, Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE, Role.ML_DIRECTOR, Role.ML_STAFF,
                  Role.ARML}  # fmt: skip


def sees_unmasked(user, level: str, code: str) -> bool:
    """State services and the ARML see exact values; a Mission Locale sees its own exactly (and the others'
    aggregates masked like everyone)."""
    if user.is_superuser:
        return True
    if user.role in {Role.ML_DIRECTOR, Role.ML_STAFF}:
        return level == "ml" and user.mission_locale is not None and user.mission_locale.code == code
    return user.role in UNMASKED_ROLES


def sees_entity(user, level: str, code: str) -> bool:
    """A page of indicators: the entities of the user's territory; the nation and the user's own region as
    benchmarks (aggregates only)."""
    scope = user.scope
    if level == "national":
        return code == "FR" and not scope.is_empty
    if level == "region":
        return Region.objects.visible_to(user).filter(code=code).exists() or code in scope.related_region_codes
    if level == "departement":
        return Department.objects.visible_to(user).filter(code=code).exists()
    if level == "ml":
        return MissionLocale.objects.visible_to(user).filter(code=code).exists()
    return False


def sets_targets(user, mission_locale) -> bool:
    """Targets are negotiated in the management dialogue and recorded by the State: the DGEFP, the DREETS and
    the DDETS of the Mission Locale's territory."""
    if not user.is_active:
        return False
    if user.is_superuser or user.role == Role.NATIONAL_ADMIN:
        return True
    return (
        user.role in {Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE}
        and MissionLocale.objects.visible_to(user).filter(pk=mission_locale.pk).exists()
    )
