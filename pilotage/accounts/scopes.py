"""From a user's role and organisation to the part of the territory they see."""

from pilotage.core.roles import Role
from pilotage.core.scope import EVERYTHING, NOTHING, Scope
from pilotage.reference.models import Department, MissionLocale


def _region_scope(region_code: str, **extra) -> Scope:
    departments = frozenset(Department.objects.filter(region_id=region_code).values_list("code", flat=True))
    return Scope(region_codes=frozenset({region_code}), department_codes=departments, **extra)


def _department_scope(department, **extra) -> Scope:
    return Scope(
        department_codes=frozenset({department.code}),
        related_region_codes=frozenset({department.region_id}),
        **extra,
    )


def scope_for(user) -> Scope:
    """The scope rule of each role (the business rule, in one place):

    - DGEFP (national administrator), UNML (national observer) and technical superusers: the whole country;
    - DREETS, regional council, ARML: their region, its departments and Missions Locales;
    - DDETS, departmental council: their department and the Missions Locales that cover it;
    - municipality or EPCI: the Missions Locales that cover its territory (listed on its funder record);
    - Mission Locale director and staff: their Mission Locale only.
    A user with no role and no superuser flag sees nothing.
    """
    if user.is_superuser or user.role in {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER}:
        return EVERYTHING
    match user.role:
        case Role.REGIONAL_STATE:
            return _region_scope(user.state_service.region_id)
        case Role.REGIONAL_COUNCIL:
            return _region_scope(user.funder.region_id, funder_ids=frozenset({user.funder_id}))
        case Role.ARML:
            return _region_scope(user.regional_association.region_id)
        case Role.DEPARTMENTAL_STATE:
            return _department_scope(user.state_service.department)
        case Role.DEPARTMENTAL_COUNCIL:
            return _department_scope(user.funder.department, funder_ids=frozenset({user.funder_id}))
        case Role.MUNICIPALITY:
            funder = user.funder
            ml_ids = frozenset(funder.missions_locales.values_list("pk", flat=True))
            return Scope(
                mission_locale_ids=ml_ids,
                related_region_codes=frozenset({funder.department.region_id}),
                funder_ids=frozenset({funder.pk}),
            )
        case Role.ML_DIRECTOR | Role.ML_STAFF:
            ml = MissionLocale.objects.select_related("department").get(pk=user.mission_locale_id)
            return Scope(
                mission_locale_ids=frozenset({ml.pk}),
                related_region_codes=frozenset({ml.department.region_id}),
            )
    return NOTHING
