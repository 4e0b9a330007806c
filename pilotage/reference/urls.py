from django.urls import path

from pilotage.reference import views, views_imports

app_name = "reference"
urlpatterns = [
    path("territoires/", views.territory, name="territory"),
    path("territoires/regions/<str:code>/", views.region_detail, name="region_detail"),
    path("territoires/departements/<str:code>/", views.department_detail, name="department_detail"),
    path("missions-locales/", views.mission_locale_list, name="mission_locale_list"),
    path("missions-locales/export.<str:fmt>", views.mission_locale_export, name="mission_locale_export"),
    path("missions-locales/<str:code>/", views.mission_locale_detail, name="mission_locale_detail"),
    path("missions-locales/<str:code>/modifier/", views.mission_locale_edit, name="mission_locale_edit"),
    path("organisations/", views.organisation_list, name="organisation_list"),
    path("organisations/<str:kind>/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("referentiel/import/", views_imports.import_upload, name="import"),
    path("referentiel/import/confirmer/", views_imports.import_confirm, name="import_confirm"),
]
