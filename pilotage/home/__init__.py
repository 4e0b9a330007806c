"""The front door (floor 6 of ARCHITECTURE.md): the public landing page and each person's home page, whose
« À faire » gathers the tasks each domain publishes in its `selectors.py` (`dialogue_todos`, `funding_todos`,
`animation_todos`, `survey_todos`, each a list of `core.todos.Todo`; the workflow-driven ones come from
`Workflow.pending` over the transitions declared with a `todo` heading, ADR 0012)."""
