"""The import screen shared by every domain: upload → simulation with every issue → confirmation → saved.

A domain declares its kinds of file (`ImportKindScreen`) and who may use the screen; the uploaded file waits in
MEDIA_ROOT/imports/ between the simulation and the confirmation. The simulation and the saving each run as a
background job (`core/jobs.py`, ADR 0013): the request only stores the file and starts the job, and the person
follows it on the job's page (which survives a reload), where the result, the first issues with « … et N
autres » and the CSV of all of them, and the confirmation button appear.
"""

import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render

from pilotage.core.forms import DsfrForm
from pilotage.core.jobs import job_progress, job_start, register_job
from pilotage.core.models import Job, JobStatus
from pilotage.core.tabular import Column, ImportReport

MAX_UPLOAD_BYTES = 20 * 2**20
STALE_AFTER_SECONDS = 24 * 3600


@dataclass(frozen=True)
class ImportKindScreen:
    name: str
    label: str
    columns: tuple[Column, ...]
    #: run(path, filename, acting_user, wet_run) -> ImportReport
    run: Callable[..., ImportReport]


class ImportForm(DsfrForm):
    kind = forms.ChoiceField(label="Données à importer")
    file = forms.FileField(
        label="Fichier", help_text="CSV (séparateur ; ou ,, UTF-8 ou Windows-1252) ou XLSX, 20 Mo au plus"
    )

    def __init__(self, *args, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(k.name, k.label) for k in kinds.values()]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Le fichier dépasse 20 Mo.")
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError("Formats acceptés : CSV ou XLSX.")
        return upload


#: every import screen by its url_name, for the import jobs
SCREENS: dict[str, "ImportScreen"] = {}


@dataclass(frozen=True)
class ImportScreen:
    title: str
    kinds: dict[str, ImportKindScreen]
    allowed: Callable[[object], bool]
    url_name: str
    confirm_url_name: str
    session_key: str
    intro: str = ""

    def __post_init__(self):
        SCREENS[self.url_name] = self

    def _check(self, request):
        if not self.allowed(request.user):
            raise Http404("Page introuvable.")

    @staticmethod
    def _upload_dir() -> Path:
        path = Path(settings.MEDIA_ROOT) / "imports"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _discard_pending(self, request) -> None:
        """A new upload replaces the one waiting for confirmation; files left unconfirmed for a day go too."""
        pending = request.session.pop(self.session_key, None)
        directory = self._upload_dir()
        if pending and pending.get("path"):
            (directory / Path(pending["path"]).name).unlink(missing_ok=True)
        cutoff = time.time() - STALE_AFTER_SECONDS
        for path in directory.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)

    def _start(self, request, kind, stored_name: str, filename: str, wet_run: bool) -> Job:
        what = "enregistrement" if wet_run else "vérification"
        return job_start(
            kind="import",
            label=f"{kind.label} : {filename} ({what})",
            user=request.user,
            params={
                "screen": self.url_name,
                "kind": kind.name,
                "path": stored_name,
                "filename": filename,
                "wet_run": wet_run,
            },  # fmt: skip
        )

    def upload(self, request):
        self._check(request)
        form = ImportForm(request.POST or None, request.FILES or None, kinds=self.kinds)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            self._discard_pending(request)
            stored = self._upload_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
            with stored.open("wb") as handle:
                for chunk in upload.chunks():
                    handle.write(chunk)
            kind = self.kinds[form.cleaned_data["kind"]]
            job = self._start(request, kind, stored.name, upload.name, wet_run=False)
            request.session[self.session_key] = {"job": str(job.pk), "path": stored.name}
            return redirect("core:job", job.pk)
        context = {"form": form, "screen": self, "breadcrumbs": [(self.title, None)]}
        return render(request, "core/import_upload.html", context)

    def confirm(self, request):
        """Save the file whose simulation (the job in the session) found no error."""
        self._check(request)
        pending = request.session.get(self.session_key)
        if request.method != "POST" or not pending or not pending.get("job"):
            return redirect(self.url_name)
        simulation = Job.objects.filter(pk=pending["job"], created_by=request.user, kind="import").first()
        if simulation is None or simulation.status != JobStatus.DONE or not (simulation.result or {}).get("ok"):
            return redirect(self.url_name)
        del request.session[self.session_key]
        params = simulation.params
        if params.get("wet_run") or not (self._upload_dir() / Path(params["path"]).name).is_file():
            messages.error(request, "Le fichier à importer a expiré : déposez-le à nouveau.")
            return redirect(self.url_name)
        job = self._start(request, self.kinds[params["kind"]], params["path"], params["filename"], wet_run=True)
        return redirect("core:job", job.pk)


def report_result(report: ImportReport) -> dict:
    """What the job's page shows of a report (JSON)."""

    def issue(i):
        return {"file": i.file, "line": i.line, "column": i.column, "value": i.value, "reason": i.reason,
                "severity": i.severity}  # fmt: skip

    return {
        "summary": report.summary,
        "ok": report.ok,
        "saved": report.saved,
        "wet_run": report.wet_run,
        "created": report.created,
        "updated": report.updated,
        "error_count": report.error_count,
        "issues": [issue(i) for i in report.shown_issues],
        "more": report.more_issues,
    }


def run_import_job(job: Job) -> dict:
    """The import job: the screen's kind run on the stored file, dry or wet; the file goes once saved or refused."""
    params = job.params
    screen = SCREENS[params["screen"]]
    kind = screen.kinds[params["kind"]]
    stored = screen._upload_dir() / Path(params["path"]).name
    if not stored.is_file():
        return {"expired": True, "screen": screen.url_name}
    job_progress(0, stage="Lecture du fichier", force=True)
    report = kind.run(stored, params["filename"], job.created_by, params["wet_run"])
    if params["wet_run"] or not report.ok:
        stored.unlink(missing_ok=True)
    if report.issues:
        job.issues_csv = report.issues_csv()
    return {**report_result(report), "screen": screen.url_name}


register_job("import", run_import_job)
