from django.conf import settings


def platform(request):
    match = getattr(request, "resolver_match", None)  # None on an error page (no URL matched)
    return {
        "PILOTAGE_THEME": settings.PILOTAGE_THEME,
        "PILOTAGE_OPERATOR_NAME": settings.PILOTAGE_OPERATOR_NAME,
        # the menu's current entry
        "nav_app": getattr(match, "app_name", "") or "",
        "nav_name": getattr(match, "url_name", "") or "",
    }
