from django.urls import path

from pilotage.animation import views

app_name = "animation"
urlpatterns = [
    path("", views.home, name="home"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("suivi/", views.follow_up, name="follow_up"),
    path("suivi/export.<str:fmt>", views.follow_up_export, name="follow_up_export"),
    path("programmes/nouveau/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/actions/ajouter/", views.action_edit, name="action_add"),
    path("programmes/<int:pk>/actions/<int:action_pk>/modifier/", views.action_edit, name="action_edit"),
    path("programmes/<int:pk>/actions/<int:action_pk>/supprimer/", views.action_delete_view, name="action_delete"),
    path("programmes/<int:pk>/transitions/<str:name>/", views.transition, name="transition"),
    path("programmes/<int:pk>/commentaires/", views.comment, name="comment"),
    path("programmes/<int:pk>/convention/", views.convention_record, name="convention_record"),
    path("programmes/<int:pk>/annexe.<str:fmt>", views.annex, name="annex"),
    path("programmes/<int:pk>/rapport/", views.report, name="report"),
    path("programmes/<int:pk>/rapport/actions/<int:action_pk>/", views.action_report_edit, name="action_report"),
]
