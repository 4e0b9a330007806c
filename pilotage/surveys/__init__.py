"""Questionnaires and surveys (floor 5 of ARCHITECTURE.md, ADR 0009).

Questionnaires (`Questionnaire` → `Section` → `Question`, conditions on another question), surveys (draft → open →
closed, `workflow.py` on the core engine, logged in `SurveyTransition`), targets (a Mission Locale or a funder;
only the SHA-256 of the personal link's token is stored, `links.py` issues the links) and responses (JSON
answers). `answering.py` (reading answers), `results.py` (bases, percentages, cross-tabulations, masking with
`indicators/masking.py`), `situations.py` (seed 002 part 5), `perms.py` (who runs, who reads exact figures),
`queries.py` (results for the API); templates in `data/questionnaires.json`; the answer page by link is the one
public page."""
