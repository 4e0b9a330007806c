from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("", include("pilotage.home.urls")),
    path("", include("pilotage.core.urls")),
    path("", include("pilotage.reference.urls")),
    path("compte/", include("pilotage.accounts.urls")),
    path("financements/", include("pilotage.funding.urls")),
    path("tableau-de-bord/", include("pilotage.indicators.urls")),
    path("donnees/depots/", include("pilotage.submissions.urls")),
    path("dialogue-de-gestion/", include("pilotage.dialogue.urls")),
    path("enquetes/", include("pilotage.surveys.urls")),
    path("api/", include("pilotage.api.urls")),
    path("animation/", include("pilotage.animation.urls")),
    path("audit/", include("pilotage.audit.urls")),
    path("admin/", admin.site.urls),
]

# The 404 and 403 pages (404.html, 403.html) are Django's own views with the full layout; the 500 and 400 pages
# are rendered without the request's context.
handler500 = "pilotage.core.views.server_error"
handler400 = "pilotage.core.views.bad_request"
