from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import BadRequest, RequestDataTooBig
from django.http import Http404, HttpResponseBadRequest, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from django.views.decorators.csrf import requires_csrf_token

from pilotage.core.exports import csv_response
from pilotage.core.import_screen import SCREENS
from pilotage.core.models import Job


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})


def _own_job(request, pk):
    return get_object_or_404(Job, pk=pk, created_by=request.user)


def job_detail(request, pk):
    """A background job's page, for the person who started it: state, progress (the page reloads itself every
    two seconds until the job ends), then its result; for an import, the issues and the confirmation."""
    job = _own_job(request, pk)
    result = job.result or {}
    screen = SCREENS.get(job.params.get("screen")) if job.kind == "import" else None
    crumbs = [(screen.title, reverse(screen.url_name))] if screen else []
    return render(request, "core/job.html", {
        "job": job,
        "result": result,
        "screen": screen,
        "confirmable": bool(screen and job.status == "done" and result.get("ok") and not result.get("wet_run")
                            and request.session.get(screen.session_key, {}).get("job") == str(job.pk)),
        "breadcrumbs": [*crumbs, (job.label, None)],
    })  # fmt: skip


def job_issues(request, pk):
    """Every problem the job found, as a CSV (the page shows the first ones)."""
    job = _own_job(request, pk)
    if not job.issues_csv:
        raise Http404("Aucun problème à télécharger.")
    return csv_response(job.issues_csv, f"problemes-{job.pk}.csv")


@login_not_required
@requires_csrf_token
def server_error(request):
    """The 500 page: rendered without the request's context (its middleware may be what failed)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(_error_context()))


@login_not_required
@requires_csrf_token
def bad_request(request, exception):
    """The 400 page (an unknown host name, a malformed request): no request context either. A query parameter
    refused by `core/params.py` (a `BadRequest`) says which value and what is expected. Under /api/, a French JSON
    error, never HTML (e.g. a body beyond DATA_UPLOAD_MAX_MEMORY_SIZE)."""
    if request.path.startswith("/api/"):
        if isinstance(exception, RequestDataTooBig):
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE / 2**20
            message = f"Corps de requête trop gros : au plus {limit:g} Mo par requête ; découpez l'envoi."
        else:
            message = str(exception) if isinstance(exception, BadRequest) and str(exception) else "Requête incorrecte."
        return JsonResponse({"detail": message}, status=400, json_dumps_params={"ensure_ascii": False})
    context = _error_context()
    if isinstance(exception, BadRequest) and str(exception):
        context["message"] = str(exception)
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render(context))


def _error_context() -> dict:
    return {"PILOTAGE_THEME": settings.PILOTAGE_THEME, "PILOTAGE_OPERATOR_NAME": settings.PILOTAGE_OPERATOR_NAME}
