"""The regional animation's published read side for other domains and the home page."""

from django.urls import reverse

from pilotage.animation.models import Programme
from pilotage.animation.workflow import WORKFLOW
from pilotage.core.todos import Todo, todo_of


def animation_todos(user) -> list[Todo]:
    """The programmes waiting for the user: to submit, examine, approve for the council, report on, close."""
    candidates = (
        Programme.objects.visible_to(user)
        .filter(status__in=WORKFLOW.todo_sources())
        .select_related("regional_association")
    )
    return [
        todo_of(
            "Animation régionale",
            transition.todo,
            programmes,
            list_url=reverse("animation:home"),
            url_of=lambda p: reverse("animation:programme_detail", args=[p.pk]),
        )  # fmt: skip
        for transition, programmes in WORKFLOW.pending(user, candidates)
    ]
