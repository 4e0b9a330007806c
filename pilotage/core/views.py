from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render


@login_not_required
def accessibility(request):
    return render(request, "core/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})
