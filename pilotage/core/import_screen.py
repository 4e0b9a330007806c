"""The import screen shared by every domain: upload → simulation with every issue → confirmation → saved.

A domain declares its kinds of file (`ImportKindScreen`) and who may use the screen; the uploaded file waits in
MEDIA_ROOT/imports/ between the simulation and the confirmation.
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
from django.urls import reverse

from pilotage.core.forms import DsfrForm
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


@dataclass(frozen=True)
class ImportScreen:
    title: str
    kinds: dict[str, ImportKindScreen]
    allowed: Callable[[object], bool]
    url_name: str
    confirm_url_name: str
    session_key: str
    intro: str = ""

    def _check(self, request):
        if not self.allowed(request.user):
            raise Http404("Page introuvable.")

    @staticmethod
    def _upload_dir() -> Path:
        path = Path(settings.MEDIA_ROOT) / "imports"
        path.mkdir(parents=True, exist_ok=True)
        return path

    def _result(self, request, report, kind, current):
        crumbs = [(self.title, reverse(self.url_name)), (current, None)]
        context = {"report": report, "kind": kind, "screen": self, "breadcrumbs": crumbs}
        return render(request, "core/import_result.html", context)

    def _discard_pending(self, request) -> None:
        """A new upload replaces the one waiting for confirmation; files left unconfirmed for a day go too."""
        pending = request.session.pop(self.session_key, None)
        directory = self._upload_dir()
        if pending:
            (directory / Path(pending["path"]).name).unlink(missing_ok=True)
        cutoff = time.time() - STALE_AFTER_SECONDS
        for path in directory.iterdir():
            if path.is_file() and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)

    def upload(self, request):
        self._check(request)
        form = ImportForm(request.POST or None, request.FILES or None, kinds=self.kinds)
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            self._discard_pending(request)
            stored = self._upload_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
            stored.write_bytes(upload.read())
            kind = self.kinds[form.cleaned_data["kind"]]
            report = kind.run(stored, upload.name, request.user, False)
            if report.ok:
                request.session[self.session_key] = {"kind": kind.name, "path": stored.name, "filename": upload.name}
            else:
                stored.unlink(missing_ok=True)
            return self._result(request, report, kind, "Simulation")
        context = {"form": form, "screen": self, "breadcrumbs": [(self.title, None)]}
        return render(request, "core/import_upload.html", context)

    def confirm(self, request):
        self._check(request)
        pending = request.session.get(self.session_key)
        if request.method != "POST" or not pending:
            return redirect(self.url_name)
        stored = self._upload_dir() / Path(pending["path"]).name
        del request.session[self.session_key]
        if not stored.is_file():
            messages.error(request, "Le fichier à importer a expiré : déposez-le à nouveau.")
            return redirect(self.url_name)
        kind = self.kinds[pending["kind"]]
        report = kind.run(stored, pending["filename"], request.user, True)
        stored.unlink(missing_ok=True)
        if report.saved:
            messages.success(request, report.summary)
            return redirect(self.url_name)
        # The data changed between the simulation and the confirmation: show the new issues.
        return self._result(request, report, kind, "Résultat")
