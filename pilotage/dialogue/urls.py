from django.urls import path

from pilotage.dialogue import views

app_name = "dialogue"
urlpatterns = [
    path("", views.home, name="home"),
    path("suivi/", views.followup, name="followup"),
    path("campagnes/nouvelle/", views.campaign_open, name="campaign_open"),
    path("campagnes/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campagnes/<int:pk>/annuler/", views.campaign_cancel, name="campaign_cancel"),
    path("campagnes/<int:pk>/export.<str:fmt>", views.campaign_export, name="campaign_export"),
    path("dossiers/<int:pk>/", views.dialogue_detail, name="dialogue"),
    path("dossiers/<int:pk>/etapes/<str:step>/", views.dialogue_step, name="step"),
    path("dossiers/<int:pk>/synthese/", views.synthesis_edit, name="synthesis"),
    path("dossiers/<int:pk>/actions/nouvelle/", views.action_edit, name="action_create"),
    path("dossiers/<int:pk>/actions/<int:action_pk>/", views.action_edit, name="action_edit"),
    path("dossiers/<int:pk>/conclure/", views.dialogue_conclude, name="conclude"),
    path("dossiers/<int:pk>/etat/", views.dialogue_transition, name="transition"),
    path("dossiers/<int:pk>/synthese.<str:fmt>", views.synthesis_document, name="synthesis_document"),
]
