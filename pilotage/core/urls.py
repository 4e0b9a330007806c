from django.urls import path

from pilotage.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
]
