"""The surveys' published read side for other domains and the home page."""

from django.urls import reverse

from pilotage.core.todos import Todo, todo_of
from pilotage.surveys.models import ResponseStatus, SurveyStatus, Target


def own_targets(user):
    """The open surveys the user's organisation is asked to answer (a Mission Locale, a council…)."""
    if getattr(user, "mission_locale_id", None):
        targets = Target.objects.filter(mission_locale_id=user.mission_locale_id)
    elif getattr(user, "funder_id", None):
        targets = Target.objects.filter(funder_id=user.funder_id)
    else:
        return Target.objects.none()
    return targets.filter(survey__status=SurveyStatus.OPEN).select_related("survey", "response")


def survey_todos(user) -> list[Todo]:
    """The open surveys the user's organisation has not answered yet."""
    waiting = [
        t for t in own_targets(user).order_by("survey__deadline")
        if getattr(getattr(t, "response", None), "status", None) != ResponseStatus.SUBMITTED
    ]  # fmt: skip
    if not waiting:
        return []
    return [todo_of("Enquêtes", "Enquêtes auxquelles répondre", [t.survey for t in waiting],
                    url_of=lambda s: reverse("surveys:answer_signed_in", args=[s.pk]),
                    list_url=reverse("surveys:home"))]  # fmt: skip
