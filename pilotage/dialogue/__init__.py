"""The management dialogue (floor 5 of ARCHITECTURE.md, ADR 0010).

`guide.py` (the four steps of fiche 1, their themes and indicators, the five synthesis themes), `models.py`
(campaign, file, theme answers, comments, synthesis rows, action plan, transition log), `workflow.py` (its
transitions on the core engine), `perms.py`, `services.py` (writes), `context.py` (what a file shows: the
indicators of `indicators.dashboard`, targets, funding, follow-up), `documents.py` (the synthesis document
registered with `pilotage.documents`), `selectors.py` (the home page's tasks)."""
