"""The API under /api/: version 1 of the resources, the OpenAPI schema and its documentation, the token page.

The schema and the documentation pages are public: they describe the API and show no data (every data
request needs a token or a session), and a partner's developer reads them before getting an account. They load
their scripts from our own static files (drf-spectacular-sidecar), which the `script-src 'self'` policy allows.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from pilotage.api import views
from pilotage.api.exceptions import no_route
from pilotage.api.indicators import IndicatorListView
from pilotage.api.pushes import FundingLinePushView
from pilotage.api.schema import SCHEMA_SETTINGS
from pilotage.api.submissions import SubmissionViewSet
from pilotage.api.surveys import SurveyViewSet
from pilotage.api.sync import DeletionListView

app_name = "api"

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("departements", views.DepartmentViewSet, basename="department")
router.register("missions-locales", views.MissionLocaleViewSet, basename="missionlocale")
router.register("arml", views.RegionalAssociationViewSet, basename="arml")
router.register("services-etat", views.StateServiceViewSet, basename="stateservice")
router.register("financeurs", views.FunderViewSet, basename="funder")
router.register("lignes-financement", views.FundingLineViewSet, basename="fundingline")
router.register("conventions", views.ConventionViewSet, basename="convention")
router.register("dialogues-gestion", views.ManagementDialogueViewSet, basename="managementdialogue")
router.register("programmes-animation", views.AnimationProgrammeViewSet, basename="animationprogramme")
router.register("enquetes", SurveyViewSet, basename="survey")
router.register("depots-donnees", SubmissionViewSet, basename="submission")  # issue 15: pilotage/api/submissions.py


urlpatterns = [
    path("v1/moi/", views.me, name="me"),
    path("v1/indicateurs/", IndicatorListView.as_view(), name="indicators"),
    path("v1/suppressions/", DeletionListView.as_view(), name="deletions"),
    path("v1/lignes-financement/import/", FundingLinePushView.as_view(), name="fundingline_push"),
    path("v1/", include(router.urls)),
    path("schema/", login_not_required(SpectacularAPIView.as_view(custom_settings=SCHEMA_SETTINGS)), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), not inline: CSP-compatible.
    path(
        "docs/",
        login_not_required(
            SpectacularSwaggerSplitView.as_view(url_name="api:schema", template_name="api/swagger_ui.html")
        ),
        name="docs",
    ),
    path(
        "redoc/",
        login_not_required(SpectacularRedocView.as_view(url_name="api:schema", template_name="api/redoc.html")),
        name="redoc",
    ),
    path("jeton/", views.token_page, name="token"),
    path("jeton/<int:pk>/revoquer/", views.token_revoke, name="token_revoke"),
    path("jetons/", views.token_list_all, name="token_list_all"),
    # Last: any other path ending with a slash (a path without one is first redirected by APPEND_SLASH).
    re_path(r"^[\s\S]*/$", no_route),  # [\s\S], not `.`: a path holding a newline too
]
