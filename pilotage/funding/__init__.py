"""Conventions, CPO avenants, budget lines, payments, funding lines (floor 4 of ARCHITECTURE.md).

`models/` (the rules of `models/conventions.py`: 4-year CPO, 50 % advance, ±10 % guardrail, ADR 0005); the words
in `vocabulary.py` (`FundingCategory`; funder types are `reference`'s `FunderType`); writes in `services.py`; the
read side in `selectors.py` (the home page's totals, the funders' view of a territory, the tasks, the analysis of
what a user sees); `lines.py` (the funding-lines reader shared with the offline report); the departmental analysis
(ADR 0004): `analysis.py` (pure Python: the report, its JSON, its long table), fed by `selectors.analysis_for`
(the page and its exports) and by `offline.py` + the `funding_report` command (files); `avenant.py` (the avenant
of fiche 4, registered with `pilotage.documents` in `apps.py`; default DOCX built by
`scripts/make_document_templates.py`); pages: lines, import, analysis, conventions, funders' view, the avenant."""
