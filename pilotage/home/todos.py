"""A person's tasks across the domains, as each domain publishes them."""

from pilotage.animation.selectors import animation_todos
from pilotage.core.todos import Todo
from pilotage.dialogue.selectors import dialogue_todos
from pilotage.funding.selectors import funding_todos
from pilotage.submissions.selectors import submission_todos
from pilotage.surveys.selectors import survey_todos

SOURCES = (dialogue_todos, funding_todos, animation_todos, survey_todos, submission_todos)


def todos_for(user) -> list[Todo]:
    return [todo for source in SOURCES for todo in source(user)]
