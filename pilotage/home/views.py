from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render

from pilotage.home.todos import todos_for
from pilotage.reference.models import Department, MissionLocale, Region


@login_not_required
def home(request):
    """The landing page for a visitor; for a signed-in person, what waits for them and where to go."""
    user = request.user
    if not user.is_authenticated:
        return render(request, "home/landing.html", {"contact_email": settings.CONTACT_EMAIL})
    return render(request, "home/home.html", {
        "todos": todos_for(user),
        "own_mission_locale": user.mission_locale,
        "regions": Region.objects.visible_to(user),
        "departments": Department.objects.visible_to(user).select_related("region"),
        "missions_locales_count": MissionLocale.objects.visible_to(user).active().count(),
    })  # fmt: skip
