from types import SimpleNamespace

from django.conf import settings

#: the route of a page that matched no URL (404) or was rendered without resolving one (an error view)
NO_ROUTE = SimpleNamespace(url_name="", app_name="")


def platform(request):
    return {
        "PILOTAGE_THEME": settings.PILOTAGE_THEME,
        "PILOTAGE_OPERATOR_NAME": settings.PILOTAGE_OPERATOR_NAME,
        # The header marks the current menu entry from it.
        "page_route": getattr(request, "resolver_match", None) or NO_ROUTE,
    }
