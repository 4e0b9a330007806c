from django.conf import settings


def platform(request):
    return {
        "PILOTAGE_THEME": settings.PILOTAGE_THEME,
        "PILOTAGE_OPERATOR_NAME": settings.PILOTAGE_OPERATOR_NAME,
    }
