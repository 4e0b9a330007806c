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
    return code in visible_entity_codes(user, level, codes=[code])


def visible_entity_codes(user, level: str, codes=None) -> set[str]:
    """The codes of `level` whose indicators `user` reads (`sees_entity` for many at once; the API's list), among
    `codes` when given."""
    scope = user.scope

    def among(queryset):
        if codes is not None:
            queryset = queryset.filter(code__in=list(codes))
        return set(queryset.values_list("code", flat=True))

    if level == "national":
        return {"FR"} & set(codes if codes is not None else ["FR"]) if not scope.is_empty else set()
    if level == "region":
        related = set(scope.related_region_codes)
        return among(Region.objects.visible_to(user)) | (related & set(codes) if codes is not None else related)
    if level == "departement":
        return among(Department.objects.visible_to(user))
    if level == "ml":
        return among(MissionLocale.objects.visible_to(user))
    return set()


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
