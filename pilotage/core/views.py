from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})


def bad_request(request, exception=None):
    """A 400 in the platform's layout, saying which parameter was wrong and what is expected (core/params.py)."""
    message = str(exception) if exception is not None and str(exception) else "La demande est mal formée."
    return render(request, "400.html", {"message": message}, status=400)
