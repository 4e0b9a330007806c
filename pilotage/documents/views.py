"""Downloads of the generated documents. The object comes through its `visible_to(user)`: out of territory, 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from pilotage.documents import avenant
from pilotage.documents.rendering import CONTENT_TYPES, document_download


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
    return document_download(avenant.KIND, fmt, context, avenant.file_name(amendment, fmt))
