from django.urls import path

from pilotage.documents import views

app_name = "documents"
urlpatterns = [
    path("avenant/<int:pk>.<str:fmt>", views.amendment_document, name="amendment"),
]
