"""Downloads of the generated documents. The object comes through its `visible_to(user)`: out of territory, 404."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404

from pilotage.documents import avenant
from pilotage.documents.rendering import render_docx, render_pdf

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _download(data: bytes, filename: str, fmt: str) -> HttpResponse:
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def amendment_document(request, pk, fmt):
    """The avenant of fiche 4 as DOCX (editable) or PDF, for whoever sees its CPO."""
    from pilotage.funding.models import Amendment

    if fmt not in CONTENT_TYPES:
        raise Http404("Format inconnu.")
    amendment = get_object_or_404(
        Amendment.objects.visible_to(request.user).select_related("convention__mission_locale__department__region"),
        pk=pk,
        convention__mission_locale__isnull=False,
    )
    context = avenant.amendment_document_context(amendment)
    render = render_docx if fmt == "docx" else render_pdf
    return _download(render(avenant.KIND, context), avenant.file_name(amendment, fmt), fmt)
