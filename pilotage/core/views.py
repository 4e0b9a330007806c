from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from pilotage.reference.models import Department, MissionLocale, Region


def home(request):
    user = request.user
    return render(
        request,
        "core/home.html",
        {
            "regions": Region.objects.visible_to(user),
            "departments": Department.objects.visible_to(user).select_related("region"),
            "missions_locales_count": MissionLocale.objects.visible_to(user).active().count(),
            "own_mission_locale": user.mission_locale,
        },
    )


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html")


def bad_request(request, exception=None):
    """A 400 in the platform's layout, saying which parameter was wrong and what is expected (core/params.py)."""
    message = str(exception) if exception is not None and str(exception) else "La demande est mal formée."
    return render(request, "400.html", {"message": message}, status=400)
