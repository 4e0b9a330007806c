"""The dialogue's published read side for other domains and the home page."""

from django.urls import reverse

from pilotage.core.todos import Todo, todo_of
from pilotage.dialogue.models import ManagementDialogue
from pilotage.dialogue.workflow import WORKFLOW

DOMAIN = "Dialogue de gestion"


def _url(dialogue) -> str:
    return reverse("dialogue:dialogue", args=[dialogue.pk])


def dialogue_todos(user) -> list[Todo]:
    """The files waiting for the user (to transmit, to conclude, avenant to sign), then the late ones they see."""
    visible = ManagementDialogue.objects.visible_to(user).select_related("campaign", "mission_locale")
    followup = reverse("dialogue:followup")
    todos = [
        todo_of(DOMAIN, transition.todo, dialogues, url_of=_url, list_url=followup)
        for transition, dialogues in WORKFLOW.pending(user, visible.filter(status__in=WORKFLOW.todo_sources()))
    ]
    late = list(visible.late())
    if late:
        todos.append(todo_of(DOMAIN, "Dossiers en retard sur le calendrier", late, url_of=_url, list_url=followup))
    return todos
