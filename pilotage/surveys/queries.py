"""Reads shared by the pages and exports of the surveys (every survey fetched through `visible_to`)."""

from collections import defaultdict
from decimal import Decimal

from django.conf import settings

from pilotage.funding.models import FundingLine
from pilotage.reference.models import FunderType, MissionLocale, Region
from pilotage.surveys.models import Response, ResponseStatus
from pilotage.surveys.perms import sees_exact_results
from pilotage.surveys.results import crosstab, survey_results
from pilotage.surveys.situations import FUNDING_YEARS, relation_is_solid, situation_of


def submitted_responses(survey):
    return list(
        Response.objects.filter(target__survey=survey, status=ResponseStatus.SUBMITTED)
        .select_related("target__mission_locale__department", "target__funder__department")
        .order_by("target_id")
    )


def threshold_for(user, survey) -> int | None:
    return None if sees_exact_results(user, survey) else settings.INDICATORS_MASKING_THRESHOLD


def results_for(user, survey):
    questions = list(survey.questionnaire.questions())
    responses = submitted_responses(survey)
    answers = [r.answers for r in responses]
    return questions, responses, survey_results(questions, answers, threshold=threshold_for(user, survey))


def cross_for(user, survey, questions, responses, question_code: str, by: str):
    by_code = {q.code: q for q in questions}
    question = by_code.get(question_code)
    if question is None or not question.choices():
        return None
    answers = [r.answers for r in responses]
    if by == "region":
        labels = dict(Region.objects.order_by("code").values_list("code", "name"))
        keys = [r.target.region_id for r in responses]
    elif by in by_code and by_code[by].choices() and by != question_code:
        labels = {o["value"]: o["label"] for o in by_code[by].choices()}
        keys = [a.get(by) for a in answers]
    else:
        return None
    return crosstab(question, answers, keys, labels, threshold=threshold_for(user, survey))


def funding_years(survey) -> list[int]:
    last = survey.funding_year or survey.deadline.year - 1
    return list(range(last - FUNDING_YEARS + 1, last + 1))


def situations_for(user, survey):
    """One row per Mission Locale that answered (and that `user` sees): its situation and the facts behind it."""
    years = funding_years(survey)
    visible = set(MissionLocale.objects.visible_to(user).values_list("pk", flat=True))
    responses = [
        r for r in submitted_responses(survey) if r.target.mission_locale_id and r.target.mission_locale_id in visible
    ]
    ml_ids = [r.target.mission_locale_id for r in responses]
    departmental: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    total: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    lines = (
        FundingLine.objects.visible_to(user)
        .of_mission_locales(ml_ids)
        .for_year_range(years[0], years[-1])
        .totals_by("mission_locale_id", "year", "funder_type")
    )
    for ml_id, year, funder_type, amount in lines:
        total[ml_id][year] += amount
        if funder_type == FunderType.DEPARTEMENT:
            departmental[ml_id][year] += amount
    rows = []
    for response in responses:
        ml = response.target.mission_locale
        given = sum(departmental[ml.pk].values(), Decimal(0))
        whole = sum(total[ml.pk].values(), Decimal(0))
        rows.append({
            "mission_locale": ml,
            "department": ml.department,
            "convention": response.answers.get("convention", ""),
            "relation_solid": relation_is_solid(response.answers),
            "departmental": given,
            "share": (given * 100 / whole).quantize(Decimal("0.1")) if whole else None,
            "years_funded": sum(1 for y in years if departmental[ml.pk].get(y, 0) > 0),
            "situation": situation_of(response.answers, departmental[ml.pk], total[ml.pk], years),
        })  # fmt: skip
    return years, rows
