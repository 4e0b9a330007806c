"""What every domain shares and nothing domain-specific (floor 0 of ARCHITECTURE.md).

The roles (`roles.py`) and the `Scope` vocabulary (`scope.py`); validators of French identifiers (`validators.py`,
python-stdnum) and fake valid ones for demo and tests (`identifiers.py`); tabular file reading, French amounts and
import reports (`tabular.py`, ADRs 0003 and 0013); exports (`exports.py`: the one place that writes CSV/XLSX, each
export declaring its `Column`s once, for people or `?format=technique`, ADR 0022; `templatetags/exports.py`: the
pages' export links); background jobs (`models.py` `Job` + `jobs.py`: `register_job`, `job_start`,
`job_progress`, run by django-tasks' database backend; the job page in `views.py`); uploaded PDF and zip checks
(`uploads.py`); audit-trail reading (`audit.py`); change-only upserts (`upsert.py`); the workflow engine
(`workflow.py`, ADR 0012); DSFR form fields (`forms.py`: `AmountField`, `PercentField`); figures as French people
read them (`formatting.py`, used by the filters of `templatetags/pilotage.py`, ADR 0017); query parameters read
safely (`params.py`: a bad value is a French 400); `todos.py` (the `Todo` a domain reports); the client's IP
behind `TRUSTED_PROXY_COUNT` proxies (`clients.py`); the accessibility page, security headers, the admin site, the
import commands' printing (`management/base.py`), the `serve` command (ADR 0016) and the error pages' views."""
