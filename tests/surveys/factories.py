"""Surveys for the tests: templates loaded, a survey of a questionnaire, targets with known links."""

from datetime import timedelta

from django.utils import timezone

from pilotage.surveys.models import Questionnaire, Response, ResponseStatus, Survey, SurveyStatus, Target, hash_token
from pilotage.surveys.services import templates_load

RELATIONS = "relations-ml-conseil-departemental"
FUNDERS = "besoins-attentes-financeurs"


def questionnaire(slug=RELATIONS) -> Questionnaire:
    templates_load()
    return Questionnaire.objects.get(slug=slug)


def make_survey(created_by, *, slug=RELATIONS, status=SurveyStatus.OPEN, days=30, region=None, **kwargs) -> Survey:
    return Survey.objects.create(
        questionnaire=questionnaire(slug), title=kwargs.pop("title", "Enquête de test"), status=status,
        deadline=timezone.now() + timedelta(days=days), created_by=created_by, region=region, **kwargs,
    )  # fmt: skip


def target_with_token(survey, *, mission_locale=None, funder=None, token=None, email="cible@example.org"):
    """A target whose link token is known to the test (`token`, or one derived from the organisation)."""
    token = token or f"jeton-de-test-{survey.pk}-{(mission_locale or funder).pk}-{'m' if mission_locale else 'f'}"
    target = Target.objects.create(
        survey=survey, mission_locale=mission_locale, funder=funder, email=email, token_hash=hash_token(token)
    )
    return target, token


def submitted(survey, mission_locales, answers_list):
    """Bulk: one submitted response per Mission Locale with the given answers."""
    targets = Target.objects.bulk_create(
        Target(survey=survey, mission_locale=ml, token_hash=hash_token(f"bulk-{survey.pk}-{ml.pk}"))
        for ml in mission_locales
    )
    now = timezone.now()
    Response.objects.bulk_create(
        Response(target=t, answers=a, status=ResponseStatus.SUBMITTED, submitted_at=now)
        for t, a in zip(targets, answers_list, strict=True)
    )
    return targets
