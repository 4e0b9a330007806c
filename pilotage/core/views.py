from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseBadRequest, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.csrf import requires_csrf_token


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})


@login_not_required
@requires_csrf_token
def server_error(request):
    """The 500 page: rendered without the request's context (its middleware may be what failed)."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render(_error_context()))


@login_not_required
@requires_csrf_token
def bad_request(request, exception):
    """The 400 page (an unknown host name, a malformed request): no request context either."""
    template = loader.get_template("400.html")
    return HttpResponseBadRequest(template.render(_error_context()))


def _error_context() -> dict:
    return {"PILOTAGE_THEME": settings.PILOTAGE_THEME, "PILOTAGE_OPERATOR_NAME": settings.PILOTAGE_OPERATOR_NAME}
