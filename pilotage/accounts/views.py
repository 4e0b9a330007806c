from django.shortcuts import render

from pilotage.reference.models import Department, MissionLocale, Region


def profile(request):
    user = request.user
    scope = user.scope
    return render(
        request,
        "accounts/profile.html",
        {
            "scope": scope,
            "regions": Region.objects.visible_to(user),
            "departments_count": Department.objects.visible_to(user).count(),
            "missions_locales_count": MissionLocale.objects.visible_to(user).count(),
            "breadcrumbs": [("Mon compte", None)],
        },
    )
