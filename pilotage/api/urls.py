from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from pilotage.api import views

app_name = "api"
router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("departements", views.DepartmentViewSet, basename="department")
router.register("missions-locales", views.MissionLocaleViewSet, basename="missionlocale")
router.register("arml", views.RegionalAssociationViewSet, basename="arml")
router.register("services-etat", views.StateServiceViewSet, basename="stateservice")
router.register("financeurs", views.FunderViewSet, basename="funder")

urlpatterns = [
    path("v1/moi/", views.me, name="me"),
    path("v1/", include(router.urls)),
    # The documentation is public (it shows no data); Swagger UI's script is served apart for the CSP.
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("redoc/", login_not_required(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    path("jeton/", views.token_page, name="token"),
]
