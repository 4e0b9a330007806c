"""Who runs surveys and who reads their results (visibility of surveys: `Survey.objects.visible_to`)."""

import rules

from pilotage.accounts.models import STATE_ROLES, Role

NATIONAL_RUNNERS = {Role.NATIONAL_ADMIN, Role.NATIONAL_OBSERVER}


@rules.predicate
def creates_surveys(user) -> bool:
    """The DGEFP and the national observer (UNML) run national surveys; a DREETS runs regional surveys for its
    region. Councils, municipalities and Missions Locales answer through their links."""
    return user.is_active and (user.is_superuser or user.role in NATIONAL_RUNNERS | {Role.REGIONAL_STATE})


@rules.predicate
def manages_survey(user, survey=None) -> bool:
    """The DGEFP any survey; a national body (UNML…) the national surveys it launched, not the State's; a DREETS
    the surveys of its region: they edit the targets, open, remind, close, publish, and follow who answered."""
    if survey is None or not user.is_active:
        return False
    if user.is_superuser or user.role == Role.NATIONAL_ADMIN:
        return True
    if user.role == Role.NATIONAL_OBSERVER:
        author = survey.created_by
        return survey.region_id is None and author is not None and author.role == Role.NATIONAL_OBSERVER and (
            author.national_body_id == user.national_body_id
        )  # fmt: skip
    return user.role == Role.REGIONAL_STATE and survey.region_id == user.state_service.region_id


def sees_exact_results(user, survey) -> bool:
    """Exact figures for the State services (as for indicators, ADR 0006) and for the survey's managers (the
    UNML owns its national surveys and their raw answers); councils, municipalities, ARML and Missions Locales
    read published results with small counts masked."""
    return user.is_superuser or user.role in STATE_ROLES or manages_survey(user, survey)


rules.add_perm("surveys.add_survey", creates_surveys)
rules.add_perm("surveys.manage_survey", manages_survey)
