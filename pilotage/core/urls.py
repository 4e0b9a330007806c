from django.urls import path

from pilotage.core import views

app_name = "core"
urlpatterns = [
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("taches/<uuid:pk>/", views.job_detail, name="job"),
    path("taches/<uuid:pk>/problemes.csv", views.job_issues, name="job_issues"),
]
