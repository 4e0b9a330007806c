"""Indicator data submitted through the platform (floor 5 of ARCHITECTURE.md; issue 15, ADR 0020).

`models.py` (`Submission` — a region's, a Mission Locale's, or the DGEFP's national export split into regional
ones —, its transition log, `ValueExplanation`, `SubmissionQuality`: the stored quality report), `services.py`
(checks, streamed storage, the job started, the workflow's moves, explanations), `processing.py` (the `submission`
job: taken once, validated, computed, staged per region, its report stored; the `submission_quality` job after a
publication), `workflow.py` (submitted → processing → validated or split → approved → published, on the core
engine), `perms.py`, `quality.py` (completeness, rules declared in `data/quality_rules.json`, outliers, changes:
pure functions), `selectors.py` (the report computed, stored, read and refreshed; the dashboard's lineage and
explanations; the home page's tasks), `views.py` + `urls.py` (pages under `/donnees/depots/`), `forms.py`,
`templatetags/submissions.py` (the review page's « expliqué » cells), the `submit_export` command."""
