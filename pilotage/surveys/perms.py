"""Who runs surveys and who reads their results (visibility of surveys: `Survey.objects.visible_to`)."""

import rules

from pilotage.core.roles import STATE_ROLES, Role

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


def _organisation(user) -> tuple | None:
    organisation = user.organisation
    return None if organisation is None else (type(organisation), organisation.pk)


@rules.predicate
def edits_questionnaire(user, questionnaire=None) -> bool:
    """A questionnaire copy (a template never changes) is written by the DGEFP, or by the service that made it
    (its author's organisation: the same DREETS, the UNML), and only while every survey using it is one the
    user manages: a DREETS changes no other region's questionnaire nor a national survey's."""
    if questionnaire is None or questionnaire.is_template or not creates_surveys(user):
        return False
    if not all(manages_survey(user, survey) for survey in questionnaire.surveys.all()):
        return False
    if user.is_superuser or user.role == Role.NATIONAL_ADMIN:
        return True
    created = questionnaire.history.filter(history_type="+").order_by("history_date").first()
    author = created.history_user if created else None
    if author is None:
        return False
    return author.pk == user.pk or (_organisation(user) is not None and _organisation(author) == _organisation(user))


rules.add_perm("surveys.add_survey", creates_surveys)
rules.add_perm("surveys.change_questionnaire", edits_questionnaire)
rules.add_perm("surveys.manage_survey", manages_survey)
