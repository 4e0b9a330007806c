from django.urls import path

from pilotage.indicators import views

app_name = "indicators"
urlpatterns = [
    path("", views.home, name="home"),
    path("matrice/", views.matrix, name="matrix"),
    path("ml/<str:code>/objectifs/", views.targets_edit, name="targets"),
    path("<str:level>/<str:code>/", views.dashboard, name="dashboard"),
    path("<str:level>/<str:code>/export.<str:fmt>", views.dashboard_export, name="dashboard_export"),
]
