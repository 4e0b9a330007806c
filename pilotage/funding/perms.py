"""Who may see and change conventions and funding lines (scopes: accounts.scopes; visibility: QuerySets)."""

import rules

from pilotage.core.roles import Role
from pilotage.reference.models import FunderType, MissionLocale
from pilotage.reference.perms import is_national_admin

STATE_TERRITORIAL_ROLES = {Role.REGIONAL_STATE, Role.DEPARTMENTAL_STATE}
FUNDER_ROLES = {Role.REGIONAL_COUNCIL, Role.DEPARTMENTAL_COUNCIL, Role.MUNICIPALITY}


def _sees_ml(user, ml) -> bool:
    return ml is not None and MissionLocale.objects.visible_to(user).filter(pk=ml.pk).exists()


def beneficiary_in_territory(user, convention) -> bool:
    """Whether the convention's beneficiary lies in the territory the user writes in: a Mission Locale the user
    sees; an ARML's (regional) convention only for those who see its region as a whole (DGEFP, DREETS, regional
    council) — a DDETS or a departmental council, who see the ARML of their region, write none of its
    conventions (the regional animation is a regional matter, as its programmes are)."""
    scope = user.scope
    if scope.everything:
        return True
    if convention.mission_locale_id:
        return _sees_ml(user, convention.mission_locale)
    return bool(convention.regional_association_id) and convention.regional_association.region_id in (
        scope.region_codes
    )


@rules.predicate
def edits_convention(user, convention=None) -> bool:
    """The DGEFP any convention; DREETS and DDETS the State's conventions (CPO…) of their territory (a DDETS
    no regional ARML convention); a council or municipality the conventions it signs as main funder with a
    beneficiary of its territory. Missions Locales, ARML and observers read only. The rule holds for the
    convention as it is and as it would be saved (`convention_save` checks both)."""
    if convention is None or not user.is_active:
        return False
    if is_national_admin(user):
        return True
    if not convention.funder_id or not beneficiary_in_territory(user, convention):
        return False
    if user.role in STATE_TERRITORIAL_ROLES:
        return convention.funder.type == FunderType.ETAT
    return user.role in FUNDER_ROLES and convention.funder_id == user.funder_id


@rules.predicate
def creates_conventions(user) -> bool:
    return user.is_active and (is_national_admin(user) or user.role in STATE_TERRITORIAL_ROLES | FUNDER_ROLES)


@rules.predicate
def overrides_guardrail(user, convention=None) -> bool:
    """Going beyond ±10 % over a CPO is a decision of the DGEFP or of the DREETS of the region, with a
    written justification (seed 004, annex 2 §2b: never mechanical)."""
    if not user.is_active:
        return False
    if is_national_admin(user):
        return True
    return user.role == Role.REGIONAL_STATE and (convention is None or edits_convention(user, convention))


@rules.predicate
def imports_funding_lines(user) -> bool:
    """The DGEFP (any line), DREETS/DDETS (State lines of their territory), councils and municipalities
    (their own lines): the import checks each line against these rights."""
    return user.is_active and (is_national_admin(user) or user.role in STATE_TERRITORIAL_ROLES | FUNDER_ROLES)


def may_write_line(user, *, mission_locale, funder_type: str, funder, visible_ml_ids=None) -> str | None:
    """None if `user` may record this line, else the French reason.

    Writes follow the territory as reads do: the DGEFP any line; DREETS/DDETS the State's lines of the
    Missions Locales of their territory; a council or municipality its own lines, for the Missions Locales of
    its territory only (a departmental council: those covering its department; a regional council: its
    region's; a municipality or EPCI: those listed on its funder record). `visible_ml_ids` (the ids of
    `MissionLocale.objects.visible_to(user)`) spares a query per line in an import."""
    if is_national_admin(user):
        return None
    if user.role not in STATE_TERRITORIAL_ROLES | FUNDER_ROLES:
        return "votre rôle ne permet pas d'importer des lignes de financement."
    if user.role in STATE_TERRITORIAL_ROLES and funder_type != FunderType.ETAT:
        return "les services de l'État n'importent que les lignes de l'État."
    if user.role in FUNDER_ROLES and (funder is None or funder.pk != user.funder_id):
        return "vous ne pouvez importer que les lignes de votre collectivité."
    in_territory = (
        mission_locale is not None and mission_locale.pk in visible_ml_ids
        if visible_ml_ids is not None
        else _sees_ml(user, mission_locale)
    )
    if not in_territory:
        return "cette Mission Locale n'est pas dans votre territoire."
    return None


rules.add_perm("funding.add_convention", creates_conventions)
rules.add_perm("funding.change_convention", edits_convention)
rules.add_perm("funding.override_guardrail", overrides_guardrail)
rules.add_perm("funding.import_fundingline", imports_funding_lines)
