"""The reference-data import screen: upload → simulation with every issue → confirmation → saved."""

import uuid
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from pilotage.core.forms import DsfrForm
from pilotage.reference.imports import KINDS, reference_import

SESSION_KEY = "reference_import"
MAX_UPLOAD_BYTES = 20 * 2**20


class ImportForm(DsfrForm):
    kind = forms.ChoiceField(label="Données à importer", choices=[(k.name, k.label) for k in KINDS.values()])
    file = forms.FileField(
        label="Fichier", help_text="CSV (séparateur ; ou ,, UTF-8 ou Windows-1252) ou XLSX, 20 Mo au plus"
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("Le fichier dépasse 20 Mo.")
        if not upload.name.lower().endswith((".csv", ".txt", ".xlsx")):
            raise forms.ValidationError("Formats acceptés : CSV ou XLSX.")
        return upload


def _require_admin(request):
    if not request.user.has_perm("reference.manage_reference_data"):
        raise Http404("Page introuvable.")


def _upload_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _crumbs(current):
    return [("Imports du référentiel", reverse("reference:import")), (current, None)]


def import_upload(request):
    _require_admin(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        stored = _upload_dir() / f"{uuid.uuid4().hex}{Path(upload.name).suffix.lower()}"
        stored.write_bytes(upload.read())
        kind = form.cleaned_data["kind"]
        report = reference_import(
            kind=kind, path_or_file=stored, filename=upload.name, acting_user=request.user, wet_run=False
        )
        if report.ok:
            request.session[SESSION_KEY] = {"kind": kind, "path": stored.name, "filename": upload.name}
        else:
            stored.unlink(missing_ok=True)
        return render(
            request,
            "reference/import_result.html",
            {"report": report, "kind": KINDS[kind], "breadcrumbs": _crumbs("Simulation")},
        )
    return render(
        request,
        "reference/import_upload.html",
        {"form": form, "kinds": KINDS.values(), "breadcrumbs": [("Imports du référentiel", None)]},
    )


def import_confirm(request):
    _require_admin(request)
    pending = request.session.get(SESSION_KEY)
    if request.method != "POST" or not pending:
        return redirect("reference:import")
    stored = _upload_dir() / Path(pending["path"]).name
    if not stored.is_file():
        messages.error(request, "Le fichier à importer a expiré : déposez-le à nouveau.")
        return redirect("reference:import")
    report = reference_import(
        kind=pending["kind"], path_or_file=stored, filename=pending["filename"], acting_user=request.user, wet_run=True
    )
    stored.unlink(missing_ok=True)
    del request.session[SESSION_KEY]
    if report.saved:
        messages.success(request, report.summary)
        return redirect("reference:import")
    # The data changed between the simulation and the confirmation: show the new issues.
    return render(
        request,
        "reference/import_result.html",
        {"report": report, "kind": KINDS[pending["kind"]], "breadcrumbs": _crumbs("Résultat")},
    )
