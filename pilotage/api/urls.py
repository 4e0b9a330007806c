from django.http import HttpResponse
from django.urls import path

app_name = "api"
urlpatterns = [
    path("docs/", lambda request: HttpResponse("À venir"), name="docs"),
    path("jeton/", lambda request: HttpResponse("À venir"), name="token"),
]
