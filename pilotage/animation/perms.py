"""Who may do what on the regional animation programmes (visibility: `Programme.objects.visible_to`)."""

import rules

from pilotage.animation.models import ProgrammeStatus
from pilotage.core.roles import Role
from pilotage.reference.perms import is_national_admin


def _own_arml(user, programme) -> bool:
    return user.role == Role.ARML and user.regional_association_id == programme.regional_association_id


def _of_region(user, programme, role) -> bool:
    return user.role == role and programme.regional_association.region_id in user.scope.region_codes


@rules.predicate
def creates_programme(user) -> bool:
    """The ARML drafts its region's programme; the DGEFP may start one for any ARML."""
    return user.is_active and (is_national_admin(user) or user.role == Role.ARML)


@rules.predicate
def drafts_programme(user, programme=None) -> bool:
    """The ARML of the region (or the DGEFP) writes the programme while it is in preparation or sent back
    for changes; once submitted or approved it is read-only (reopening is the DREETS' decision)."""
    if programme is None or not user.is_active or not programme.is_editable:
        return False
    return is_national_admin(user) or _own_arml(user, programme)


@rules.predicate
def reviews_programme(user, programme=None) -> bool:
    """The DREETS of the region (or the DGEFP) asks for changes, approves, reopens with a reason, records the
    tripartite convention and closes the programme after the activity report."""
    if programme is None or not user.is_active:
        return False
    return is_national_admin(user) or _of_region(user, programme, Role.REGIONAL_STATE)


@rules.predicate
def council_approves_programme(user, programme=None) -> bool:
    """The regional council of the region approves the programme (its part of the co-construction)."""
    return programme is not None and user.is_active and _of_region(user, programme, Role.REGIONAL_COUNCIL)


@rules.predicate
def comments_programme(user, programme=None) -> bool:
    """The three parties of the co-construction — ARML, DREETS, regional council — and the DGEFP comment."""
    if programme is None or not user.is_active:
        return False
    return (
        is_national_admin(user)
        or _own_arml(user, programme)
        or _of_region(user, programme, Role.REGIONAL_STATE)
        or _of_region(user, programme, Role.REGIONAL_COUNCIL)
    )


@rules.predicate
def reports_programme(user, programme=None) -> bool:
    """The ARML (or the DGEFP) writes the activity report of an approved programme, the next year."""
    if programme is None or not user.is_active or programme.status != ProgrammeStatus.APPROVED:
        return False
    return is_national_admin(user) or _own_arml(user, programme)


rules.add_perm("animation.add_programme", creates_programme)
rules.add_perm("animation.draft_programme", drafts_programme)
rules.add_perm("animation.review_programme", reviews_programme)
rules.add_perm("animation.council_approve_programme", council_approves_programme)
rules.add_perm("animation.comment_programme", comments_programme)
rules.add_perm("animation.report_programme", reports_programme)
