"""Demo surveys: the 2024 state-of-play (closed, published, 182 synthetic answers that give back the seed's
figures) and an open survey the story's Mission Locale is asked to answer. Deterministic and idempotent."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from pilotage.accounts.models import User
from pilotage.demo.demo import DEMO_DOMAIN, STORY_MISSION_LOCALE, _hash
from pilotage.reference.models import MissionLocale
from pilotage.surveys.links import answer_path
from pilotage.surveys.models import (
    Questionnaire,
    Response,
    ResponseStatus,
    Survey,
    SurveyStatus,
    SurveyTransition,
    Target,
    hash_token,
)
from pilotage.surveys.services import templates_load
from pilotage.surveys.synthetic import RESPONDENTS, seed_2024_answers

CLOSED_TITLE = "État des lieux 2024 — relations avec les Conseils départementaux"
OPEN_TITLE = "Relations avec le Conseil départemental — édition 2026"


@dataclass
class DemoSurveys:
    created: int
    link: str  # the story Mission Locale's personal link to the open survey


def demo_token(code: str) -> str:
    """A fixed token for the demo only (real tokens are random: `secrets.token_urlsafe(32)`), derived from the
    deployment's secret key so that a demo link cannot be worked out from the source code."""
    return hashlib.sha256(f"{settings.SECRET_KEY}-demo-survey-{code}".encode()).hexdigest()[:43]


def _targets(survey, mls, prefix):
    return bulk_create_with_history(
        [Target(survey=survey, mission_locale=ml, email=ml.email,
                token_hash=hash_token(demo_token(f"{prefix}-{ml.code}")))
         for ml in mls],
        Target,
        default_user=survey.created_by,
    )  # fmt: skip


def demo_surveys_load() -> DemoSurveys:
    templates_load()
    questionnaire = Questionnaire.objects.get(slug="relations-ml-conseil-departemental")
    unml = User.objects.get(email=f"unml@{DEMO_DOMAIN}")
    dgefp = User.objects.get(email=f"dgefp@{DEMO_DOMAIN}")
    mls = list(MissionLocale.objects.active().order_by("code"))
    created = 0
    if not Survey.objects.filter(title=CLOSED_TITLE).exists():
        deadline = timezone.make_aware(datetime(2024, 3, 15, 18, 0))
        survey = Survey.objects.create(questionnaire=questionnaire, title=CLOSED_TITLE, deadline=deadline,
                                       status=SurveyStatus.CLOSED, funding_year=2024, results_published=True,
                                       created_by=unml)  # fmt: skip
        for name, before, after, day in (("open", "draft", "open", 1), ("close", "open", "closed", 16)):
            SurveyTransition.objects.create(survey=survey, name=name, from_status=before, to_status=after, by=unml,
                                            at=timezone.make_aware(datetime(2024, 3, day, 9, 0)))  # fmt: skip
        targets = _targets(survey, mls, "demo-2024")
        story = next(t for t in targets if t.mission_locale.code == STORY_MISSION_LOCALE)
        others = sorted((t for t in targets if t is not story), key=lambda t: _hash(f"answer-{t.mission_locale.code}"))
        answering = [story, *others[: RESPONDENTS - 1]]
        bulk_create_with_history(
            [Response(target=t, answers=a, status=ResponseStatus.SUBMITTED, submitted_at=deadline - timedelta(days=3))
             for t, a in zip(answering, seed_2024_answers(), strict=True)],
            Response,
            default_user=unml,
        )  # fmt: skip
        created += 1
    story_ml = next(ml for ml in mls if ml.code == STORY_MISSION_LOCALE)
    if not Survey.objects.filter(title=OPEN_TITLE).exists():
        survey = Survey.objects.create(questionnaire=questionnaire, title=OPEN_TITLE, status=SurveyStatus.OPEN,
                                       deadline=timezone.make_aware(datetime(2099, 6, 15, 18, 0)), funding_year=2024,
                                       created_by=dgefp)  # fmt: skip
        SurveyTransition.objects.create(survey=survey, name="open", from_status="draft", to_status="open", by=dgefp)
        department_mls = [ml for ml in mls if ml.department_id == story_ml.department_id]
        targets = _targets(survey, department_mls, "demo-2026")
        story = next(t for t in targets if t.mission_locale_id == story_ml.pk)
        story.token_hash = hash_token(demo_token(story_ml.code))
        story.invited_at = timezone.now()
        story.save()
        created += 1
    return DemoSurveys(created=created, link=answer_path(demo_token(story_ml.code)))
