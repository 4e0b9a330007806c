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
