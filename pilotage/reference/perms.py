"""Who may see and change the reference data. Every rule reads the user's scope (accounts.scopes).

Predicates receive `obj=None` when Django asks about a whole model (admin, menus).
"""

import rules

from pilotage.core.roles import Role
from pilotage.reference.models import (
    Department,
    Funder,
    MissionLocale,
    Region,
    RegionalAssociation,
    StateService,
)


@rules.predicate
def is_national_admin(user) -> bool:
    """The DGEFP (and technical superusers) administer the reference data of the whole country."""
    return user.is_active and (user.is_superuser or user.role == Role.NATIONAL_ADMIN)


def _visible(model):
    @rules.predicate(name=f"sees_{model._meta.model_name}")
    def predicate(user, obj=None) -> bool:
        if obj is None:
            return not user.scope.is_empty
        return model.objects.visible_to(user).filter(pk=obj.pk).exists()

    return predicate


sees_region = _visible(Region)
sees_department = _visible(Department)
sees_mission_locale = _visible(MissionLocale)
sees_regional_association = _visible(RegionalAssociation)
sees_state_service = _visible(StateService)
sees_funder = _visible(Funder)


@rules.predicate
def edits_mission_locale(user, ml=None) -> bool:
    """A Mission Locale's record is kept by the DGEFP, the State services of its territory, and its director.

    The director may change the contact details (president, director, address…) but not the identity
    (code, SIRET, legal form, department): see `MISSION_LOCALE_DIRECTOR_FIELDS`.
    """
    if ml is None or not user.is_active:
        return False
    if is_national_admin(user):
        return True
    if user.role in {Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE}:
        return sees_mission_locale(user, ml)
    return user.role == Role.ML_DIRECTOR and user.mission_locale_id == ml.pk


def departments_outside_territory(user, mission_locale, department, covered) -> list[str]:
    """The departments a change would attach the Mission Locale to, or detach it from, outside the user's
    territory: a DREETS or DDETS may not move a Mission Locale into, or out of, another service's territory
    (only the DGEFP may)."""
    scope = user.scope
    if scope.everything:
        return []
    before = {mission_locale.department_id} | {d.pk for d in mission_locale.departments_covered.all()}
    after = {department.pk} | {d.pk for d in covered}
    return sorted((before ^ after) - scope.department_codes)


MISSION_LOCALE_DIRECTOR_FIELDS = (
    "usual_name",
    "address",
    "postcode",
    "city",
    "email",
    "phone",
    "president",
    "director",
)

rules.add_perm("reference.manage_reference_data", is_national_admin)
rules.add_perm("reference.view_region", sees_region)
rules.add_perm("reference.view_department", sees_department)
rules.add_perm("reference.view_missionlocale", sees_mission_locale)
rules.add_perm("reference.change_missionlocale", edits_mission_locale)
rules.add_perm("reference.view_regionalassociation", sees_regional_association)
rules.add_perm("reference.view_stateservice", sees_state_service)
rules.add_perm("reference.view_funder", sees_funder)
