from django.urls import path

from pilotage.audit import views

app_name = "audit"
urlpatterns = [
    path("supprimes/", views.deleted_objects, name="deleted_objects"),
    path("supprimes/<str:model_label>/<str:pk>/", views.deleted_object, name="deleted_object"),
    path("exports/", views.export_log, name="export_log"),
]
